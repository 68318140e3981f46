// `berth image seed` against the real API server with fake backends. Needs the host's static
// busybox (Debian busybox-static) at /bin/busybox.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noSuchImage } from '../../../core/errors.js';
import { IMAGE_ID, createFakeServer } from '../../../server/testing/fake-backends.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageSeed } from './seed.js';

const skip = existsSync('/bin/busybox') ? false : 'needs /bin/busybox (apt-get install busybox-static)';

test('seed imports the busybox rootfs with CMD ["sh"] and says what it made', { skip }, async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('busybox:latest', noSuchImage('busybox:latest'));
  const cli = await fakeCli(t, app);
  await runImageSeed(cli, {});
  assert.equal(cli.stdout(), `Seeded busybox:latest from /bin/busybox: ${IMAGE_ID}\n`);
  const got = fake.imageTransfer.lastImport;
  assert.ok(got);
  assert.equal(got.opts.repo, 'busybox:latest');
  assert.deepEqual(got.opts.changes, ['CMD ["sh"]']);
  assert.match(got.opts.message ?? '', /^BusyBox v\S+ .* from \/bin\/busybox \(berth image seed\)$/);
  // A tar whose first entry is a directory and which holds the binary itself.
  assert.equal(got.body.subarray(0, 4).toString(), 'bin/');
  assert.ok(got.body.includes(Buffer.from('bin/busybox\0')));
});

test('seed leaves a present tag alone (exit 0) unless --force', { skip }, async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runImageSeed(cli, { tag: 'busybox' });
  assert.equal(cli.stdout(), 'busybox:latest is already present (1f1f1f1f1f1f)\n');
  assert.equal(fake.imageTransfer.lastImport, undefined);
  const cli2 = await fakeCli(t, createFakeServer(fake).app);
  await runImageSeed(cli2, { tag: 'base:1', force: true });
  assert.equal(cli2.stdout(), `Seeded base:1 from /bin/busybox: ${IMAGE_ID}\n`);
  const transfer = fake.imageTransfer;
  assert.equal(transfer.lastImport?.opts.repo, 'base:1');
});

test('seed without a usable busybox names the Debian package', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('busybox:latest', noSuchImage('busybox:latest'));
  const cli = await fakeCli(t, app);
  const hint = 'install the Debian package busybox-static (apt-get install busybox-static) or pass --busybox <path>';
  await assert.rejects(runImageSeed(cli, { busybox: '/nonexistent/busybox' }), new CommandFailure(`no busybox binary at /nonexistent/busybox: ${hint}`));
  const text = join(cli.dir, 'busybox');
  writeFileSync(text, '#!/bin/sh\n');
  await assert.rejects(runImageSeed(cli, { busybox: text }), new CommandFailure(`${text} is not an ELF executable: ${hint}`));
  if (existsSync('/bin/ls')) {
    await assert.rejects(runImageSeed(cli, { busybox: '/bin/ls' }), /\/bin\/ls is dynamically linked \(it needs \/.*\); berth needs a static busybox: install the Debian package busybox-static/);
  }
  assert.equal(fake.imageTransfer.lastImport, undefined);
});
