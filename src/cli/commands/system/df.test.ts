// `berth system df` against the real API server with fake backends. The expected tables
// were checked against the docker CLI 28.2.2 on the same fake server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE_ID, createFakeServer, sampleSummary } from '../../../server/testing/fake-backends.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runSystemDf } from './df.js';

function server(): ReturnType<typeof createFakeServer> {
  const s = createFakeServer();
  s.fake.images.summaries = [
    sampleSummary({ created: new Date(Date.now() - 3 * 3600_000) }),
    sampleSummary({ id: `sha256:${'2e'.repeat(32)}`, repoTags: [], created: new Date(Date.now() - 3 * 3600_000), size: 1000 }),
  ];
  return s;
}

test('df: a summary row per type', async (t) => {
  const cli = await fakeCli(t, server().app);
  await runSystemDf(cli, {});
  assert.equal(
    cli.stdout(),
    [
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
      'Images          2         0         4.262MB   4.262MB (100%)',
      'Containers      0         0         0B        0B',
      'Local Volumes   0         0         0B        0B',
      'Build Cache     0         0         0B        0B',
      '',
    ].join('\n'),
  );
});

test('df --format: template, json and raw per row', async (t) => {
  const cli = await fakeCli(t, server().app);
  await runSystemDf(cli, { format: '{{.Type}}: {{.Size}}' });
  assert.equal(cli.stdout(), 'Images: 4.262MB\nContainers: 0B\nLocal Volumes: 0B\nBuild Cache: 0B\n');
  const cli2 = await fakeCli(t, server().app);
  await runSystemDf(cli2, { format: 'json' });
  assert.equal(
    cli2.stdout().split('\n')[0],
    '{"Active":"0","Reclaimable":"4.262MB (100%)","Size":"4.262MB","TotalCount":"2","Type":"Images"}',
  );
  const cli3 = await fakeCli(t, server().app);
  await runSystemDf(cli3, { format: 'raw' });
  assert.match(cli3.stdout(), /^type: Images\ntotal: 2\nactive: 0\nsize: 4.262MB\nreclaimable: 4.262MB \(100%\)\n\ntype: Containers\n/);
});

test('df -v: the sections, images one row each', async (t) => {
  const cli = await fakeCli(t, server().app);
  await runSystemDf(cli, { verbose: true });
  assert.equal(
    cli.stdout(),
    [
      'Images space usage:',
      '',
      'REPOSITORY   TAG       IMAGE ID       CREATED       SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS',
      'busybox      latest    1f1f1f1f1f1f   3 hours ago   4.26MB    N/A           N/A           N/A',
      '<none>       <none>    2e2e2e2e2e2e   3 hours ago   1kB       N/A           N/A           N/A',
      '',
      'Containers space usage:',
      '',
      'CONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED   STATUS    NAMES',
      '',
      'Local Volumes space usage:',
      '',
      'VOLUME NAME   LINKS     SIZE',
      '',
      'Build cache usage: 0B',
      '',
      'CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED',
      '',
    ].join('\n'),
  );
});

test('df -v with a format runs once over all sections, without a trailing newline', async (t) => {
  const cli = await fakeCli(t, server().app);
  await runSystemDf(cli, { verbose: true, format: '{{range .Images}}{{.ID}} {{end}}' });
  assert.equal(cli.stdout(), `${IMAGE_ID} sha256:${'2e'.repeat(32)} `);
  const cli2 = await fakeCli(t, server().app);
  await runSystemDf(cli2, { verbose: true, format: 'json' });
  const parsed = JSON.parse(cli2.stdout()) as { Images: Record<string, string>[]; Containers: unknown[] };
  assert.deepEqual(Object.keys(parsed), ['Images', 'Containers', 'Volumes', 'BuildCache']);
  assert.equal(parsed.Images[0]?.VirtualSize, '4.262MB');
  assert.equal(parsed.Images[0]?.Size, '4.26MB');
  assert.equal(parsed.Images[0]?.Digest, '');
});
