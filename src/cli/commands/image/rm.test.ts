// `berth image rm` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflict, noSuchImage } from '../../../core/errors.js';
import { IMAGE_ID, createFakeServer } from '../../../server/testing/fake-backends.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageRm } from './rm.js';

test('rmi prints Untagged and Deleted lines for each image', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runImageRm(cli, ['busybox', 'other'], {});
  assert.equal(cli.stdout(), `Untagged: busybox:latest\nDeleted: ${IMAGE_ID}\n`.repeat(2));
  assert.deepEqual(fake.images.lastRemove, { force: false, noPrune: false });
  assert.equal(cli.stderr(), '');
});

test('rmi -f --no-prune reaches the daemon', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runImageRm(cli, ['busybox'], { force: true, prune: false });
  assert.deepEqual(fake.images.lastRemove, { force: true, noPrune: true });
});

test('a missing image does not stop the others; the errors come at the end, exit 1', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  fake.images.failFor.set('nope2', noSuchImage('nope2:latest'));
  const cli = await fakeCli(t, app);
  await assert.rejects(
    runImageRm(cli, ['nope', 'busybox', 'nope2'], {}),
    new CommandFailure('Error response from daemon: No such image: nope:latest\nError response from daemon: No such image: nope2:latest', 1),
  );
  assert.equal(cli.stdout(), `Untagged: busybox:latest\nDeleted: ${IMAGE_ID}\n`);
});

test('with -f a missing image is only reported (exit 0); other errors still fail', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  fake.images.failFor.set('used', conflict('conflict: unable to remove repository reference "used" (must force) - container 0123456789ab is using its referenced image 1f1f1f1f1f1f'));
  const cli = await fakeCli(t, app);
  await runImageRm(cli, ['nope'], { force: true });
  assert.equal(cli.stderr(), 'Error response from daemon: No such image: nope:latest\n');
  const cli2 = await fakeCli(t, createFakeServer(fake).app);
  await assert.rejects(runImageRm(cli2, ['nope', 'used'], { force: true }), (err: unknown) => {
    assert.ok(err instanceof CommandFailure);
    assert.equal(err.message.split('\n')[1], 'Error response from daemon: conflict: unable to remove repository reference "used" (must force) - container 0123456789ab is using its referenced image 1f1f1f1f1f1f');
    return true;
  });
});
