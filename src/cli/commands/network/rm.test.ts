// `berth network rm` against a stub daemon; expected bytes as docker 28.2.2 prints them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../testing/run-berth.js';
import { networkDaemon } from './testing/stub-daemon.js';

test('network rm: each network inspected then removed, in order; failures on stderr and `exit status 1`', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'rm', 'mynet', 'nope', 'busy', 'bridge']);
  assert.deepEqual(
    { code: r.code, out: r.out, err: r.err },
    {
      code: 1,
      out: 'mynet\nbridge\n',
      err:
        'Error response from daemon: network nope not found\n' +
        'Error response from daemon: error while removing network: network busy id 1234 has active endpoints\n' +
        'exit status 1\n',
    },
  );
  assert.deepEqual(stub.paths(), [
    'GET /networks/mynet',
    'DELETE /networks/mynet',
    'GET /networks/nope',
    'DELETE /networks/nope',
    'GET /networks/busy',
    'DELETE /networks/busy',
    'GET /networks/bridge',
    'DELETE /networks/bridge',
  ]);
});

test('network remove -f: a network that does not exist is not reported', async (t) => {
  const r = await berth(t, networkDaemon(), ['network', 'remove', '-f', 'nope', 'mynet']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 0, out: 'mynet\n', err: '' });
});

test('network rm asks before removing the routing-mesh network; n skips it', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'rm', 'ingress', 'mynet'], { stdin: 'n\n' });
  assert.equal(
    r.out,
    'WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. ' +
      'Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.\n' +
      'Are you sure you want to continue? [y/N] mynet\n',
  );
  assert.deepEqual(stub.paths(), ['GET /networks/ingress', 'GET /networks/mynet', 'DELETE /networks/mynet']);
  const yes = networkDaemon();
  assert.equal((await berth(t, yes, ['network', 'rm', 'ingress'], { stdin: 'y\n' })).code, 0);
  assert.deepEqual(yes.paths(), ['GET /networks/ingress', 'DELETE /networks/ingress']);
});
