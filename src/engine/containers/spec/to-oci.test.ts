// toOciSpec against golden files (testdata/*.json), one per representative `docker run`, plus
// tests for each branch. `UPDATE_GOLDEN=1 node --test …` rewrites the golden files.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { OciMount, OciSpec } from '../../../oci/runtime-spec.js';
import { KNOWN_CAPABILITIES } from './capabilities.js';
import type { ContainerSpec, CreateRequest, HostRequest } from './container-spec.js';
import { type MergeOptions, buildContainerSpec } from './merge.js';
import { BUSYBOX, CONTAINER_ID, GROUP, PASSWD, assertThrowsEngine, createRequest } from './testing/fixtures.js';
import { type OciContext, buildEnv, execProcess, ociResources, ociSpecJson, replaceOrAppendEnv, toOciSpec } from './to-oci.js';
import { resolveUser } from './user.js';

// From the compiled test (dist*/src/engine/containers/spec/) back to the source tree.
const GOLDEN_DIR = new URL('../../../../../src/engine/containers/spec/testdata/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const DIR = `/var/lib/berth/containers/${CONTAINER_ID}`;

type Over = Partial<Omit<CreateRequest, 'host'>> & { host?: Partial<HostRequest> };

function specOf(over: Over = {}, opts: Partial<MergeOptions> = {}): ContainerSpec {
  return buildContainerSpec(createRequest(over), BUSYBOX, { id: CONTAINER_ID, ...opts });
}

function contextFor(spec: ContainerSpec, over: Partial<OciContext> = {}): OciContext {
  return {
    id: CONTAINER_ID,
    user: resolveUser(spec.user, spec.host.groupAdd, PASSWD, GROUP),
    rootfs: `${DIR}/rootfs`,
    hostsPath: `${DIR}/hosts`,
    resolvConfPath: `${DIR}/resolv.conf`,
    hostnamePath: `${DIR}/hostname`,
    arch: 'amd64',
    kernel: [6, 1],
    ...over,
  };
}

function oci(over: Over = {}, ctx: Partial<OciContext> = {}, opts: Partial<MergeOptions> = {}): OciSpec {
  const spec = specOf(over, opts);
  return toOciSpec(spec, contextFor(spec, ctx));
}

/** JSON with arrays of plain values on one line, so that a golden file stays readable. */
function pretty(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.every((e) => e === null || typeof e !== 'object')) return `[${v.map((e) => JSON.stringify(e)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${v.map((e) => inner + pretty(e, inner)).join(',\n')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${pretty(e, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

function golden(name: string, actual: OciSpec): void {
  const file = new URL(`${name}.json`, GOLDEN_DIR);
  const text = `${pretty(actual)}\n`;
  if (UPDATE) {
    writeFileSync(file, text);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  // Structure first for a readable diff, then the text for key order.
  assert.deepEqual(JSON.parse(text), JSON.parse(expected), `${name}: differs from testdata/${name}.json (UPDATE_GOLDEN=1 rewrites it)`);
  assert.equal(text, expected);
}

const GOLDEN_CASES: [name: string, over: Over, ctx?: Partial<OciContext>, opts?: Partial<MergeOptions>][] = [
  ['run-busybox', {}],
  ['tty-interactive', { tty: true, openStdin: true, stdinOnce: true, attachStdin: true, host: { consoleSize: { rows: 30, cols: 100 } } }],
  [
    'privileged',
    { host: { privileged: true } },
    {
      hostDevices: [
        { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
        { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
      ],
    },
  ],
  [
    'read-only-net-bind-service-no-new-privileges',
    { host: { readonlyRootfs: true, capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'], securityOpt: ['no-new-privileges'] } },
  ],
  [
    'limits',
    {
      host: {
        resources: { memory: 64 * 1024 * 1024, memorySwappiness: -1, nanoCpus: 500_000_000, pidsLimit: 50 },
        ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
      },
    },
  ],
  ['init', { host: { init: true } }, { initPath: '/usr/bin/tini' }],
  ['network-host', { host: { networkMode: 'host' } }, {}, { hostHostname: 'buildbox' }],
  ['user-group-add', { user: '1000:1000', host: { groupAdd: ['10'] } }],
  [
    'devices-tmpfs-sysctls',
    {
      env: ['HOME=/work', 'TERM=dumb'],
      workingDir: '/work',
      domainname: 'example.com',
      host: {
        devices: [{ pathOnHost: '/dev/fuse', pathInContainer: '', cgroupPermissions: 'rw' }],
        deviceCgroupRules: ['c 136:* rw'],
        tmpfs: { '/run': 'size=64m', '/run/lock': 'exec' },
        sysctls: { 'net.core.somaxconn': '1024', 'net.ipv4.ip_unprivileged_port_start': '1024' },
        ipcMode: 'none',
        oomScoreAdj: 500,
        annotations: { 'org.example/owner': 'ops' },
      },
    },
    { devices: { '/dev/fuse': [{ pathOnHost: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }] } },
  ],
];

describe('toOciSpec golden files', () => {
  for (const [name, over, ctx, opts] of GOLDEN_CASES) {
    test(name, () => golden(name, oci(over, ctx, opts)));
  }
});

function mount(spec: OciSpec, destination: string): OciMount | undefined {
  return spec.mounts.find((m) => m.destination === destination);
}

describe('toOciSpec branches', () => {
  test('namespaces: host and container modes, cgroup namespaces by cgroup version', () => {
    const types = (s: OciSpec) => s.linux.namespaces?.map((n) => (n.path ? `${n.type}=${n.path}` : n.type));
    assert.deepEqual(types(oci()), ['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup']);
    assert.deepEqual(types(oci({}, { cgroupVersion: 1 })), ['mount', 'network', 'uts', 'pid', 'ipc']);
    assert.deepEqual(types(oci({ host: { cgroupnsMode: 'private' } }, { cgroupVersion: 1 })), ['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup']);
    assert.deepEqual(types(oci({ host: { cgroupnsMode: 'host' } })), ['mount', 'network', 'uts', 'pid', 'ipc']);
    assert.deepEqual(
      types(oci({ host: { networkMode: 'host', pidMode: 'host', ipcMode: 'host', utsMode: 'host' } })),
      ['mount', 'cgroup'],
    );
    const joined = oci(
      { host: { networkMode: 'container:web', pidMode: 'container:web', ipcMode: 'container:web' } },
      { namespacePaths: { network: '/proc/42/ns/net', pid: '/proc/42/ns/pid', ipc: '/proc/42/ns/ipc' } },
    );
    assert.deepEqual(types(joined), ['mount', 'network=/proc/42/ns/net', 'uts', 'pid=/proc/42/ns/pid', 'ipc=/proc/42/ns/ipc', 'cgroup']);
    assert.deepEqual(types(oci({}, { namespacePaths: { network: '/run/netns/berth-1' } })), ['mount', 'network=/run/netns/berth-1', 'uts', 'pid', 'ipc', 'cgroup']);
    assert.deepEqual(types(oci({ host: { networkMode: 'none' } })), ['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup']);
    assertThrowsEngine(() => oci({ host: { networkMode: 'container:web' } }), 'network mode container:web: no namespace path to join was given', 'internal');
    assertThrowsEngine(() => oci({ host: { pidMode: 'container:web' } }), 'pid mode container:web: no namespace path to join was given', 'internal');
  });

  test('UTS host: no hostname in the spec, HOSTNAME still set', () => {
    const s = oci({ host: { utsMode: 'host' } });
    assert.equal(s.hostname, undefined);
    assert.ok(s.process.env?.includes(`HOSTNAME=${CONTAINER_ID.slice(0, 12)}`));
  });

  test('default sysctls only for a network namespace of its own', () => {
    assert.equal(oci({ host: { networkMode: 'host' } }).linux.sysctl, undefined);
    assert.equal(oci({ host: { networkMode: 'container:web' } }, { namespacePaths: { network: '/proc/1/ns/net' } }).linux.sysctl, undefined);
    assert.deepEqual(oci({ host: { networkMode: 'none' } }).linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
  });

  test('user mounts: they replace defaults and network files, sort by depth, /dev hides the defaults below it', () => {
    const mounts: OciMount[] = [
      { destination: '/data/sub', type: 'bind', source: '/srv/sub', options: ['rbind'] },
      { destination: '/etc/hosts', type: 'bind', source: '/srv/hosts', options: ['rbind', 'ro'] },
      { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind'] },
      { destination: '/dev', type: 'bind', source: '/dev', options: ['rbind'] },
    ];
    const s = oci({}, { mounts });
    assert.deepEqual(
      s.mounts.map((m) => m.destination),
      ['/proc', '/sys', '/sys/fs/cgroup', '/data', '/dev', '/data/sub', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname'],
    );
    assert.equal(mount(s, '/etc/hosts')?.source, '/srv/hosts');
  });

  test('/dev/shm: sized tmpfs, a given directory, or none', () => {
    assert.deepEqual(mount(oci({ host: { shmSize: 1 << 20 } }), '/dev/shm')?.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=1048576']);
    assert.deepEqual(mount(oci({}, { shmSize: 2 << 20 }), '/dev/shm')?.options?.at(-1), 'size=2097152');
    assert.deepEqual(mount(oci({ host: { ipcMode: 'host' } }, { shmPath: '/dev/shm' }), '/dev/shm'), {
      destination: '/dev/shm',
      type: 'bind',
      source: '/dev/shm',
      options: ['rbind', 'rprivate'],
    });
    assert.equal(mount(oci({ host: { ipcMode: 'none' } }), '/dev/shm'), undefined);
  });

  test('read-only root with privileged: /sys and cgroups writable, others read-only', () => {
    const s = oci({ host: { readonlyRootfs: true, privileged: true } });
    assert.deepEqual(mount(s, '/sys')?.options, ['nosuid', 'noexec', 'nodev']);
    assert.deepEqual(mount(s, '/sys/fs/cgroup')?.options, ['nosuid', 'noexec', 'nodev']);
    assert.deepEqual(mount(s, '/proc')?.options, ['nosuid', 'noexec', 'nodev']);
    assert.deepEqual(mount(s, '/etc/hosts')?.options, ['rbind', 'ro', 'rprivate']);
    assert.equal(s.root.readonly, true);
  });

  test('no network files when the paths are not given', () => {
    const spec = specOf();
    const s = toOciSpec(spec, { id: CONTAINER_ID, user: resolveUser('', [], PASSWD, GROUP), rootfs: '/r', arch: 'amd64' });
    assert.equal(mount(s, '/etc/hosts'), undefined);
    assert.equal(s.linux.cgroupsPath, `/berth/${CONTAINER_ID}`);
  });

  test('cgroups path: given, --cgroup-parent, or the daemon’s parent', () => {
    assert.equal(oci({}, { cgroupsPath: 'system.slice:berth:x' }).linux.cgroupsPath, 'system.slice:berth:x');
    assert.equal(oci({ host: { cgroupParent: '/custom' } }, { cgroupParent: '/test' }).linux.cgroupsPath, `/custom/${CONTAINER_ID}`);
    assert.equal(oci({}, { cgroupParent: '/test' }).linux.cgroupsPath, `/test/${CONTAINER_ID}`);
  });

  test('--init: daemon default, needs a private pid namespace and an init binary', () => {
    assert.deepEqual(oci({}, { defaultInit: true, initPath: '/tini' }).process.args, ['/sbin/docker-init', '--', 'sh']);
    assert.deepEqual(oci({ host: { init: false } }, { defaultInit: true, initPath: '/tini' }).process.args, ['sh']);
    const hostPid = oci({ host: { init: true, pidMode: 'host' } }, { initPath: '/tini' });
    assert.deepEqual(hostPid.process.args, ['sh']);
    assert.equal(mount(hostPid, '/sbin/docker-init'), undefined);
    assertThrowsEngine(() => oci({ host: { init: true } }), /^--init was requested, but berthd has no init binary/, 'unavailable');
  });

  test('seccomp: unconfined, custom, privileged with and without a profile', () => {
    assert.equal(oci({ host: { securityOpt: ['seccomp=unconfined'] } }).linux.seccomp, undefined);
    const profile = '{"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}';
    assert.deepEqual(oci({ host: { securityOpt: [`seccomp=${profile}`] } }).linux.seccomp, { defaultAction: 'SCMP_ACT_LOG' });
    assert.deepEqual(oci({ host: { privileged: true, securityOpt: [`seccomp=${profile}`] } }).linux.seccomp, {
      defaultAction: 'SCMP_ACT_LOG',
      syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ALLOW' }],
    });
    assert.equal(oci({ host: { privileged: true } }).linux.seccomp, undefined);
    const noKernel = oci({}, { kernel: undefined });
    assert.ok(noKernel.linux.seccomp?.syscalls?.some((r) => r.names.includes('ptrace')));
  });

  test('masked and read-only paths: defaults, host additions, explicit lists', () => {
    const s = oci({}, { extraMaskedPaths: ['/sys/devices/system/cpu/cpu0/thermal_throttle'] });
    assert.equal(s.linux.maskedPaths?.at(-1), '/sys/devices/system/cpu/cpu0/thermal_throttle');
    const unconfined = oci({ host: { maskedPaths: [], readonlyPaths: [] } });
    assert.equal(unconfined.linux.maskedPaths, undefined);
    assert.equal(unconfined.linux.readonlyPaths, undefined);
    assert.deepEqual(oci({ host: { privileged: true, maskedPaths: ['/proc/kcore'] } }).linux.maskedPaths, ['/proc/kcore']);
    assert.deepEqual(oci({ host: { readonlyPaths: ['/proc/sys'] } }).linux.readonlyPaths, ['/proc/sys']);
  });

  test('devices: a directory mapping, a renamed node, privileged mappings, a missing device', () => {
    const s = oci(
      { host: { devices: [{ pathOnHost: '/dev/snd', pathInContainer: '/dev/sound', cgroupPermissions: '' }] } },
      {
        devices: {
          '/dev/snd': [
            { pathOnHost: '/dev/snd/controlC0', type: 'c', major: 116, minor: 2 },
            { pathOnHost: '/dev/snd/pipe', type: 'p', major: 0, minor: 0 },
          ],
        },
      },
    );
    assert.deepEqual(s.linux.devices, [
      { path: '/dev/sound/controlC0', type: 'c', major: 116, minor: 2 },
      { path: '/dev/sound/pipe', type: 'p', major: 0, minor: 0 },
    ]);
    assert.deepEqual(s.linux.resources?.devices?.at(-1), { allow: true, type: 'c', major: 116, minor: 2, access: 'rwm' });
    const priv = oci(
      {
        host: {
          privileged: true,
          deviceCgroupRules: ['c 1:1 r'],
          devices: [
            { pathOnHost: '/dev/sda', pathInContainer: '/dev/sda', cgroupPermissions: 'r' },
            { pathOnHost: '/dev/sdb', pathInContainer: '/dev/xvdb', cgroupPermissions: 'r' },
          ],
        },
      },
      { devices: { '/dev/sdb': [{ pathOnHost: '/dev/sdb', type: 'b', major: 8, minor: 16 }] } },
    );
    assert.deepEqual(priv.linux.devices, [{ path: '/dev/xvdb', type: 'b', major: 8, minor: 16 }]);
    assert.deepEqual(priv.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
    assertThrowsEngine(
      () => oci({ host: { devices: [{ pathOnHost: '/dev/nope', pathInContainer: '', cgroupPermissions: 'rwm' }] } }),
      'error gathering device information while adding custom device "/dev/nope": no such file or directory',
    );
  });

  test('rlimits: the daemon’s defaults fill names the container leaves', () => {
    const s = oci(
      { host: { ulimits: [{ name: 'nofile', soft: 10, hard: 20 }] } },
      { defaultUlimits: [{ name: 'nofile', soft: 1, hard: 1 }, { name: 'core', soft: -1, hard: -1 }] },
    );
    assert.deepEqual(s.process.rlimits, [
      { type: 'RLIMIT_NOFILE', hard: 20, soft: 10 },
      { type: 'RLIMIT_CORE', hard: -1, soft: -1 },
    ]);
    const text = ociSpecJson(s);
    assert.match(text, /"type": "RLIMIT_CORE",\n\s+"hard": 18446744073709551615,\n\s+"soft": 18446744073709551615/);
    assert.ok(text.includes('"oomScoreAdj": 0'));
  });

  test('capabilities limited to what the host can grant', () => {
    const s = oci({ host: { privileged: true } }, { availableCapabilities: ['CAP_CHOWN', 'CAP_KILL'] });
    assert.deepEqual(s.process.capabilities?.bounding, ['CAP_CHOWN', 'CAP_KILL']);
  });

  test('console size only with a TTY and a size', () => {
    assert.equal(oci({ host: { consoleSize: { rows: 30, cols: 100 } } }).process.consoleSize, undefined);
    assert.equal(oci({ tty: true, host: { consoleSize: { rows: 0, cols: 0 } } }).process.consoleSize, undefined);
    assert.deepEqual(oci({ tty: true, host: { consoleSize: { rows: 0, cols: 80 } } }).process.consoleSize, { height: 0, width: 80 });
  });
});

describe('environment', () => {
  test('replaceOrAppendEnv: replace, append, unset', () => {
    assert.deepEqual(replaceOrAppendEnv(['PATH=/bin', 'HOSTNAME=h', 'TERM=xterm'], ['TERM', 'PATH=/usr/bin', 'A=1', 'NOPE', 'A=2']), [
      'PATH=/usr/bin',
      'HOSTNAME=h',
      'A=2',
    ]);
    assert.deepEqual(replaceOrAppendEnv(['A=1'], ['A', 'A=3']), ['A=3'], 'set again after an unset');
  });

  test('buildEnv: PATH, HOSTNAME, TERM with a TTY, HOME from passwd', () => {
    assert.deepEqual(buildEnv({ env: ['X=1'], hostname: 'h' }, { home: '/root' }, { tty: true }), [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=h',
      'TERM=xterm',
      'X=1',
      'HOME=/root',
    ]);
    assert.deepEqual(buildEnv({ env: ['HOME=/x'], hostname: 'h' }, { home: '/root' }, { tty: false, extraEnv: ['PATH=/bin', 'HOSTNAME'] }), ['PATH=/bin', 'HOME=/x']);
  });
});

describe('execProcess', () => {
  const base = { cmd: ['ls', '-l'], env: ['E=1'], workingDir: '', tty: false, privileged: false };

  test('the container’s process with the exec’s command, env, directory and TTY', () => {
    const spec = specOf({ workingDir: '/srv', env: ['C=1'], host: { capDrop: ['ALL'], ulimits: [{ name: 'nproc', soft: 5, hard: 5 }], securityOpt: ['no-new-privileges'], oomScoreAdj: 10 } });
    const user = resolveUser('nobody', [], PASSWD, GROUP);
    assert.deepEqual(execProcess(spec, base, user), {
      terminal: false,
      user: { uid: 65534, gid: 65534, additionalGids: [65534] },
      args: ['ls', '-l'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${CONTAINER_ID.slice(0, 12)}`, 'C=1', 'E=1', 'HOME=/nonexistent'],
      cwd: '/srv',
      capabilities: { bounding: [], effective: [], permitted: [] },
      rlimits: [{ type: 'RLIMIT_NPROC', hard: 5, soft: 5 }],
      noNewPrivileges: true,
      oomScoreAdj: 10,
    });
  });

  test('--privileged, -t with a size, -w, and the daemon’s options', () => {
    const spec = specOf();
    const user = resolveUser('', [], PASSWD, GROUP);
    const p = execProcess(
      spec,
      { ...base, tty: true, privileged: true, workingDir: '/tmp', consoleSize: { rows: 24, cols: 80 }, user: '', attachStdin: true, detachKeys: '' },
      user,
      { availableCapabilities: KNOWN_CAPABILITIES, defaultUlimits: [{ name: 'nofile', soft: 1, hard: 2 }] },
    );
    assert.equal(p.terminal, true);
    assert.deepEqual(p.consoleSize, { height: 24, width: 80 });
    assert.equal(p.cwd, '/tmp');
    assert.ok(p.env?.includes('TERM=xterm'));
    assert.deepEqual(p.capabilities?.bounding, [...KNOWN_CAPABILITIES]);
    assert.deepEqual(p.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 2, soft: 1 }]);
    assert.equal(execProcess(spec, base, user).cwd, '/');
  });
});

describe('ociResources', () => {
  test('empty', () => assert.deepEqual(ociResources({}), {}));

  test('memory, cpu, pids, blkio', () => {
    assert.deepEqual(
      ociResources({
        memory: 1 << 30,
        memoryReservation: 1 << 29,
        memorySwap: 2 ** 31,
        memorySwappiness: 60,
        oomKillDisable: true,
        cpuShares: 512,
        nanoCpus: 1_500_000_000,
        cpusetCpus: '0-1',
        cpusetMems: '0',
        pidsLimit: 100,
        blkioWeight: 300,
      }),
      {
        memory: { limit: 1 << 30, reservation: 1 << 29, swap: 2 ** 31, swappiness: 60, disableOOMKiller: true },
        cpu: { shares: 512, period: 100000, quota: 150000, cpus: '0-1', mems: '0' },
        pids: { limit: 100 },
        blockIO: { weight: 300 },
      },
    );
  });

  test('period and quota given directly; real-time; unlimited pids; -1 swap and swappiness left out', () => {
    assert.deepEqual(ociResources({ cpuPeriod: 50000, cpuQuota: -1, cpuRealtimePeriod: 1000, cpuRealtimeRuntime: 500, pidsLimit: 0, memorySwap: -1, memorySwappiness: -1 }), {
      cpu: { period: 50000, quota: -1, realtimePeriod: 1000, realtimeRuntime: 500 },
      pids: { limit: -1 },
    });
    assert.deepEqual(ociResources({ pidsLimit: -5 }), { pids: { limit: -1 } });
  });
});
