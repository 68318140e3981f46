// `berth container prune` against a stub daemon.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';

function daemon(): StubServer {
  return new StubServer().on('POST', '/containers/prune', (_req, res) => res.json(200, { ContainersDeleted: ['a'.repeat(64)], SpaceReclaimed: 1234 }));
}

test('container prune -f --filter: the report in docker’s words', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['container', 'prune', '-f', '--filter', 'until=1h']);
  assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: `Deleted Containers:\n${'a'.repeat(64)}\n\nTotal reclaimed space: 1.234kB\n` });
  assert.deepEqual(stub.requests[0]?.query, { filters: '{"until":{"1h":true}}' });
});

test('container prune asks first; anything but y prints nothing more and exits 0', async (t) => {
  const stub = daemon();
  const no = await berth(t, stub, ['container', 'prune'], { stdin: 'n\n' });
  assert.deepEqual({ code: no.code, out: no.out }, { code: 0, out: 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ' });
  assert.equal(stub.requests.length, 0);
  const yes = await berth(t, daemon(), ['container', 'prune'], { stdin: 'y\n' });
  assert.match(yes.out, /\[y\/N\] Deleted Containers:\n/);
});
