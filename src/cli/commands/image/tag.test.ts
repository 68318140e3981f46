// `berth image tag` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noSuchImage } from '../../../core/errors.js';
import { ApiError } from '../../../client/engine-client.js';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageTag } from './tag.js';

test('tag sends the target fully qualified, with latest when it has no tag', async (t) => {
  const cases: [target: string, repo: string, tag: string][] = [
    ['x', 'docker.io/library/x', 'latest'],
    ['user/app:v1', 'docker.io/user/app', 'v1'],
    ['reg:5000/a/b:Tag_1', 'reg:5000/a/b', 'Tag_1'],
  ];
  for (const [target, repo, tag] of cases) {
    const { app, fake } = createFakeServer();
    const cli = await fakeCli(t, app);
    await runImageTag(cli, 'busybox:latest', target);
    assert.deepEqual(fake.images.lastTag, { source: 'busybox:latest', repo, tag });
    assert.equal(cli.stdout(), '');
  }
});

test('tag refuses bad names and digests before asking the daemon, in the client words', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  await assert.rejects(
    runImageTag(cli, 'busybox', 'BAD'),
    new CommandFailure('Error parsing reference: "BAD" is not a valid repository/tag: invalid reference format: repository name (library/BAD) must be lowercase'),
  );
  await assert.rejects(runImageTag(cli, 'busybox', `x@sha256:${'a'.repeat(64)}`), new CommandFailure('refusing to create a tag with a digest reference'));
  await assert.rejects(runImageTag(cli, 'Bad Source', 'x'), /Error parsing reference: "Bad Source" is not a valid repository\/tag: invalid reference format/);
  assert.equal(fake.images.lastTag, undefined);
});

test('tag of a missing source is the daemon 404', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageTag(cli, 'nope', 'x'), (err: unknown) => err instanceof ApiError && err.status === 404 && err.message === 'No such image: nope:latest');
});
