// diff and commit as the docker CLI sends and prints them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';

test('diff prints C, A and D lines', async (t) => {
  const stub = new StubServer().on('GET', '/containers/web/changes', (_req, res) =>
    res.json(200, [
      { Path: '/etc', Kind: 0 },
      { Path: '/etc/new', Kind: 1 },
      { Path: '/etc/passwd', Kind: 2 },
    ]),
  );
  const r = await berth(t, stub, ['diff', 'web']);
  assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: 'C /etc\nA /etc/new\nD /etc/passwd\n' });
});

test('commit sends the name fully qualified, the changes and pause=0; prints the ID', async (t) => {
  const id = `sha256:${'ab'.repeat(32)}`;
  const stub = new StubServer().on('POST', '/commit', (_req, res) => res.json(201, { Id: id }));
  const r = await berth(t, stub, ['commit', '-m', 'msg', '-a', 'me', '-c', 'CMD ls', '--pause=false', 'web', 'x']);
  assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: `${id}\n` });
  assert.deepEqual(stub.paths(), ['POST /commit?container=web&repo=docker.io%2Flibrary%2Fx&tag=latest&comment=msg&author=me&changes=CMD+ls&pause=0']);
  assert.equal(stub.requests[0]?.body, 'null\n');
});
