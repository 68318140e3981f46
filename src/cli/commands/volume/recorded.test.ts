// The volume commands against a stub daemon; expected bytes as docker 28 printed them for the
// same answers (docker-compare.test.ts checks them against the live docker CLI where it is
// installed), and the group as `docker volume --help` lists it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../commands.js';
import { berth } from '../testing/run-berth.js';
import { ANON, volumeDaemon } from './testing/stub-daemon.js';

test('berth volume has docker’s commands, in docker’s order, with its descriptions and aliases', () => {
  const specs = COMMANDS.filter((c) => c.group === 'volume');
  assert.deepEqual(
    specs.map((c) => [c.name, c.description, c.aliases ?? []]),
    [
      ['create', 'Create a volume', []],
      ['inspect', 'Display detailed information on one or more volumes', []],
      ['ls', 'List volumes', ['list']],
      ['prune', 'Remove unused local volumes', []],
      ['rm', 'Remove one or more volumes', ['remove']],
    ],
  );
});

test('volume create sends only the fields given, as docker does', async (t) => {
  const stub = volumeDaemon();
  const r = await berth(t, stub, ['volume', 'create', '--label', 'k=v', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'new']);
  assert.deepEqual([r.code, r.out], [0, 'new\n']);
  assert.equal(stub.requests.at(-1)?.body, '{"Driver":"local","DriverOpts":{"device":"tmpfs","type":"tmpfs"},"Labels":{"k":"v"},"Name":"new"}\n');
  const anon = volumeDaemon();
  assert.equal((await berth(t, anon, ['volume', 'create'])).out, `${ANON}\n`);
  assert.equal(anon.requests.at(-1)?.body, '{"Driver":"local"}\n');
});

test('volume ls: docker’s table, sorted by name', async (t) => {
  const r = await berth(t, volumeDaemon(), ['volume', 'ls']);
  assert.equal(r.out, `DRIVER    VOLUME NAME\nlocal     ${ANON}\nlocal     busy\nlocal     cache\nlocal     data\n`);
});

test('volume rm prints what went and the failures together, exit 1', async (t) => {
  const r = await berth(t, volumeDaemon(), ['volume', 'rm', 'data', 'nope', 'busy']);
  assert.deepEqual([r.code, r.out], [1, 'data\n']);
  assert.equal(r.err, `Error response from daemon: get nope: no such volume\nError response from daemon: remove busy: volume is in use - [${'c'.repeat(64)}]\n`);
});

test('volume prune: anonymous ones unless -a (sent as all=true), then the space reclaimed', async (t) => {
  const warning = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ';
  const r = await berth(t, volumeDaemon(), ['volume', 'prune'], { stdin: 'y\n' });
  assert.equal(r.out, `${warning}Deleted Volumes:\n${ANON}\nold\n\nTotal reclaimed space: 2.048kB\n`);
  const stub = volumeDaemon();
  await berth(t, stub, ['volume', 'prune', '-a', '-f']);
  assert.deepEqual(stub.paths(), [`POST /volumes/prune?filters=${encodeURIComponent('{"all":{"true":true}}')}`]);
});
