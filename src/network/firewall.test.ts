import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderRuleset, validTableName } from './firewall.js';
import { parseIPv4, parseSubnet } from './ipv4.js';

test('the ruleset: publish DNAT, masquerade, isolation and internal networks', () => {
  const text = renderRuleset('berth', {
    networks: [
      { bridge: 'berth0', subnet: parseSubnet('172.17.0.0/16'), internal: false },
      { bridge: 'br-abc', subnet: parseSubnet('10.1.0.0/24'), internal: true },
    ],
    ports: [
      { proto: 'tcp', hostIp: parseIPv4('127.0.0.1')!, hostPort: 8080, address: parseIPv4('172.17.0.2')!, port: 80 },
      { proto: 'udp', hostPort: 5353, address: parseIPv4('172.17.0.3')!, port: 53 },
    ],
  });
  const lines = text.split('\n').map((l) => l.trim());
  // Replaces the whole table in one transaction, creating it first so the delete cannot fail.
  assert.deepEqual(lines.slice(0, 3), ['table ip berth', 'delete table ip berth', 'table ip berth {']);
  assert.ok(lines.includes('set bridges { type ifname; elements = { "berth0", "br-abc" } }'));
  assert.ok(lines.includes('ip daddr 127.0.0.1 tcp dport 8080 dnat to 172.17.0.2:80'));
  assert.ok(lines.includes('udp dport 5353 dnat to 172.17.0.3:53'));
  assert.ok(lines.includes('ip saddr 172.17.0.0/16 oifname != "berth0" masquerade'));
  assert.ok(!lines.includes('ip saddr 10.1.0.0/24 oifname != "br-abc" masquerade'), 'an internal network has no NAT out');
  assert.ok(lines.includes('oifname "berth0" ip saddr 127.0.0.0/8 masquerade'));
  assert.ok(lines.includes('iifname "berth0" oifname @bridges oifname != "berth0" drop'));
  assert.ok(lines.includes('iifname "br-abc" oifname != "br-abc" drop'));
  assert.ok(lines.includes('oifname "br-abc" iifname != "br-abc" drop'));
});

test('table names are plain words', () => {
  assert.equal(validTableName('berth-bt-x1'), true);
  assert.equal(validTableName('x; flush ruleset'), false);
});
