// `berth version` against the real API server with fake backends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError } from '../../../client/engine-client.js';
import { EngineClient } from '../../../client/engine-client.js';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { FormatError } from '../../output/errors.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runVersion } from './version.js';

process.env.TZ = 'UTC';
const CLIENT = { version: '0.1.0', gitCommit: 'abc1234', buildTime: '2024-05-01T10:00:00Z' };
const node = `node${process.versions.node}`;
const arch = process.arch === 'x64' ? 'amd64' : process.arch;
const clientText = [
  'Client:',
  ' Version:           0.1.0',
  ' API version:       1.44',
  ` Go version:        ${node}`,
  ' Git commit:        abc1234',
  ' Built:             Wed May  1 10:00:00 2024',
  ` OS/Arch:           ${process.platform}/${arch}`,
  ' Context:           default',
];

test('version: Client and Server sections as docker lays them out', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runVersion(cli, {}, CLIENT);
  assert.equal(
    cli.stdout(),
    [
      ...clientText,
      '',
      'Server: berth',
      ' Engine:',
      '  Version:          0.1.0',
      '  API version:      1.44 (minimum version 1.24)',
      `  Go version:       ${node}`,
      '  Git commit:       abcdef0',
      '  Built:            Wed May  1 10:00:00 2024',
      '  OS/Arch:          linux/amd64',
      '  Experimental:     false',
      '',
    ].join('\n'),
  );
});

test('version --format: Go field names, json with the wire names', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runVersion(cli, { format: '{{.Server.Version}} {{.Client.APIVersion}} {{.Server.APIVersion}}' }, CLIENT);
  assert.equal(cli.stdout(), '0.1.0 1.44 1.44\n');
  const cli2 = await fakeCli(t, createFakeServer().app);
  await runVersion(cli2, { format: 'json' }, CLIENT);
  const v = JSON.parse(cli2.stdout()) as { Client: Record<string, unknown>; Server: Record<string, unknown> };
  assert.deepEqual(Object.keys(v.Client), ['Version', 'ApiVersion', 'DefaultAPIVersion', 'GitCommit', 'GoVersion', 'Os', 'Arch', 'BuildTime', 'Context']);
  assert.deepEqual(Object.keys(v.Server), ['Platform', 'Components', 'Version', 'ApiVersion', 'MinAPIVersion', 'GitCommit', 'GoVersion', 'Os', 'Arch', 'KernelVersion', 'BuildTime']);
});

test('version --format errors: 64 for parsing, 1 after the output for executing', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await assert.rejects(runVersion(cli, { format: '{{' }, CLIENT), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.equal(err.exitCode, 64);
    assert.equal(err.message, 'template parsing error: template: version:1: unclosed action');
    return true;
  });
  await assert.rejects(runVersion(cli, { format: 'x{{.Nope}}' }, CLIENT), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.equal(err.exitCode, 1);
    assert.equal(err.message, 'template: version:1:3: executing "version" at <.Nope>: can\'t evaluate field Nope in type system.versionInfo');
    return true;
  });
  assert.equal(cli.stdout(), 'x\n');
});

test('version without a daemon prints the client part, then fails', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  const gone = { ...cli, client: () => new EngineClient({ socketPath: `${cli.dir}/missing.sock` }) };
  await assert.rejects(runVersion(gone, {}, CLIENT), ConnectError);
  assert.equal(cli.stdout(), `${clientText.join('\n')}\n`);
});
