// `berth network connect` and `network disconnect` against a stub daemon: the bodies docker
// 28.2.2 sent for the same command lines, and its errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../testing/run-berth.js';
import { networkDaemon } from './testing/stub-daemon.js';

const DAEMON_FIELDS = '"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null';

test('network connect: the endpoint settings docker sends, bare and with every flag', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'connect', 'mynet', 'web']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 0, out: '', err: '' });
  assert.deepEqual(stub.requests.map((q) => [q.method, q.path, q.body]), [
    ['POST', '/networks/mynet/connect', `{"Container":"web","EndpointConfig":{"IPAMConfig":{},"Links":null,"Aliases":[],"MacAddress":"","DriverOpts":{},"GwPriority":0,${DAEMON_FIELDS}}}\n`],
  ]);
  const full = networkDaemon();
  await berth(t, full, [
    'network', 'connect', '--ip', '10.0.0.5', '--ip6', 'fd00::5', '--alias', 'a1', '--alias', 'a2,a3', '--link', 'other:al', '--link-local-ip', '169.254.1.1',
    '--driver-opt', 'k=v', '--driver-opt', ' k2 = v2 ', '--gw-priority', '5', 'mynet', 'web',
  ]);
  assert.equal(
    full.requests[0]?.body,
    `{"Container":"web","EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.0.0.5","IPv6Address":"fd00::5","LinkLocalIPs":["169.254.1.1"]},"Links":["other:al"],"Aliases":["a1","a2","a3"],"MacAddress":"","DriverOpts":{"k":"v","k2":"v2"},"GwPriority":5,${DAEMON_FIELDS}}}\n`,
  );
});

test('network connect: errors in docker’s words', async (t) => {
  const nope = await berth(t, networkDaemon(), ['network', 'connect', 'nope', 'web']);
  assert.deepEqual({ code: nope.code, err: nope.err }, { code: 1, err: 'Error response from daemon: network nope not found\n' });
  const opt = networkDaemon();
  const badOpt = await berth(t, opt, ['network', 'connect', '--driver-opt', 'k', 'mynet', 'web']);
  assert.deepEqual({ code: badOpt.code, err: badOpt.err }, { code: 1, err: 'invalid key/value pair format in driver options\n' });
  assert.equal(opt.requests.length, 0);
  const usage = "\n\nUsage:  berth network connect [OPTIONS] NETWORK CONTAINER\n\nRun 'berth network connect --help' for more information\n";
  const link = await berth(t, networkDaemon(), ['network', 'connect', '--link', 'a:b:c', 'mynet', 'web']);
  assert.deepEqual({ code: link.code, err: link.err }, { code: 125, err: `invalid argument "a:b:c" for "--link" flag: bad format for links: a:b:c${usage}` });
  const gw = await berth(t, networkDaemon(), ['network', 'connect', '--gw-priority', 'x', 'mynet', 'web']);
  assert.deepEqual({ code: gw.code, err: gw.err }, { code: 125, err: `invalid argument "x" for "--gw-priority" flag: strconv.ParseInt: parsing "x": invalid syntax${usage}` });
});

test('network disconnect [-f]: {"Container","Force"}', async (t) => {
  for (const [flags, body] of [[[], '{"Container":"web","Force":false}\n'], [['-f'], '{"Container":"web","Force":true}\n']] as const) {
    const stub = networkDaemon();
    assert.equal((await berth(t, stub, ['network', 'disconnect', ...flags, 'mynet', 'web'])).code, 0);
    assert.deepEqual(stub.requests.map((q) => [q.method, q.path, q.body]), [['POST', '/networks/mynet/disconnect', body]]);
  }
  const nope = await berth(t, networkDaemon(), ['network', 'disconnect', 'nope', 'web']);
  assert.deepEqual({ code: nope.code, err: nope.err }, { code: 1, err: 'Error response from daemon: network nope not found\n' });
});
