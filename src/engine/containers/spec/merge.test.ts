// Docker's merge rules: the request wins, the image fills the gaps, the daemon the rest.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImageConfig, ImageRuntimeConfig } from '../../../oci/image.js';
import { DEFAULT_SHM_SIZE, buildContainerSpec, healthcheckDisabled, parseNetworkMode, processArgs } from './merge.js';
import { parseSecurityOpts } from './security-opts.js';
import { BUSYBOX, CONTAINER_ID, assertThrowsEngine, createRequest } from './testing/fixtures.js';

function image(config: ImageRuntimeConfig): { config: ImageConfig } {
  return { config: { ...BUSYBOX.config, config } };
}

const opts = { id: CONTAINER_ID };

describe('merge: process', () => {
  const img = image({ Entrypoint: ['/entry.sh'], Cmd: ['serve', '--port', '80'] });
  const table: [string, { entrypoint?: string[]; cmd?: string[] }, { entrypoint: string[]; cmd: string[] }][] = [
    ['the image’s entrypoint and cmd', {}, { entrypoint: ['/entry.sh'], cmd: ['serve', '--port', '80'] }],
    ['args replace the image’s cmd only', { cmd: ['debug'] }, { entrypoint: ['/entry.sh'], cmd: ['debug'] }],
    ['an empty Cmd is no Cmd', { cmd: [] }, { entrypoint: ['/entry.sh'], cmd: ['serve', '--port', '80'] }],
    ['--entrypoint drops the image’s cmd', { entrypoint: ['sh'] }, { entrypoint: ['sh'], cmd: [] }],
    ['--entrypoint with args', { entrypoint: ['sh'], cmd: ['-c', 'id'] }, { entrypoint: ['sh'], cmd: ['-c', 'id'] }],
    ['--entrypoint "" clears it and the image’s cmd', { entrypoint: [''], cmd: ['id'] }, { entrypoint: [], cmd: ['id'] }],
    ['Entrypoint [] clears it but keeps the image’s cmd', { entrypoint: [] }, { entrypoint: [], cmd: ['serve', '--port', '80'] }],
  ];
  for (const [name, req, want] of table) {
    test(name, () => {
      const spec = buildContainerSpec(createRequest(req), img, opts);
      assert.deepEqual({ entrypoint: spec.entrypoint, cmd: spec.cmd }, want);
      assert.deepEqual(processArgs(spec), [...want.entrypoint, ...want.cmd]);
    });
  }

  test('an image with null Entrypoint and Cmd, and a request with both', () => {
    const spec = buildContainerSpec(createRequest({ cmd: ['true'] }), image({ Entrypoint: null, Cmd: null }), opts);
    assert.deepEqual([spec.entrypoint, spec.cmd], [[], ['true']]);
  });
});

describe('merge: config', () => {
  const img = image({
    Env: ['PATH=/usr/bin:/bin', 'LANG=C', 'KEEP=1'],
    Cmd: ['sh'],
    WorkingDir: '/srv',
    User: 'nobody',
    Labels: { 'org.a': 'image', 'org.b': 'image' },
    StopSignal: 'SIGQUIT',
    ExposedPorts: { '80/tcp': {}, '443/tcp': {} },
    Volumes: { '/data': {} },
    Healthcheck: { Test: ['CMD', 'curl', 'localhost'], Interval: 30e9, Timeout: 5e9, Retries: 3, StartPeriod: 1e9, StartInterval: 2e9 },
  });

  test('request env first, then the image’s variables it does not set', () => {
    const spec = buildContainerSpec(createRequest({ env: ['LANG=en_US.UTF-8', 'NEW=1', 'KEEP'] }), img, opts);
    assert.deepEqual(spec.env, ['LANG=en_US.UTF-8', 'NEW=1', 'KEEP', 'PATH=/usr/bin:/bin']);
  });

  test('an image without env or config', () => {
    assert.deepEqual(buildContainerSpec(createRequest({ env: ['A=1'] }), image({ Cmd: ['sh'] }), opts).env, ['A=1']);
    const bare = { config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' as const, diff_ids: [] } } };
    const spec = buildContainerSpec(createRequest({ cmd: ['true'] }), bare, opts);
    assert.deepEqual([spec.env, spec.entrypoint, spec.cmd, spec.user, spec.workingDir], [[], [], ['true'], '', '']);
  });

  test('no request env: the image’s', () => {
    assert.deepEqual(buildContainerSpec(createRequest({ env: [] }), img, opts).env, ['PATH=/usr/bin:/bin', 'LANG=C', 'KEEP=1']);
    assert.deepEqual(buildContainerSpec(createRequest(), image({ Cmd: ['sh'] }), opts).env, []);
  });

  test('the image fills working dir, user, stop signal; labels, ports and volumes are unioned', () => {
    const spec = buildContainerSpec(createRequest(), img, opts);
    assert.equal(spec.workingDir, '/srv');
    assert.equal(spec.user, 'nobody');
    assert.equal(spec.stopSignal, 'SIGQUIT');
    assert.deepEqual(spec.labels, { 'org.a': 'image', 'org.b': 'image' });
    assert.deepEqual(spec.exposedPorts, { '80/tcp': {}, '443/tcp': {} });
    assert.deepEqual(spec.volumes, { '/data': {} });
  });

  test('the request wins', () => {
    const spec = buildContainerSpec(
      createRequest({
        workingDir: '/app/./sub/',
        user: '1000',
        stopSignal: 'SIGINT',
        labels: { 'org.b': 'request', 'org.c': 'request' },
        exposedPorts: { '8080/tcp': {} },
        volumes: { '/cache': {} },
      }),
      img,
      opts,
    );
    assert.equal(spec.workingDir, '/app/sub');
    assert.equal(spec.user, '1000');
    assert.equal(spec.stopSignal, 'SIGINT');
    assert.deepEqual(spec.labels, { 'org.b': 'request', 'org.c': 'request', 'org.a': 'image' });
    assert.deepEqual(Object.keys(spec.exposedPorts), ['8080/tcp', '80/tcp', '443/tcp']);
    assert.deepEqual(Object.keys(spec.volumes), ['/cache', '/data']);
    assert.equal(buildContainerSpec(createRequest({ workingDir: '/' }), img, opts).workingDir, '/');
  });

  test('defaults: SIGTERM, no working dir, no labels', () => {
    const spec = buildContainerSpec(createRequest(), BUSYBOX, opts);
    assert.equal(spec.stopSignal, 'SIGTERM');
    assert.equal(spec.workingDir, '');
    assert.equal(spec.user, '');
    assert.deepEqual(spec.labels, {});
    assert.equal(spec.stopTimeout, undefined);
    assert.equal(spec.healthcheck, undefined);
  });

  test('healthcheck: the request overrides field by field; NONE disables', () => {
    assert.deepEqual(buildContainerSpec(createRequest(), img, opts).healthcheck, img.config.config?.Healthcheck);
    const partial = buildContainerSpec(createRequest({ healthcheck: { Interval: 10e9 } }), img, opts).healthcheck;
    assert.deepEqual(partial, { Test: ['CMD', 'curl', 'localhost'], Interval: 10e9, Timeout: 5e9, Retries: 3, StartPeriod: 1e9, StartInterval: 2e9 });
    const none = buildContainerSpec(createRequest({ healthcheck: { Test: ['NONE'] } }), img, opts).healthcheck;
    assert.deepEqual(none?.Test, ['NONE']);
    assert.ok(healthcheckDisabled(none));
    assert.ok(!healthcheckDisabled(partial));
    assert.ok(healthcheckDisabled(undefined));
    assert.ok(healthcheckDisabled({ Test: [] }));
    const own = buildContainerSpec(createRequest({ healthcheck: { Test: ['CMD-SHELL', 'true'] } }), BUSYBOX, opts).healthcheck;
    assert.deepEqual(own, { Test: ['CMD-SHELL', 'true'] });
    const noTest = buildContainerSpec(createRequest({ healthcheck: { Retries: 1 } }), image({ Cmd: ['sh'], Healthcheck: { Interval: 1e9 } }), opts).healthcheck;
    assert.deepEqual(noTest, { Retries: 1, Interval: 1e9 });
  });

  test('stop timeout: the request’s, else the daemon’s default', () => {
    assert.equal(buildContainerSpec(createRequest(), BUSYBOX, { ...opts, defaultStopTimeout: 10 }).stopTimeout, 10);
    assert.equal(buildContainerSpec(createRequest({ stopTimeout: 3 }), BUSYBOX, { ...opts, defaultStopTimeout: 10 }).stopTimeout, 3);
  });

  test('hostname: given, else the short ID; --network host takes the host’s', () => {
    assert.equal(buildContainerSpec(createRequest(), BUSYBOX, opts).hostname, CONTAINER_ID.slice(0, 12));
    assert.equal(buildContainerSpec(createRequest({ hostname: 'web' }), BUSYBOX, opts).hostname, 'web');
    const host = createRequest({ host: { networkMode: 'host' } });
    assert.equal(buildContainerSpec(host, BUSYBOX, { ...opts, hostHostname: 'buildbox' }).hostname, 'buildbox');
    assert.equal(buildContainerSpec(host, BUSYBOX, opts).hostname, CONTAINER_ID.slice(0, 12));
  });

  test('fields carried as given', () => {
    const req = createRequest({
      domainname: 'example.com',
      tty: true,
      openStdin: true,
      stdinOnce: true,
      attachStdin: true,
      onBuild: ['RUN true'],
      argsEscaped: false,
      macAddress: '02:42:ac:11:00:02',
      networkDisabled: true,
      endpoints: { mynet: { aliases: ['web'] } },
    });
    const spec = buildContainerSpec(req, BUSYBOX, opts);
    assert.equal(spec.domainname, 'example.com');
    assert.deepEqual([spec.tty, spec.openStdin, spec.stdinOnce, spec.attachStdin, spec.attachStdout, spec.attachStderr], [true, true, true, true, true, true]);
    assert.deepEqual(spec.onBuild, ['RUN true']);
    assert.equal(spec.argsEscaped, false);
    assert.equal(spec.macAddress, '02:42:ac:11:00:02');
    assert.equal(spec.networkDisabled, true);
    assert.deepEqual(spec.endpoints, { mynet: { aliases: ['web'] } });
    assert.equal(spec.image, 'busybox');
  });
});

describe('merge: host defaults', () => {
  test('shm size, IPC mode, OOM killer, swap', () => {
    const spec = buildContainerSpec(createRequest({ host: { resources: { memory: 64 << 20, memorySwappiness: -1 } } }), BUSYBOX, opts);
    assert.equal(spec.host.shmSize, DEFAULT_SHM_SIZE);
    assert.equal(spec.host.ipcMode, 'private');
    assert.deepEqual(spec.host.resources, { memory: 64 << 20, memorySwap: 128 << 20, oomKillDisable: false });
    const own = buildContainerSpec(
      createRequest({ host: { shmSize: 1 << 20, ipcMode: 'shareable', resources: { memory: 64 << 20, memorySwap: -1, memorySwappiness: 0, oomKillDisable: true } } }),
      BUSYBOX,
      opts,
    );
    assert.equal(own.host.shmSize, 1 << 20);
    assert.equal(own.host.ipcMode, 'shareable');
    assert.deepEqual(own.host.resources, { memory: 64 << 20, memorySwap: -1, memorySwappiness: 0, oomKillDisable: true });
    const daemon = buildContainerSpec(createRequest(), BUSYBOX, { ...opts, defaultShmSize: 2 << 20, defaultIpcMode: 'shareable' });
    assert.equal(daemon.host.shmSize, 2 << 20);
    assert.equal(daemon.host.ipcMode, 'shareable');
  });
});

describe('network modes', () => {
  const table: [string, ReturnType<typeof parseNetworkMode>][] = [
    ['none', { kind: 'none' }],
    ['host', { kind: 'host' }],
    ['bridge', { kind: 'bridge', name: 'bridge' }],
    ['default', { kind: 'bridge', name: 'bridge' }],
    ['', { kind: 'bridge', name: 'bridge' }],
    ['container:web', { kind: 'container', id: 'web' }],
    ['mynet', { kind: 'bridge', name: 'mynet' }],
  ];
  for (const [mode, want] of table) test(mode || '(empty)', () => assert.deepEqual(parseNetworkMode(mode), want));

  test('the spec carries the parsed mode', () => {
    assert.deepEqual(buildContainerSpec(createRequest({ host: { networkMode: 'mynet' } }), BUSYBOX, opts).network, { kind: 'bridge', name: 'mynet' });
  });
});

describe('security options', () => {
  const table: [string[], ReturnType<typeof parseSecurityOpts>][] = [
    [[], { noNewPrivileges: false, seccomp: { kind: 'default' }, other: [] }],
    [['no-new-privileges'], { noNewPrivileges: true, seccomp: { kind: 'default' }, other: [] }],
    [['no-new-privileges=true'], { noNewPrivileges: true, seccomp: { kind: 'default' }, other: [] }],
    [['no-new-privileges:1'], { noNewPrivileges: true, seccomp: { kind: 'default' }, other: [] }],
    [['no-new-privileges', 'no-new-privileges=false'], { noNewPrivileges: false, seccomp: { kind: 'default' }, other: [] }],
    [['seccomp=unconfined'], { noNewPrivileges: false, seccomp: { kind: 'unconfined' }, other: [] }],
    [['seccomp=unconfined', 'seccomp=builtin'], { noNewPrivileges: false, seccomp: { kind: 'default' }, other: [] }],
    [['seccomp='], { noNewPrivileges: false, seccomp: { kind: 'default' }, other: [] }],
    [
      ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'],
      { noNewPrivileges: false, seccomp: { kind: 'profile', json: '{"defaultAction":"SCMP_ACT_ALLOW"}' }, other: [] },
    ],
    [['label=disable', 'label:type:svirt_t', 'apparmor=unconfined', 'disable'], { noNewPrivileges: false, seccomp: { kind: 'default' }, other: ['label=disable', 'label:type:svirt_t', 'apparmor=unconfined', 'disable'] }],
  ];
  for (const [input, want] of table) test(JSON.stringify(input), () => assert.deepEqual(parseSecurityOpts(input), want));

  test('the daemon’s no-new-privileges default', () => {
    assert.equal(parseSecurityOpts([], true).noNewPrivileges, true);
    assert.equal(parseSecurityOpts(['no-new-privileges=false'], true).noNewPrivileges, false);
    assert.equal(buildContainerSpec(createRequest(), BUSYBOX, { ...opts, defaultNoNewPrivileges: true }).security.noNewPrivileges, true);
  });

  test('refusals in dockerd’s words', () => {
    assertThrowsEngine(() => parseSecurityOpts(['foo']), 'invalid --security-opt 1: "foo"');
    assertThrowsEngine(() => parseSecurityOpts(['foo=bar']), 'invalid --security-opt 2: "foo=bar"');
    assertThrowsEngine(() => parseSecurityOpts(['no-new-privileges=maybe']), 'invalid --security-opt 2: "no-new-privileges=maybe"');
    assertThrowsEngine(() => parseSecurityOpts(['seccomp=/etc/profile.json']), /^Decoding seccomp profile failed: /);
    assertThrowsEngine(
      () => buildContainerSpec(createRequest({ host: { securityOpt: ['systempaths=unconfined'] } }), BUSYBOX, opts),
      'invalid --security-opt 2: "systempaths=unconfined"',
    );
  });
});
