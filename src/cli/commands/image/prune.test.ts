// `berth image prune` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommanderError } from 'commander';
import { IMAGE_ID, createFakeServer } from '../../../server/testing/fake-backends.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImagePrune } from './prune.js';

const DANGLING_PROMPT = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ';
const ALL_PROMPT = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ';

test('prune asks; answering n prints nothing more and does not prune', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { stdin: 'n\n' });
  await runImagePrune(cli, {});
  assert.equal(cli.stdout(), DANGLING_PROMPT);
  assert.equal(fake.images.lastPrune, undefined);
  // No answer at all (end of input) is a no as well; -a asks in other words.
  const cli2 = await fakeCli(t, createFakeServer(fake).app);
  await runImagePrune(cli2, { all: true });
  assert.equal(cli2.stdout(), ALL_PROMPT);
  assert.equal(fake.images.lastPrune, undefined);
});

test('prune answered y prunes dangling images and reports', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.pruneResult = { deleted: [{ untagged: 'a:1' }, { deleted: IMAGE_ID }], spaceReclaimed: 4_261_550 };
  const cli = await fakeCli(t, app, { stdin: ' Y \n' });
  await runImagePrune(cli, {});
  assert.equal(
    cli.stdout(),
    `${DANGLING_PROMPT}Deleted Images:\nuntagged: a:1\ndeleted: ${IMAGE_ID}\n\nTotal reclaimed space: 4.262MB\n`,
  );
  assert.deepEqual(fake.images.lastPrune?.filters?.get('dangling'), ['true']);
});

test('prune -f -a --filter: no question, dangling=false, nothing deleted', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runImagePrune(cli, { force: true, all: true, filter: ['until=24h'] });
  assert.equal(cli.stdout(), 'Total reclaimed space: 0B\n');
  assert.deepEqual(fake.images.lastPrune?.filters?.get('dangling'), ['false']);
  assert.deepEqual(fake.images.lastPrune?.filters?.get('until'), ['24h']);
});

test('a bad --filter is a flag error (exit 125) before the question', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app, { stdin: 'y\n' });
  await assert.rejects(runImagePrune(cli, { filter: ['bad'] }), (err: unknown) => {
    assert.ok(err instanceof CommanderError);
    assert.equal(err.exitCode, 125);
    assert.equal(err.message, 'invalid argument "bad" for "--filter" flag: bad format of filter (expected name=value)');
    return true;
  });
  assert.equal(cli.stdout(), '');
});
