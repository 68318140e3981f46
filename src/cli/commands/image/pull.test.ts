// `berth pull`, `push`, `login`, `logout` against the real API server with fake backends: what
// they send (names fully qualified, the tag apart, X-Registry-Auth from the config file) and
// what they print.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../../core/errors.js';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runLogin } from '../system/login.js';
import { runLogout } from '../system/logout.js';
import { runImagePull } from './pull.js';
import { runImagePush } from './push.js';

/** A config directory of the test's own: never the user's ~/.docker. */
function configEnv(t: { after(fn: () => void): void }): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { DOCKER_CONFIG: dir };
}

test('pull: default tag announced, the stream rendered, the full reference last', async (t) => {
  const { app, fake } = createFakeServer();
  fake.imageTransfer.pullScript = {
    progress: [
      { status: 'Pulling from library/alpine', id: 'latest' },
      { status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' },
      { status: 'Downloading', id: 'aaaaaaaaaaaa', current: 1, total: 2 },
      { status: 'Pull complete', id: 'aaaaaaaaaaaa' },
      { status: 'Digest: sha256:abc' },
      { status: 'Status: Downloaded newer image for alpine:latest' },
    ],
  };
  const cli = await fakeCli(t, app, { env: configEnv(t) });
  await runImagePull(cli, 'alpine', {});
  assert.equal(
    cli.stdout(),
    'Using default tag: latest\nlatest: Pulling from library/alpine\naaaaaaaaaaaa: Pulling fs layer\naaaaaaaaaaaa: Pull complete\n' +
      'Digest: sha256:abc\nStatus: Downloaded newer image for alpine:latest\ndocker.io/library/alpine:latest\n',
  );
  assert.deepEqual(fake.imageTransfer.lastPull?.ref, { domain: 'docker.io', path: 'library/alpine', tag: 'latest' });
  assert.equal(fake.imageTransfer.lastPull?.opts.credentials, undefined);
});

test('pull -q, -a, --platform and a digest', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { env: configEnv(t) });
  await runImagePull(cli, 'reg:5000/a/b', { quiet: true, allTags: true, platform: 'arm64' });
  assert.equal(cli.stdout(), 'reg:5000/a/b\n');
  assert.equal(fake.imageTransfer.lastPull?.opts.allTags, true);
  assert.deepEqual(fake.imageTransfer.lastPull?.opts.platform, { os: 'linux', architecture: 'arm64' });
  const hex = 'ab'.repeat(32);
  await runImagePull(cli, `reg:5000/a/b@sha256:${hex}`, { quiet: true });
  assert.deepEqual(fake.imageTransfer.lastPull?.ref, { domain: 'reg:5000', path: 'a/b', digest: `sha256:${hex}` });
  await assert.rejects(runImagePull(cli, 'reg:5000/a/b:v1', { allTags: true }), new CommandFailure("tag can't be used with --all-tags/-a"));
});

test('login stores what the daemon accepted; pull and push send it; logout removes it', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { stdin: 'secret\n', env: configEnv(t) });
  await runLogin(cli, 'reg:5000', { username: 'alice', passwordStdin: true });
  assert.equal(cli.stdout(), 'Login Succeeded\n');
  assert.deepEqual(fake.imageTransfer.lastLogin, { domain: 'reg:5000', creds: { username: 'alice', password: 'secret' } });
  const config = JSON.parse(readFileSync(join(cli.env.DOCKER_CONFIG ?? '', 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
  assert.equal(config.auths['reg:5000']?.auth, Buffer.from('alice:secret').toString('base64'));

  await runImagePull(cli, 'reg:5000/a/b:v1', { quiet: true });
  assert.deepEqual(fake.imageTransfer.lastPull?.opts.credentials, { username: 'alice', password: 'secret' });
  await runImagePush(cli, 'reg:5000/a/b:v1', { quiet: true });
  assert.deepEqual(fake.imageTransfer.lastPush?.opts.credentials, { username: 'alice', password: 'secret' });
  assert.equal(fake.imageTransfer.lastPush?.opts.tag, 'v1');

  await runLogout(cli, 'reg:5000');
  await runLogout(cli, 'reg:5000');
  assert.match(cli.stdout(), /Removing login credentials for reg:5000\nNot logged in to reg:5000\n$/);
  await runImagePull(cli, 'reg:5000/a/b:v1', { quiet: true });
  assert.equal(fake.imageTransfer.lastPull?.opts.credentials, undefined);
});

test('login refused: nothing stored; no password: Docker words', async (t) => {
  const { app, fake } = createFakeServer();
  fake.imageTransfer.loginFail = new EngineError('unauthenticated', 'unauthorized: incorrect username or password');
  const cli = await fakeCli(t, app, { env: configEnv(t) });
  await assert.rejects(runLogin(cli, undefined, { username: 'bob', password: 'x' }), /unauthorized: incorrect username or password/);
  assert.equal(fake.imageTransfer.lastLogin?.domain, 'docker.io');
  await assert.rejects(runLogin(cli, undefined, {}), new CommandFailure('Error: Cannot perform an interactive login from a non TTY device'));
});
