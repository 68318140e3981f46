// The real docker CLI against berthd and a real registry (docker-registry with htpasswd on
// 127.0.0.1, then berth's own registry in token mode): login, push, pull, and `run` of an
// image that is only in the registry (the CLI pulls it itself after create answers 404).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type TestDaemon, berth, docker, hasDocker, startDaemon } from '../helpers/daemon.js';
import { needsRoot, tempDir } from '../helpers/env.js';
import { needsRegistry, startRegistry } from '../helpers/registry.js';
import { startRegistry as startBerthRegistry } from '../integration/registry-fixtures.js';

const skip = needsRoot() || needsRegistry() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const r = await docker(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

test('docker CLI: login, push, pull and run through berthd', { skip }, async (t) => {
  const reg = await startRegistry(t, { users: { alice: 'secret' } });
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const name = `${reg.host}/app/bb:v1`;

  await t.test('login: wrong password refused in the registry words, then accepted and stored', async () => {
    const bad = await docker(d, ['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'wrong\n' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`Error response from daemon: login attempt to http://${reg.host.replace(/\./g, '\\.')}/v2/ failed with status: 401 Unauthorized`));
    const good = await ok(d, ['login', '-u', 'alice', '--password-stdin', reg.host], 'secret\n');
    assert.equal(good.stdout, 'Login Succeeded\n');
    const config = JSON.parse(readFileSync(join(d.dir, 'docker-config', 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(config.auths[reg.host]!.auth, 'base64').toString(), 'alice:secret');
  });

  let digest = '';
  await t.test('push', async () => {
    await ok(d, ['tag', 'busybox', name]);
    const { stdout } = await ok(d, ['push', name]);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], `The push refers to repository [${reg.host}/app/bb]`);
    assert.match(lines[1]!, /^[0-9a-f]{12}: Preparing$/);
    assert.match(lines.at(-2)!, /^[0-9a-f]{12}: Pushed$/);
    const m = /^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/.exec(lines.at(-1)!);
    assert.ok(m, stdout);
    digest = m[1]!;
  });

  await t.test('run of an image only in the registry pulls it first', async () => {
    await ok(d, ['rmi', name, 'busybox']);
    const r = await ok(d, ['run', '--rm', name, 'echo', 'from the registry']);
    assert.equal(r.stdout, 'from the registry\n');
    assert.match(r.stderr, new RegExp(`^Unable to find image '${name.replace(/\./g, '\\.')}' locally\n`));
    assert.match(r.stderr, /v1: Pulling from app\/bb\n/);
    assert.match(r.stderr, new RegExp(`Digest: ${digest}\nStatus: Downloaded newer image for ${name.replace(/\./g, '\\.')}\n`));
  });

  await t.test('pull: up to date, unknown tag, logged out', async () => {
    const { stdout } = await ok(d, ['pull', name]);
    assert.ok(stdout.startsWith('v1: Pulling from app/bb\n'), stdout);
    assert.match(stdout, new RegExp(`Status: Image is up to date for ${name.replace(/\./g, '\\.')}\n${name.replace(/\./g, '\\.')}\n$`));
    const missing = await docker(d, ['pull', `${reg.host}/app/bb:nope`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `Error response from daemon: manifest for ${reg.host}/app/bb:nope not found: manifest unknown: manifest unknown\n`);
    await ok(d, ['logout', reg.host]);
    await ok(d, ['rmi', name]);
    const denied = await docker(d, ['pull', name]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /pull access denied for 127\.0\.0\.1:\d+\/app\/bb, repository does not exist or may require 'docker login'/);
  });
});

test('docker CLI through berthd against berth registry in token mode', { skip: needsRoot() || (hasDocker() ? false : 'no docker CLI') }, async (t) => {
  const dir = tempDir(t, 'berth-reg-client-');
  const htpasswd = join(dir, 'htpasswd');
  writeFileSync(htpasswd, execFileSync('htpasswd', ['-Bbn', 'alice', 'secret']));
  const reg = await startBerthRegistry(t, join(dir, 'root'), ['--auth', 'token', '--htpasswd', htpasswd]);
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const image = `${reg.hostPort}/team/bb:v1`;
  await ok(d, ['tag', 'busybox', image]);
  assert.equal((await docker(d, ['push', image])).code, 1, 'push without login');
  await ok(d, ['login', '-u', 'alice', '--password-stdin', reg.hostPort], 'secret\n');
  const pushed = (await ok(d, ['push', image])).stdout;
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1];
  assert.ok(digest, pushed);
  await ok(d, ['tag', image, `${reg.hostPort}/other/bb:v2`]);
  assert.match((await ok(d, ['push', `${reg.hostPort}/other/bb:v2`])).stdout, /Mounted from team\/bb/);
  await ok(d, ['rmi', image, `${reg.hostPort}/other/bb:v2`, 'busybox']);
  const run = await ok(d, ['run', '--rm', '--network', 'none', image, 'echo', 'pulled from berth registry']);
  assert.equal(run.stdout, 'pulled from berth registry\n');
  assert.match(run.stderr, new RegExp(`Digest: ${digest}`));
});
