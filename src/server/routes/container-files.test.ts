// The archive, changes and commit routes through inject(): the stat header, Docker's
// error statuses, the change kinds and the commit query.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../../core/errors.js';
import type { ContainerCommitOptions } from '../../engine/containers/container-filesystem.js';
import { assertErrorResponse, createFakeServer, fakeBackends } from '../testing/fake-backends.js';

const STAT = { name: 'hosts', size: 174, mode: 420, mtime: '2024-05-01T10:00:00Z', linkTarget: '' };

function server() {
  const fake = fakeBackends();
  const commits: [string, ContainerCommitOptions][] = [];
  const stat = async (ref: string, path: string) => {
    if (path === '/etc/hosts') return STAT;
    throw new EngineError('not-found', `Could not find the file ${path} in container ${ref}`);
  };
  fake.containerFiles = {
    stat,
    archive: async (ref, path) => {
      await stat(ref, path);
    },
    extract: async (_ref, path, input) => {
      input.resume();
      if (path === '/etc/hosts') throw new EngineError('invalid-argument', 'extraction point is not a directory');
    },
    export: async () => undefined,
    changes: async () => [
      { path: '/etc', kind: 'modified' },
      { path: '/etc/new', kind: 'added' },
      { path: '/etc/passwd', kind: 'deleted' },
    ],
    commit: async (ref, opts) => {
      commits.push([ref, opts]);
      return `sha256:${'ab'.repeat(32)}`;
    },
  };
  return { ...createFakeServer(fake), commits };
}

test('HEAD archive: the stat as base64 JSON; 404 with Docker words', async () => {
  const { app } = server();
  const ok = await app.inject({ method: 'HEAD', url: '/v1.44/containers/c/archive?path=/etc/hosts' });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(JSON.parse(Buffer.from(String(ok.headers['x-docker-container-path-stat']), 'base64').toString()), STAT);
  const missing = await app.inject({ method: 'GET', url: '/containers/c/archive?path=/nosuch' });
  assertErrorResponse(missing, 404, 'Could not find the file /nosuch in container c');
  const noPath = await app.inject({ method: 'HEAD', url: '/containers/c/archive' });
  assert.equal(noPath.statusCode, 400);
});

test('PUT archive: 200, or 400 when the path is no directory', async () => {
  const { app } = server();
  const put = (path: string) => app.inject({ method: 'PUT', url: `/containers/c/archive?path=${path}&noOverwriteDirNonDir=true`, headers: { 'content-type': 'application/x-tar' }, payload: Buffer.alloc(1024) });
  assert.equal((await put('/tmp')).statusCode, 200);
  assertErrorResponse(await put('/etc/hosts'), 400, 'extraction point is not a directory');
});

test('changes: kinds 0, 1, 2', async () => {
  const { app } = server();
  const res = await app.inject({ method: 'GET', url: '/containers/c/changes' });
  assert.deepEqual(JSON.parse(res.body), [
    { Path: '/etc', Kind: 0 },
    { Path: '/etc/new', Kind: 1 },
    { Path: '/etc/passwd', Kind: 2 },
  ]);
});

test('commit: 201 with the ID; the query and body become options', async () => {
  const { app, commits } = server();
  const res = await app.inject({
    method: 'POST',
    url: '/v1.44/commit?container=c&repo=docker.io/library/x&tag=t&comment=hi&author=me&pause=0&changes=CMD%20ls',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ Cmd: ['sh'], Hostname: 'ignored' }),
  });
  assert.equal(res.statusCode, 201);
  assert.deepEqual(JSON.parse(res.body), { Id: `sha256:${'ab'.repeat(32)}` });
  assert.deepEqual(commits, [
    ['c', { repo: 'docker.io/library/x', tag: 't', comment: 'hi', author: 'me', changes: ['CMD ls'], config: { Cmd: ['sh'] }, pause: false }],
  ]);
  const none = await app.inject({ method: 'POST', url: '/commit', headers: { 'content-type': 'application/json' }, payload: 'null' });
  assertErrorResponse(none, 400, 'No container name or ID supplied');
});
