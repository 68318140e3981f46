// `berth image import` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IMAGE_ID, createFakeServer } from '../../../server/testing/fake-backends.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageImport } from './import.js';

test('import of a file with changes and a message prints the new ID', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  const file = join(cli.dir, 'rootfs.tar');
  writeFileSync(file, 'rootfs bytes');
  await runImageImport(cli, file, 'bb:v1', { change: ['CMD ["sh"]', 'ENV A=1'], message: 'from the test' });
  assert.equal(cli.stdout(), `${IMAGE_ID}\n`);
  const got = fake.imageTransfer.lastImport;
  assert.equal(got?.body.toString(), 'rootfs bytes');
  assert.deepEqual(got?.opts.changes, ['CMD ["sh"]', 'ENV A=1']);
  assert.equal(got?.opts.message, 'from the test');
  // As the docker CLI does, the reference goes as `repo` whole.
  assert.equal(got?.opts.repo, 'bb:v1');
  assert.equal(got?.opts.tag, undefined);
});

test('import - reads stdin; without a reference the image is untagged', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { stdin: 'from stdin' });
  await runImageImport(cli, '-', undefined, {});
  assert.equal(fake.imageTransfer.lastImport?.body.toString(), 'from stdin');
  assert.equal(fake.imageTransfer.lastImport?.opts.repo, undefined);
  assert.deepEqual(fake.imageTransfer.lastImport?.opts.changes, []);
});

test('import checks the name and the file before sending, in Go words', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageImport(cli, '/nonexistent.tar', 'x', {}), new CommandFailure('open /nonexistent.tar: no such file or directory'));
  await assert.rejects(runImageImport(cli, '-', 'BAD', {}), new CommandFailure('invalid reference format: repository name (library/BAD) must be lowercase'));
  assert.equal(fake.imageTransfer.lastImport, undefined);
});

test('import of a URL asks the daemon to fetch it (berthd refuses)', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageImport(cli, 'https://example.com/x.tar', undefined, {}), /importing from a URL is not supported/);
});
