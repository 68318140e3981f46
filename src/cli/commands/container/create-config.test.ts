// The parsers behind run/create flags, against what docker's opts package produces.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError } from '../../command-spec.js';
import { ConfigError, parseContainerFlags, parseMount, parseNanoCpus, parsePortSpec, parseRestartPolicy, parseUlimit } from './create-config.js';
import { parseGoInt } from './go-int.js';

const ctx = { env: { HOME: '/root' }, consoleSize: [0, 0] as [number, number], cwd: '/work' };

test('ports: nat.ParsePortSpec forms, ranges, IPv6 and errors', () => {
  assert.deepEqual(parsePortSpec('8080:80'), [{ port: '80/tcp', hostIp: '', hostPort: '8080' }]);
  assert.deepEqual(parsePortSpec('127.0.0.1::53/UDP'), [{ port: '53/udp', hostIp: '127.0.0.1', hostPort: '' }]);
  assert.deepEqual(parsePortSpec('[::1]:80:80'), [{ port: '80/tcp', hostIp: '::1', hostPort: '80' }]);
  assert.deepEqual(parsePortSpec('9000-9001:80-81'), [
    { port: '80/tcp', hostIp: '', hostPort: '9000' },
    { port: '81/tcp', hostIp: '', hostPort: '9001' },
  ]);
  assert.deepEqual(parsePortSpec('8000-8010:80'), [{ port: '80/tcp', hostIp: '', hostPort: '8000-8010' }]);
  assert.throws(() => parsePortSpec('99999'), /^Error: invalid containerPort: 99999$/);
  assert.throws(() => parsePortSpec('1.2.3:80:80'), /^Error: invalid IP address: 1.2.3$/);
  assert.throws(() => parsePortSpec('80/icmp'), /^Error: invalid proto: icmp$/);
  assert.throws(() => parsePortSpec('1-3:80-81'), /invalid ranges specified for container and host Ports: 80-81 and 1-3/);
});

test('--cpus as big.Rat; ints as strconv.ParseInt(s, 0, 64)', () => {
  assert.equal(parseNanoCpus('0.5'), 500_000_000);
  assert.equal(parseNanoCpus('3/2'), 1_500_000_000);
  assert.equal(parseNanoCpus('1e-3'), 1_000_000);
  assert.throws(() => parseNanoCpus('abc'), /failed to parse abc as a rational number/);
  assert.throws(() => parseNanoCpus('0.0000000001'), /value is too precise/);
  assert.equal(parseGoInt('0x10'), 16);
  assert.equal(parseGoInt('010'), 8);
  assert.equal(parseGoInt('-5'), -5);
  assert.throws(() => parseGoInt('5x'), /strconv.ParseInt: parsing "5x": invalid syntax/);
});

test('--mount, --ulimit, --restart as docker parses them', () => {
  assert.deepEqual(parseMount('type=bind,src=./a,dst=/b,ro', '/work'), { Type: 'bind', Source: '/work/a', Target: '/b', ReadOnly: true });
  assert.deepEqual(parseMount('dst=/v,volume-label=a=b,volume-driver=local', '/'), {
    Type: 'volume',
    Target: '/v',
    VolumeOptions: { Labels: { a: 'b' }, DriverConfig: { Name: 'local' } },
  });
  assert.deepEqual(parseMount('"type=tmpfs","dst=/t","tmpfs-mode=1777"', '/'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { Mode: 0o1777 } });
  assert.throws(() => parseMount('type=bind', '/'), /^Error: target is required$/);
  assert.throws(() => parseMount('type=bind,dst=/x,volume-nocopy', '/'), /cannot mix 'volume-\*' options with mount type 'bind'/);
  assert.deepEqual(parseUlimit('nofile=1024'), { Name: 'nofile', Hard: 1024, Soft: 1024 });
  assert.throws(() => parseUlimit('bogus=1'), /invalid ulimit type: bogus/);
  assert.deepEqual(parseRestartPolicy('on-failure:3'), { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.throws(() => parseRestartPolicy(':3'), ConfigError);
});

test('parseContainerFlags: bare -e from the environment, -v kinds, flag errors vs option errors', () => {
  const cfg = parseContainerFlags({ env: ['HOME', 'NOPE', 'A=1'], volume: ['/h:/c', 'named:/n', '/anon', './rel:/r'], restart: 'no' }, 'busybox', [], ctx);
  assert.deepEqual(cfg.body.Env, ['HOME=/root', 'NOPE', 'A=1']);
  assert.deepEqual(cfg.body.HostConfig.Binds, ['/h:/c', 'named:/n', '/work/rel:/r']);
  assert.deepEqual(cfg.body.Volumes, { '/anon': {} });
  assert.throws(() => parseContainerFlags({ memory: '1x' }, 'busybox', [], ctx), (err: unknown) => err instanceof FlagError);
  assert.throws(
    () => parseContainerFlags({ healthcheck: false, healthCmd: 'true' }, 'busybox', [], ctx),
    (err: unknown) => err instanceof ConfigError && err.message === '--no-healthcheck conflicts with --health-* options',
  );
  const none = parseContainerFlags({ healthcheck: false }, 'busybox', [], ctx);
  assert.deepEqual(none.body.Healthcheck, { Test: ['NONE'] });
  const attached = parseContainerFlags({ attach: ['STDERR'] }, 'busybox', [], ctx);
  assert.deepEqual([attached.attachStdin, attached.attachStdout, attached.attachStderr], [false, false, true]);
});
