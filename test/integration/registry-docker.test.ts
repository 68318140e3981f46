// The docker CLI and a real dockerd (Debian's 20.10) as clients of `berth registry serve` in
// token mode: `docker login` (token endpoint), `push` (chunked upload), a push of the same
// layer to another repository (cross-repository mount), and `pull` and `run` after the
// local copy is gone.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDockerArchive, makeTar } from '../helpers/archives.js';
import { needsDockerd, startDockerd } from '../helpers/dockerd.js';
import { tempDir } from '../helpers/env.js';
import { startRegistry } from './registry-fixtures.js';

test('docker login, push (with a mount) and pull through berth registry with tokens', { skip: needsDockerd(), timeout: 120_000 }, async (t) => {
  const dir = tempDir(t, 'berth-reg-docker-');
  const htpasswd = join(dir, 'htpasswd');
  writeFileSync(htpasswd, execFileSync('htpasswd', ['-Bbn', 'alice', 'secret']));
  const reg = await startRegistry(t, join(dir, 'root'), ['--auth', 'token', '--htpasswd', htpasswd]);
  const { docker } = await startDockerd(t);
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await docker(args, input);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  const image = `${reg.hostPort}/team/bb:v1`;
  const layer = await makeTar([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 },
  ]);
  writeFileSync(join(dir, 'img.tar'), await makeDockerArchive([{ layers: [layer], repoTags: [image] }]));
  await ok(['load', '-i', join(dir, 'img.tar')]);

  const refused = await docker(['push', image]);
  assert.notEqual(refused.code, 0, 'push without login');
  assert.match(refused.stderr, /requested access to the resource is denied/);
  assert.notEqual((await docker(['login', '-u', 'alice', '--password-stdin', reg.hostPort], 'wrong')).code, 0);
  assert.match(await ok(['login', '-u', 'alice', '--password-stdin', reg.hostPort], 'secret'), /Login Succeeded/);

  const pushed = await ok(['push', image]);
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
  assert.ok(digest, pushed);
  await ok(['tag', image, `${reg.hostPort}/other/bb:v2`]);
  assert.match(await ok(['push', `${reg.hostPort}/other/bb:v2`]), /Mounted from team\/bb/);

  await ok(['rmi', image, `${reg.hostPort}/other/bb:v2`]);
  assert.match(await ok(['pull', image]), new RegExp(`Digest: ${digest}`));
  assert.equal(await ok(['run', '--rm', '--network', 'none', image, '/bin/busybox', 'echo', 'pulled from berth']), 'pulled from berth\n');
});
