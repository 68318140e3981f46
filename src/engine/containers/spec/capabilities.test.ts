import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CAPABILITIES, KNOWN_CAPABILITIES, capabilitySet, normalizeCapabilities } from './capabilities.js';
import { assertThrowsEngine } from './testing/fixtures.js';

const none = { capAdd: [], capDrop: [], privileged: false };

describe('capabilities', () => {
  test('the default set is Docker’s 14 capabilities', () => {
    assert.deepEqual(capabilitySet(none), [...DEFAULT_CAPABILITIES]);
    assert.equal(DEFAULT_CAPABILITIES.length, 14);
    assert.equal(KNOWN_CAPABILITIES.length, 41);
    for (const c of DEFAULT_CAPABILITIES) assert.ok(KNOWN_CAPABILITIES.includes(c), c);
  });

  test('names are case-insensitive, with or without CAP_', () => {
    assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_sys_time', 'Sys_Ptrace', 'all']), ['CAP_NET_ADMIN', 'CAP_SYS_TIME', 'CAP_SYS_PTRACE', 'ALL']);
  });

  const table: [string, { capAdd: string[]; capDrop: string[]; privileged?: boolean }, string[]][] = [
    ['add one', { capAdd: ['NET_ADMIN'], capDrop: [] }, [...DEFAULT_CAPABILITIES, 'CAP_NET_ADMIN']],
    ['add a default one again', { capAdd: ['chown'], capDrop: [] }, [...DEFAULT_CAPABILITIES]],
    ['drop one', { capAdd: [], capDrop: ['net_raw'] }, DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_NET_RAW')],
    ['drop ALL, add one', { capAdd: ['NET_BIND_SERVICE'], capDrop: ['ALL'] }, ['CAP_NET_BIND_SERVICE']],
    ['drop ALL', { capAdd: [], capDrop: ['all'] }, []],
    ['add ALL', { capAdd: ['ALL'], capDrop: [] }, [...KNOWN_CAPABILITIES]],
    ['add ALL, drop one', { capAdd: ['ALL'], capDrop: ['SYS_ADMIN'] }, KNOWN_CAPABILITIES.filter((c) => c !== 'CAP_SYS_ADMIN')],
    ['add ALL and drop ALL: add wins', { capAdd: ['ALL'], capDrop: ['ALL'] }, [...KNOWN_CAPABILITIES]],
    ['privileged ignores drops', { capAdd: [], capDrop: ['ALL'], privileged: true }, [...KNOWN_CAPABILITIES]],
  ];
  for (const [name, req, want] of table) {
    test(name, () => assert.deepEqual(capabilitySet({ privileged: false, ...req }), want));
  }

  test('unknown names are refused with Docker’s words', () => {
    assertThrowsEngine(() => capabilitySet({ ...none, capAdd: ['FOO'] }), 'unknown capability: "CAP_FOO"');
    assertThrowsEngine(() => normalizeCapabilities(['cap_foo']), 'unknown capability: "CAP_FOO"');
  });

  test('a known capability the host lacks is refused; privileged gets only what the host has', () => {
    const available = ['CAP_CHOWN', 'CAP_KILL'];
    assertThrowsEngine(
      () => capabilitySet({ ...none, capAdd: ['SYS_ADMIN'], available }),
      'capability not supported by your kernel or not available in the current environment: "CAP_SYS_ADMIN"',
    );
    assert.deepEqual(capabilitySet({ ...none, privileged: true, available }), available);
    assert.deepEqual(capabilitySet({ ...none, capAdd: ['ALL'], capDrop: ['kill'], available }), ['CAP_CHOWN']);
  });
});
