// `berth network inspect` against a stub daemon; expected bytes as docker 28.2.2 prints them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../testing/run-berth.js';
import { NET_ID, networkDaemon } from './testing/stub-daemon.js';

test('network inspect: docker’s indented array, then the errors (exit 1)', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'inspect', 'mynet', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.out, new RegExp(`^\\[\\n {4}\\{\\n {8}"Name": "mynet",\\n {8}"Id": "${NET_ID}",\\n`));
  assert.match(r.out, /\n {8}"IPAM": \{\n {12}"Driver": "default",\n {12}"Options": \{\},\n {12}"Config": \[\n {16}\{\n {20}"Subnet": "172.18.0.0\/16",/);
  assert.match(r.out, /\n {8}"Labels": \{\n {12}"a": "b"\n {8}\}\n {4}\}\n\]\n$/);
  assert.equal(r.err, 'Error response from daemon: network nope not found\n');
  assert.deepEqual(stub.paths(), ['GET /networks/mynet', 'GET /networks/nope']);
});

test('network inspect -v -f: verbose=true per network, the template per network', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'inspect', '-v', '-f', '{{.Name}} {{.Scope}}', 'ingress', 'mynet']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 0, out: 'ingress swarm\nmynet local\n', err: '' });
  assert.deepEqual(stub.paths(), ['GET /networks/ingress?verbose=true', 'GET /networks/mynet?verbose=true']);
});

test('network inspect: only unknown networks print [] and exit 1; a bad template fails first (64)', async (t) => {
  const none = await berth(t, networkDaemon(), ['network', 'inspect', 'foo']);
  assert.deepEqual({ code: none.code, out: none.out, err: none.err }, { code: 1, out: '[]\n', err: 'Error response from daemon: network foo not found\n' });
  const stub = networkDaemon();
  const bad = await berth(t, stub, ['network', 'inspect', '-f', '{{', 'mynet']);
  assert.deepEqual({ code: bad.code, out: bad.out, err: bad.err }, { code: 64, out: '', err: 'template parsing error: template: :1: unclosed action\n' });
  assert.equal(stub.requests.length, 0);
  const missing = await berth(t, networkDaemon(), ['network', 'inspect', '-f', '{{.Nope}}', 'mynet']);
  assert.deepEqual(
    { code: missing.code, out: missing.out, err: missing.err },
    { code: 1, out: '\n', err: 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\n' },
  );
});
