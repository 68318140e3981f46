// `berth image history` against the real API server with fake backends.

process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noSuchImage } from '../../../core/errors.js';
import { IMAGE_ID, createFakeServer } from '../../../server/testing/fake-backends.js';
import { ApiError } from '../../../client/engine-client.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runImageHistory } from './history.js';

const LONG = '/bin/sh -c #(nop) COPY file:0123456789abcdef0123456789abcdef in / ';
const HOUR = 3600 * 1000;

function server(): ReturnType<typeof createFakeServer> {
  const s = createFakeServer();
  const now = Date.now();
  s.fake.images.historyItems = [
    { id: IMAGE_ID, created: new Date(now - 3 * HOUR), createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', tags: ['busybox:latest'], size: 0, comment: '' },
    { id: '<missing>', created: new Date(now - 50 * HOUR), createdBy: LONG, tags: [], size: 4_261_550, comment: 'imported' },
  ];
  return s;
}

test('history: docker table, CREATED BY cut to 45 columns, <missing> layers', async (t) => {
  const cli = await fakeCli(t, server().app);
  await runImageHistory(cli, 'busybox', {});
  assert.equal(
    cli.stdout(),
    [
      'IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT',
      '1f1f1f1f1f1f   3 hours ago   /bin/sh -c #(nop)  CMD ["sh"]                   0B        ',
      '<missing>      2 days ago    /bin/sh -c #(nop) COPY file:0123456789abcdef…   4.26MB    imported',
      '',
    ].join('\n'),
  );
});

test('history --no-trunc -H=false: full IDs and commands, RFC 3339 dates and byte counts', async (t) => {
  const s = server();
  s.fake.images.historyItems = [
    { id: IMAGE_ID, created: new Date('2024-05-01T10:00:00Z'), createdBy: `${LONG}\tx`, tags: [], size: 1234, comment: '' },
  ];
  const cli = await fakeCli(t, s.app);
  await runImageHistory(cli, 'busybox', { noTrunc: true, human: false });
  const pad = ' '.repeat(IMAGE_ID.length - 'IMAGE'.length);
  assert.equal(
    cli.stdout(),
    `IMAGE${pad}   CREATED AT             CREATED BY${' '.repeat(LONG.length + 2 - 'CREATED BY'.length)}   SIZE      COMMENT\n` +
      `${IMAGE_ID}   2024-05-01T10:00:00Z   ${LONG} x   1234      \n`,
  );
});

test('history -q prints the (truncated) IDs; --format json one object per line', async (t) => {
  const cli = await fakeCli(t, server().app);
  await runImageHistory(cli, 'busybox', { quiet: true });
  assert.equal(cli.stdout(), '1f1f1f1f1f1f\n<missing>\n');
  const cli2 = await fakeCli(t, server().app);
  await runImageHistory(cli2, 'busybox', { format: '{{.ID}}|{{.Size}}|{{.Comment}}' });
  assert.equal(cli2.stdout(), '1f1f1f1f1f1f|0B|\n<missing>|4.26MB|imported\n');
  const cli3 = await fakeCli(t, server().app);
  await runImageHistory(cli3, 'busybox', { format: 'json' });
  const first = JSON.parse(cli3.stdout().split('\n')[0] ?? '') as Record<string, string>;
  assert.deepEqual(Object.keys(first), ['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size']);
  assert.equal(first.CreatedSince, '3 hours ago');
});

test('history of a missing image is the daemon error', async (t) => {
  const { app, fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  const cli = await fakeCli(t, app);
  await assert.rejects(runImageHistory(cli, 'nope', {}), (err: unknown) => err instanceof ApiError && err.status === 404 && err.message === 'No such image: nope:latest');
  assert.equal(cli.stdout(), '');
});
