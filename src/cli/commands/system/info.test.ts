// `berth info` against the real API server with fake backends. The Server section was checked
// against the docker CLI 28.2.2 on the same fake server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError, EngineClient } from '../../../client/engine-client.js';
import { EngineError } from '../../../core/errors.js';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { FormatError } from '../../output/errors.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { runInfo } from './info.js';

const CLIENT = { version: '0.1.0', gitCommit: '', buildTime: '' };
const CLIENT_TEXT = 'Client:\n Version:    0.1.0\n Context:    default\n Debug Mode: false\n\nServer:\n';

test('info: the Client and Server report', async (t) => {
  const { app, fake } = createFakeServer();
  const info = fake.system.info();
  fake.system.info = () => ({ ...info, memTotal: 8 * 2 ** 30 });
  const cli = await fakeCli(t, app);
  await runInfo(cli, {}, CLIENT);
  assert.equal(
    cli.stdout(),
    CLIENT_TEXT +
      [
        ' Containers: 0',
        '  Running: 0',
        '  Paused: 0',
        '  Stopped: 0',
        ' Images: 1',
        ' Server Version: 0.1.0',
        ' Storage Driver: overlay2',
        '  Backing Filesystem: extfs',
        ' Logging Driver: json-file',
        ' Cgroup Driver: cgroupfs',
        ' Cgroup Version: 2',
        ' Plugins:',
        '  Volume: local',
        '  Network: bridge host null',
        '  Log: json-file',
        ' Swarm: inactive',
        ' Runtimes: runc',
        ' Default Runtime: runc',
        ' Init Binary: docker-init',
        ' containerd version: ',
        ' runc version: ',
        ' init version: ',
        ' Kernel Version: 6.1.0',
        ' Operating System: Debian GNU/Linux 12 (bookworm)',
        ' OSType: linux',
        ' Architecture: x86_64',
        ' CPUs: 4',
        ' Total Memory: 8GiB',
        ' Name: fakehost',
        ' ID: FAKE:ENGINE:ID',
        ' Docker Root Dir: /var/lib/berth',
        ' Debug Mode: false',
        ' Experimental: false',
        ' Insecure Registries:',
        '  127.0.0.0/8',
        ' Live Restore Enabled: false',
        '',
        '',
      ].join('\n'),
  );
  assert.equal(cli.stderr(), '');
});

test('info warnings go to stderr', async (t) => {
  const { app, fake } = createFakeServer();
  const info = fake.system.info();
  fake.system.info = () => ({ ...info, warnings: ['WARNING: No swap limit support'] });
  const cli = await fakeCli(t, app);
  await runInfo(cli, {}, CLIENT);
  assert.equal(cli.stderr(), 'WARNING: No swap limit support\n');
});

test('info --format: the daemon answer plus ClientInfo; json', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await runInfo(cli, { format: '{{.Images}} {{.Driver}} {{.ClientInfo.Context}} {{.ClientInfo.Version}}' }, CLIENT);
  assert.equal(cli.stdout(), '1 overlay2 default 0.1.0\n');
  const cli2 = await fakeCli(t, createFakeServer().app);
  await runInfo(cli2, { format: 'json' }, CLIENT);
  const parsed = JSON.parse(cli2.stdout()) as Record<string, unknown>;
  assert.equal(parsed.ID, 'FAKE:ENGINE:ID');
  assert.deepEqual(Object.keys(parsed).slice(-1), ['ClientInfo']);
  await assert.rejects(runInfo(cli2, { format: '{{.Nope}}' }, CLIENT), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.equal(err.message, 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type system.dockerInfo');
    return true;
  });
});

test('info --format on client fields only does not need the daemon', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  const gone = { ...cli, client: () => new EngineClient({ socketPath: `${cli.dir}/missing.sock` }) };
  await runInfo(gone, { format: '{{.ClientInfo.Context}}' }, CLIENT);
  assert.equal(cli.stdout(), 'default\n');
});

test('info without a daemon: the client part, then the connection error', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  const gone = { ...cli, client: () => new EngineClient({ socketPath: `${cli.dir}/missing.sock` }) };
  await assert.rejects(runInfo(gone, {}, CLIENT), ConnectError);
  assert.equal(cli.stdout(), CLIENT_TEXT);
});

test('info with a daemon error: ERROR lines on stderr, exit 1', async (t) => {
  const { app, fake } = createFakeServer();
  fake.system.info = () => {
    throw new EngineError('internal', 'boom');
  };
  const cli = await fakeCli(t, app);
  await assert.rejects(runInfo(cli, {}, CLIENT), new CommandFailure('errors pretty printing info'));
  assert.equal(cli.stderr(), 'ERROR: Error response from daemon: boom\n');
});
