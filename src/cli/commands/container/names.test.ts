// The container commands answer to docker's names: `container <verb>`, its aliases and the
// top-level shortcuts; `-h` is run's --hostname, help is --help.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../commands.js';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';

test('ps, container ls, container list, container ps: the same list', async (t) => {
  for (const argv of [['ps'], ['container', 'ls'], ['container', 'list'], ['container', 'ps']]) {
    const stub = new StubServer().on('GET', '/containers/json', (_req, res) => res.json(200, []));
    const r = await berth(t, stub, [...argv, '-a']);
    assert.deepEqual({ code: r.code, paths: stub.paths() }, { code: 0, paths: ['GET /containers/json?all=1'] }, argv.join(' '));
  }
});

test('every container verb exists under `container` and, as in docker, at the top level', () => {
  const specs = COMMANDS.filter((c) => c.group === 'container');
  const names = specs.map((c) => c.name).sort();
  assert.deepEqual(names, ['attach', 'commit', 'cp', 'create', 'diff', 'exec', 'export', 'inspect', 'kill', 'logs', 'ls', 'pause', 'port', 'prune', 'rename', 'restart', 'rm', 'run', 'start', 'stats', 'stop', 'top', 'unpause', 'update', 'wait']);
  // docker has no top-level `prune`, and its top-level `inspect` is the generic one.
  const shortcuts = specs.flatMap((c) => c.shortcuts ?? []).sort();
  assert.deepEqual(shortcuts, ['attach', 'commit', 'cp', 'create', 'diff', 'exec', 'export', 'kill', 'logs', 'pause', 'port', 'ps', 'rename', 'restart', 'rm', 'run', 'start', 'stats', 'stop', 'top', 'unpause', 'update', 'wait']);
  assert.ok(COMMANDS.some((c) => c.name === 'inspect' && c.group === undefined));
});

test('run: -h is the hostname (help is --help only)', async (t) => {
  const stub = new StubServer()
    .on('POST', '/containers/create', (_req, res) => res.json(201, { Id: 'a'.repeat(64), Warnings: [] }))
    .on('POST', /\/wait$/, (_req, res) => void res.stream())
    .on('POST', /\/start$/, (_req, res) => res.empty(204));
  const r = await berth(t, stub, ['run', '-d', '-h', 'box', 'busybox']);
  assert.equal(r.code, 0);
  assert.equal((JSON.parse(stub.requests[0]?.body ?? '{}') as { Hostname: string }).Hostname, 'box');
});
