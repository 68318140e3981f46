// `berth image save` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noSuchImage } from '../../../core/errors.js';
import { ApiError } from '../../../client/engine-client.js';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageSave } from './save.js';

test('save streams the tar to stdout', async (t) => {
  const { app, fake } = createFakeServer();
  fake.imageTransfer.saveData = Buffer.alloc(256 * 1024, 7);
  const cli = await fakeCli(t, app);
  await runImageSave(cli, ['busybox', 'a/b:1'], {});
  assert.deepEqual(cli.out.bytes(), fake.imageTransfer.saveData);
  assert.deepEqual(fake.imageTransfer.lastSave, ['busybox', 'a/b:1']);
});

test('save refuses to write to a terminal, in docker words, before asking the daemon', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { outTty: true });
  await assert.rejects(runImageSave(cli, ['busybox'], {}), new CommandFailure('cowardly refusing to save to a terminal. Use the -o flag or redirect'));
  assert.equal(fake.imageTransfer.lastSave, undefined);
});

test('save -o writes the file through a temporary file, mode 0600, even over a terminal', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { outTty: true });
  const out = join(cli.dir, 'out.tar');
  writeFileSync(out, 'old contents');
  await runImageSave(cli, ['busybox'], { output: out });
  assert.equal(readFileSync(out, 'utf8'), fake.imageTransfer.saveData.toString());
  assert.equal(statSync(out).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(cli.dir).sort(), ['api.sock', 'out.tar']);
});

test('save -o of a missing image leaves the old file and no temporary file', async (t) => {
  const { app, fake } = createFakeServer();
  fake.imageTransfer.saveFail = noSuchImage('nope:latest');
  const cli = await fakeCli(t, app);
  const out = join(cli.dir, 'out.tar');
  writeFileSync(out, 'old contents');
  await assert.rejects(runImageSave(cli, ['nope'], { output: out }), (err: unknown) => err instanceof ApiError && err.message === 'No such image: nope:latest');
  assert.equal(readFileSync(out, 'utf8'), 'old contents');
  assert.deepEqual(readdirSync(cli.dir).sort(), ['api.sock', 'out.tar']);
});

test('save -o checks the destination as docker does', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  mkdirSync(join(cli.dir, 'sub'));
  await assert.rejects(
    runImageSave(cli, ['busybox'], { output: join(cli.dir, 'none', 'x.tar') }),
    new CommandFailure(`failed to save image: invalid output path: stat ${join(cli.dir, 'none')}: no such file or directory`),
  );
  await assert.rejects(runImageSave(cli, ['busybox'], { output: join(cli.dir, 'sub') }), new CommandFailure('failed to save image: cannot write to a directory'));
  assert.equal(fake.imageTransfer.lastSave, undefined);
});
