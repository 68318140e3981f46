// berthd's flags, config file merging and its errors (dockerd's words).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_SOCKET, parseDaemonArgs, resolveConfig, socketPath } from './daemon-config.js';

test('flags parse into settings; repeated flags collect', () => {
  const a = parseDaemonArgs(['-H', 'unix:///a.sock', '--host', '/b.sock', '-D', '--data-root', '/d', '--label', 'x=1', '--label', 'y=2']);
  assert.deepEqual(a.flags.host, ['unix:///a.sock', '/b.sock']);
  assert.equal(a.flags.debug, true);
  assert.deepEqual(a.flags.label, ['x=1', 'y=2']);
  assert.equal(a.explicitConfigFile, false);
  const cfg = resolveConfig(a.flags, {});
  assert.deepEqual(cfg.hosts.map(socketPath), ['/a.sock', '/b.sock']);
  assert.equal(cfg.dataRoot, '/d');
  assert.equal(cfg.logLevel, 'debug');
  assert.equal(cfg.pidfile, '/run/berth/berthd.pid');
});

test('defaults', () => {
  const cfg = resolveConfig({}, {});
  assert.deepEqual(cfg.hosts, [`unix://${DEFAULT_SOCKET}`]);
  assert.equal(cfg.dataRoot, '/var/lib/berth');
  assert.equal(cfg.execRoot, '/run/berth');
  assert.deepEqual(Object.keys(cfg.runtimes), ['runc']);
  assert.equal(cfg.defaultRuntime, 'runc');
});

test('the file supplies what flags do not; runtimes and pools are checked', () => {
  const cfg = resolveConfig(
    { execRoot: '/x' },
    {
      'data-root': '/data',
      runtimes: { crun: { path: '/usr/bin/crun', runtimeArgs: ['--debug'] } },
      'default-runtime': 'crun',
      'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }],
    },
  );
  assert.equal(cfg.dataRoot, '/data');
  assert.equal(cfg.pidfile, '/x/berthd.pid');
  assert.deepEqual(cfg.runtimes.crun, { path: '/usr/bin/crun', runtimeArgs: ['--debug'] });
  assert.equal(cfg.defaultRuntime, 'crun');
  assert.throws(() => resolveConfig({}, { 'default-runtime': 'nope' }), /default runtime nope is not among/);
  assert.throws(() => resolveConfig({}, { runtimes: { x: {} } }), /runtime x needs a path/);
});

test('errors in dockerd words', () => {
  assert.throws(() => resolveConfig({}, { bogus: 1, other: 2 }), {
    name: 'ConfigError',
    message: "the following directives don't match any configuration option: bogus, other",
  });
  assert.throws(() => resolveConfig({ debug: true }, { debug: false }), /specified both as a flag and in the configuration file: debug/);
  assert.throws(() => resolveConfig({}, { debug: 'yes' }), /debug must be a boolean/);
  assert.throws(() => resolveConfig({ logLevel: 'loud' }, {}), /unable to parse logging level: loud/);
  assert.throws(() => resolveConfig({ host: ['tcp://0.0.0.0:2375'] }, {}), /only unix sockets are supported/);
  assert.throws(() => parseDaemonArgs(['--bogus']), ConfigError);
  assert.throws(() => parseDaemonArgs(['--data-root']), ConfigError);
});

test('the default bridge: berth0 unless -b/--bridge or the file says; names the kernel accepts', () => {
  assert.equal(resolveConfig({}, {}).bridge, 'berth0');
  assert.equal(resolveConfig(parseDaemonArgs(['-b', 'br9', '--bip', '10.9.0.1/24']).flags, {}).bridge, 'br9');
  assert.equal(resolveConfig({}, { bridge: 'br8', bip: '10.8.0.1/24' }).bip, '10.8.0.1/24');
  assert.throws(() => resolveConfig({}, { bridge: 'much-too-long-name' }), /invalid bridge name/);
  assert.throws(() => resolveConfig({ bridge: 'a' }, { bridge: 'b' }), /specified both as a flag and in/);
});
