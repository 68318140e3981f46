// `berth image load` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineError } from '../../../core/errors.js';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { JsonMessageError } from '../../output/errors.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageLoad } from './load.js';

test('load sends stdin and, off a terminal, asks for the quiet stream', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { stdin: 'tar bytes' });
  await runImageLoad(cli, {});
  assert.equal(fake.imageTransfer.lastLoad?.body.toString(), 'tar bytes');
  assert.equal(cli.stdout(), 'Loaded image: busybox:latest\n');
});

test('load -i reads the file; on a terminal the progress is drawn', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { outTty: true, inTty: true });
  const file = join(cli.dir, 'in.tar');
  writeFileSync(file, 'file bytes');
  await runImageLoad(cli, { input: file });
  assert.equal(fake.imageTransfer.lastLoad?.body.toString(), 'file bytes');
  const out = cli.stdout();
  assert.match(out, /\x1b\[2K\r3d3d3d3d3d3d: Loading layer/);
  assert.ok(out.endsWith('Loaded image: busybox:latest\n'), JSON.stringify(out));
  // -q keeps it quiet even on a terminal.
  const cli2 = await fakeCli(t, createFakeServer().app, { outTty: true });
  await runImageLoad(cli2, { input: file, quiet: true });
  assert.equal(cli2.stdout(), 'Loaded image: busybox:latest\n');
});

test('load refuses a terminal stdin, and reports a missing file in Go words', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app, { inTty: true });
  await assert.rejects(runImageLoad(cli, {}), new CommandFailure('requested load from stdin, but stdin is empty'));
  await assert.rejects(runImageLoad(cli, { input: '/nonexistent/x.tar' }), new CommandFailure('open /nonexistent/x.tar: no such file or directory'));
  assert.equal(fake.imageTransfer.lastLoad, undefined);
});

test('an in-band error stops the load with its message', async (t) => {
  const { app, fake } = createFakeServer();
  fake.imageTransfer.loadScript = {
    progress: [{ stream: 'Loaded image: a:1\n' }],
    error: new EngineError('invalid-argument', 'invalid archive: it holds neither manifest.json nor index.json'),
  };
  const cli = await fakeCli(t, app, { stdin: 'x' });
  await assert.rejects(runImageLoad(cli, {}), (err: unknown) => {
    assert.ok(err instanceof JsonMessageError);
    assert.equal(err.message, 'invalid archive: it holds neither manifest.json nor index.json');
    return true;
  });
  assert.equal(cli.stdout(), 'Loaded image: a:1\n');
});
