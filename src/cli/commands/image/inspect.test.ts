// `berth image inspect` against the real API server with fake backends on a Unix socket.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noSuchImage } from '../../../core/errors.js';
import { IMAGE_ID, createFakeServer } from '../../../server/testing/fake-backends.js';
import { FormatError } from '../../output/errors.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageInspect } from './inspect.js';

test('inspect prints the daemon JSON as a 4-space-indented array', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  const raw = (await cli.client().json('GET', '/images/busybox/json')) as Record<string, unknown>;
  await runImageInspect(cli, ['busybox', 'busybox'], {});
  assert.equal(cli.stdout(), `${JSON.stringify([raw, raw], null, 4)}\n`);
  assert.match(cli.stdout(), new RegExp(`^\\[\\n    \\{\\n        "Id": "${IMAGE_ID}",\\n        "RepoTags": \\[\\n            "busybox:latest"\\n        \\],\\n`));
  assert.equal(fake.images.lastName, 'busybox');
  assert.equal(cli.stderr(), '');
});

test('inspect --format runs the template per image; json is compact', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runImageInspect(cli, ['busybox', 'reg:5000/a/b:1'], { format: '{{.Id}} {{json .Config.Cmd}} {{.Os}}' });
  assert.equal(cli.stdout(), `${IMAGE_ID} ["sh"] linux\n${IMAGE_ID} ["sh"] linux\n`);
  const cli2 = await fakeCli(t, createFakeServer().app);
  await runImageInspect(cli2, ['busybox'], { format: 'json' });
  assert.match(cli2.stdout(), /^\[\{"Id":"sha256:1f1f/);
  assert.ok(cli2.stdout().endsWith('}]\n'));
});

test('a missing image: the found ones are printed, then the error, exit 1', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  fake.images.failFor.set('nope2', noSuchImage('nope2:latest'));
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageInspect(cli, ['nope', 'busybox', 'nope2'], { format: '{{.Id}}' }), (err: unknown) => {
    assert.ok(err instanceof CommandFailure);
    assert.equal(err.exitCode, 1);
    assert.equal(
      err.message,
      'Error response from daemon: No such image: nope:latest\nError response from daemon: No such image: nope2:latest',
    );
    return true;
  });
  assert.equal(cli.stdout(), `${IMAGE_ID}\n`);
});

test('only missing images: an empty array', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageInspect(cli, ['nope'], {}), /^CommandFailure: Error response from daemon: No such image: nope:latest$/);
  assert.equal(cli.stdout(), '[]\n');
});

test('a template error on an image: an empty line, then the error', async (t) => {
  const cli2 = await fakeCli(t, createFakeServer().app);
  await assert.rejects(runImageInspect(cli2, ['busybox'], { format: '{{.Nope}}' }), (err: unknown) => {
    assert.ok(err instanceof CommandFailure);
    assert.equal(err.message, 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"');
    return true;
  });
  assert.equal(cli2.stdout(), '\n');
});

test('a template that does not parse fails with exit 64 and prints nothing', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageInspect(cli, ['busybox'], { format: '{{' }), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.equal(err.exitCode, 64);
    assert.equal(err.message, 'template parsing error: template: :1: unclosed action');
    return true;
  });
  assert.equal(cli.stdout(), '');
});
