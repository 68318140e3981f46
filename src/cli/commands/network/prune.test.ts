// `berth network prune` against a stub daemon; expected bytes as docker 28.2.2 prints them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../testing/run-berth.js';
import { networkDaemon } from './testing/stub-daemon.js';

test('network prune asks first; n prints nothing more and exits 0; y lists what was removed', async (t) => {
  const stub = networkDaemon();
  const no = await berth(t, stub, ['network', 'prune'], { stdin: 'n\n' });
  const warning = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';
  assert.deepEqual({ code: no.code, out: no.out }, { code: 0, out: warning });
  assert.equal(stub.requests.length, 0);
  const yes = await berth(t, networkDaemon(), ['network', 'prune'], { stdin: 'y\n' });
  assert.deepEqual({ code: yes.code, out: yes.out }, { code: 0, out: `${warning}Deleted Networks:\nold1\nold2\n\n` });
});

test('network prune -f --filter: the query docker sends; nothing printed when nothing was removed', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'prune', '-f', '--filter', 'until=1h', '--filter', 'label=a']);
  assert.equal(r.out, 'Deleted Networks:\nold1\nold2\n\n');
  assert.deepEqual(stub.paths(), [`POST /networks/prune?filters=${encodeURIComponent('{"label":{"a":true},"until":{"1h":true}}')}`]);
  const empty = networkDaemon().on('POST', '/networks/prune', (_req, res) => res.json(200, { NetworksDeleted: null }));
  assert.deepEqual(await berth(t, empty, ['network', 'prune', '-f']).then((x) => [x.code, x.out]), [0, '']);
});
