// Every refusal, with dockerd's (or runc's) exact words, at the fastest layer.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CreateRequest, HostRequest } from './container-spec.js';
import { buildContainerSpec } from './merge.js';
import { BUSYBOX, CONTAINER_ID, assertThrowsEngine, createRequest } from './testing/fixtures.js';
import { type ValidateOptions, parseDeviceCgroupRule, validDeviceMode, validateCreateRequest, validateRestartPolicy } from './validate.js';

type Over = Partial<Omit<CreateRequest, 'host'>> & { host?: Partial<HostRequest> };
const MB = 1024 * 1024;

const refusals: [string, Over, string, ValidateOptions?][] = [
  // runconfig: network settings
  ['container network without a name', { host: { networkMode: 'container:' } }, 'invalid network mode: invalid container format container:<name|id>'],
  ['bare `container` network', { host: { networkMode: 'container' } }, 'invalid network mode: invalid container format container:<name|id>'],
  ['container network and hostname', { hostname: 'h', host: { networkMode: 'container:web' } }, 'conflicting options: hostname and the network mode'],
  [
    'container network and links',
    { host: { networkMode: 'container:web', links: ['db:db'] } },
    "conflicting options: container type network can't be used with links. This would result in undefined behavior",
  ],
  ['container network and dns', { host: { networkMode: 'container:web', dns: ['1.1.1.1'] } }, 'conflicting options: dns and the network mode'],
  [
    'container network and extra hosts',
    { host: { networkMode: 'container:web', extraHosts: ['a:1.2.3.4'] } },
    'conflicting options: custom host-to-IP mapping and the network mode',
  ],
  [
    'container network and published ports',
    { host: { networkMode: 'container:web', portBindings: { '80/tcp': [] } } },
    'conflicting options: port publishing and the container type network mode',
  ],
  [
    'container network and -P',
    { host: { networkMode: 'container:web', publishAllPorts: true } },
    'conflicting options: port publishing and the container type network mode',
  ],
  [
    'container network and exposed ports',
    { exposedPorts: { '80/tcp': {} }, host: { networkMode: 'container:web' } },
    'conflicting options: port exposing and the container type network mode',
  ],
  ['uts host and hostname', { hostname: 'h', host: { utsMode: 'host' } }, 'conflicting options: hostname and the UTS mode'],
  [
    'host network and links',
    { host: { networkMode: 'host', links: ['db:db'] } },
    "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
  ],
  ['real-time period without the scheduler', { host: { resources: { cpuRealtimePeriod: 1000 } } }, 'kernel does not support CPU real-time scheduler'],
  [
    'real-time runtime above period',
    { host: { resources: { cpuRealtimePeriod: 1000, cpuRealtimeRuntime: 2000 } } },
    'cpu real-time runtime cannot be higher than cpu real-time period',
    { cpuRealtime: true },
  ],
  ['negative CPU shares', { host: { resources: { cpuShares: -1 } } }, 'invalid CPU shares (-1): value must be a positive integer'],
  // Config
  ['relative working directory', { workingDir: 'app' }, "the working directory 'app' is invalid, it needs to be an absolute path"],
  ['invalid stop signal', { stopSignal: 'SIGFOO' }, 'invalid signal: SIGFOO'],
  ['signal 0', { stopSignal: '0' }, 'invalid signal: 0'],
  ['empty variable name', { env: ['A=1', '=x'] }, 'invalid environment variable: =x'],
  ['empty env entry', { env: [''] }, 'invalid environment variable: '],
  ['healthcheck interval below 1ms', { healthcheck: { Interval: 1000 } }, 'Interval in Healthcheck cannot be less than 1ms'],
  ['healthcheck timeout below 1ms', { healthcheck: { Timeout: 1 } }, 'Timeout in Healthcheck cannot be less than 1ms'],
  ['healthcheck start period below 1ms', { healthcheck: { StartPeriod: 5 } }, 'StartPeriod in Healthcheck cannot be less than 1ms'],
  ['healthcheck start interval below 1ms', { healthcheck: { StartInterval: 5 } }, 'StartInterval in Healthcheck cannot be less than 1ms'],
  ['negative healthcheck retries', { healthcheck: { Retries: -1 } }, 'Retries in Healthcheck cannot be negative'],
  // HostConfig
  ['--rm with a restart policy', { host: { autoRemove: true, restartPolicy: { name: 'always', maximumRetryCount: 0 } } }, "can't create 'AutoRemove' container with restart policy"],
  ['add-host without a colon', { host: { extraHosts: ['nohost'] } }, 'bad format for add-host: "nohost"'],
  ['add-host without a name', { host: { extraHosts: [':1.2.3.4'] } }, 'bad format for add-host: ":1.2.3.4"'],
  ['add-host with a bad IP', { host: { extraHosts: ['a:999.1.1.1'] } }, 'invalid IP address in add-host: "999.1.1.1"'],
  ['bad container port', { host: { portBindings: { 'http/tcp': [] } } }, 'invalid port specification: "http"'],
  ['container port above 65535', { host: { portBindings: { '70000': [] } } }, 'invalid port specification: "70000"'],
  ['bad host port', { host: { portBindings: { '80/tcp': [{ hostIp: '', hostPort: 'x' }] } } }, 'invalid port specification: "x"'],
  ['reversed host port range', { host: { portBindings: { '80/tcp': [{ hostIp: '', hostPort: '90-80' }] } } }, 'invalid port specification: "90-80"'],
  ['unknown capability added', { host: { capAdd: ['FOO'] } }, 'invalid CapAdd: unknown capability: "CAP_FOO"'],
  ['unknown capability dropped', { host: { capDrop: ['cap_bar'] } }, 'invalid CapDrop: unknown capability: "CAP_BAR"'],
  ['empty annotation key', { host: { annotations: { '': 'x' } } }, 'invalid Annotations: the empty string is not permitted as an annotation key'],
  // Resources
  ['memory below 6MB', { host: { resources: { memory: 4 * MB } } }, 'Minimum memory limit allowed is 6MB'],
  ['negative memory', { host: { resources: { memory: -1 } } }, 'Minimum memory limit allowed is 6MB'],
  ['memory-swap below memory', { host: { resources: { memory: 64 * MB, memorySwap: 32 * MB } } }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
  ['memory-swap without memory', { host: { resources: { memorySwap: 64 * MB } } }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
  ['swappiness above 100', { host: { resources: { memorySwappiness: 101 } } }, 'Invalid value: 101, valid memory swappiness range is 0-100'],
  ['swappiness below -1', { host: { resources: { memorySwappiness: -2 } } }, 'Invalid value: -2, valid memory swappiness range is 0-100'],
  ['reservation below 6MB', { host: { resources: { memoryReservation: MB } } }, 'Minimum memory reservation allowed is 6MB'],
  [
    'memory below reservation',
    { host: { resources: { memory: 64 * MB, memoryReservation: 128 * MB } } },
    'Minimum memory limit can not be less than memory reservation limit, see usage',
  ],
  ['--cpus and --cpu-period', { host: { resources: { nanoCpus: 5e8, cpuPeriod: 100000 } } }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
  ['--cpus and --cpu-quota', { host: { resources: { nanoCpus: 5e8, cpuQuota: 50000 } } }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
  ['--cpus above the host', { host: { resources: { nanoCpus: 5e9 } } }, 'range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available', { ncpu: 4 }],
  ['negative --cpus', { host: { resources: { nanoCpus: -1 } } }, 'range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available', { ncpu: 2 }],
  ['cpu period too small', { host: { resources: { cpuPeriod: 999 } } }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  ['cpu period too large', { host: { resources: { cpuPeriod: 1000001 } } }, 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)'],
  ['cpu quota too small', { host: { resources: { cpuQuota: 999 } } }, 'CPU cfs quota can not be less than 1ms (i.e. 1000)'],
  ['malformed cpuset', { host: { resources: { cpusetCpus: '0-x' } } }, 'Invalid value 0-x for cpuset cpus: invalid format: 0-x', { ncpu: 4 }],
  ['reversed cpuset range', { host: { resources: { cpusetCpus: '3-1' } } }, 'Invalid value 3-1 for cpuset cpus: invalid format: 3-1', { ncpu: 4 }],
  ['cpuset beyond the maximum', { host: { resources: { cpusetCpus: '0-9000' } } }, 'Invalid value 0-9000 for cpuset cpus: value of out range, maximum is 8192', { ncpu: 4 }],
  ['cpuset not on this host', { host: { resources: { cpusetCpus: '0,4' } } }, 'Requested CPUs are not available - requested 0,4, available: 0-3', { ncpu: 4 }],
  [
    'cpuset mems not on this host',
    { host: { resources: { cpusetMems: '1' } } },
    'Requested memory nodes are not available - requested 1, available: 0',
    { cpusetMemsAvailable: '0' },
  ],
  ['blkio weight out of range', { host: { resources: { blkioWeight: 5 } } }, 'Range of blkio weight is from 10 to 1000'],
  // Namespace modes and friends
  ['bad IPC mode', { host: { ipcMode: 'foo' } }, 'invalid IPC mode: foo'],
  ['bad PID mode', { host: { pidMode: 'container:' } }, 'invalid PID mode: container:'],
  ['negative shm size', { host: { shmSize: -1 } }, 'SHM size can not be less than 0'],
  ['bad UTS mode', { host: { utsMode: 'private' } }, 'invalid UTS mode: private'],
  ['oom score adj out of range', { host: { oomScoreAdj: 1001 } }, 'Invalid value 1001, range for oom score adj is [-1000, 1000]'],
  ['tmpfs on /', { host: { tmpfs: { '/': '' } } }, `invalid mount config for type "tmpfs": invalid specification: destination can't be '/'`],
  ['relative tmpfs', { host: { tmpfs: { run: '' } } }, `invalid mount config for type "tmpfs": invalid mount path: 'run' mount path must be absolute`],
  ['bad tmpfs option', { host: { tmpfs: { '/run': 'size=1m,bogus' } } }, 'invalid tmpfs option ["bogus"]'],
  ['bad tmpfs data option', { host: { tmpfs: { '/run': 'colour=red' } } }, 'invalid tmpfs option ["colour" "red"]'],
  ['bad cgroupns mode', { host: { cgroupnsMode: 'shared' } }, 'invalid cgroup namespace mode: shared'],
  // Ulimits
  ['unknown ulimit', { host: { ulimits: [{ name: 'files', soft: 1, hard: 1 }] } }, 'invalid ulimit type: files'],
  ['ulimit below -1', { host: { ulimits: [{ name: 'nofile', soft: -2, hard: 10 }] } }, 'invalid ulimit nofile: values must be -1 (unlimited) or more'],
  ['ulimit soft above hard', { host: { ulimits: [{ name: 'nofile', soft: 2048, hard: 1024 }] } }, 'ulimit soft limit must be less than or equal to hard limit: 2048 > 1024'],
  [
    'unlimited soft under a finite hard',
    { host: { ulimits: [{ name: 'nproc', soft: -1, hard: 100 }] } },
    'ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 100',
  ],
  [
    'hard limit above what the host may grant',
    { host: { ulimits: [{ name: 'nofile', soft: 1024, hard: 1048577 }] } },
    "ulimit nofile: hard limit 1048577 is above this host's limit of 1048576; raising it needs CAP_SYS_RESOURCE, which berthd does not have here",
    { maxHardLimits: { nofile: 1048576 } },
  ],
  [
    'unlimited hard under a finite host limit (RLIMIT_ key)',
    { host: { ulimits: [{ name: 'memlock', soft: -1, hard: -1 }] } },
    "ulimit memlock: hard limit unlimited is above this host's limit of 65536; raising it needs CAP_SYS_RESOURCE, which berthd does not have here",
    { maxHardLimits: { RLIMIT_MEMLOCK: 65536 } },
  ],
  // Sysctls (runc's rules)
  ['ipc sysctl in the host ipc namespace', { host: { ipcMode: 'host', sysctls: { 'kernel.shmmax': '1' } } }, 'sysctl "kernel.shmmax" is not allowed in the hosts ipc namespace'],
  ['mqueue sysctl in the host ipc namespace', { host: { ipcMode: 'host', sysctls: { 'fs.mqueue.msg_max': '1' } } }, 'sysctl "fs.mqueue.msg_max" is not allowed in the hosts ipc namespace'],
  ['net sysctl with the host network', { host: { networkMode: 'host', sysctls: { 'net.core.somaxconn': '1' } } }, 'sysctl "net.core.somaxconn" not allowed in host network namespace'],
  ['slash-separated names', { host: { networkMode: 'host', sysctls: { 'net/ipv4/conf/eth0.1/forwarding': '1' } } }, 'sysctl "net.ipv4.conf.eth0/1.forwarding" not allowed in host network namespace'],
  ['kernel.hostname', { host: { sysctls: { 'kernel.hostname': 'x' } } }, 'sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'],
  ['kernel.domainname with the host UTS namespace', { host: { utsMode: 'host', sysctls: { 'kernel.domainname': 'x' } } }, 'sysctl "kernel.domainname" is not in a separate kernel namespace'],
  ['user.* without a user namespace', { host: { sysctls: { 'user.max_user_namespaces': '0' } } }, 'setting ucounts without a user namespace not allowed: user.max_user_namespaces'],
  ['a host-wide sysctl', { host: { sysctls: { 'vm.swappiness': '0' } } }, 'sysctl "vm.swappiness" is not in a separate kernel namespace'],
  // Devices
  ['device without a host path', { host: { devices: [{ pathOnHost: '', pathInContainer: '/dev/x', cgroupPermissions: 'rwm' }] } }, 'invalid device specification: bad format for path: no path on the host'],
  ['relative device path', { host: { devices: [{ pathOnHost: 'dev/sda', pathInContainer: '', cgroupPermissions: 'rwm' }] } }, 'invalid device specification: dev/sda is not an absolute path'],
  ['relative container path', { host: { devices: [{ pathOnHost: '/dev/sda', pathInContainer: 'xvda', cgroupPermissions: '' }] } }, 'invalid device specification: xvda is not an absolute path'],
  ['bad device mode', { host: { devices: [{ pathOnHost: '/dev/sda', pathInContainer: '', cgroupPermissions: 'rwx' }] } }, 'invalid device specification: bad mode specified: rwx'],
  ['bad device cgroup rule', { host: { deviceCgroupRules: ['c 1:* rwmx'] } }, "invalid device cgroup rule format: 'c 1:* rwmx'"],
];

describe('validation errors', () => {
  for (const [name, over, message, opts] of refusals) {
    test(name, () => assertThrowsEngine(() => validateCreateRequest(createRequest(over), opts), message));
  }

  test('buildContainerSpec validates first; a command is required', () => {
    assertThrowsEngine(() => buildContainerSpec(createRequest({ stopSignal: 'NOPE' }), BUSYBOX, { id: CONTAINER_ID }), 'invalid signal: NOPE');
    const noCmd = { config: { ...BUSYBOX.config, config: {} } };
    assertThrowsEngine(() => buildContainerSpec(createRequest(), noCmd, { id: CONTAINER_ID }), 'no command specified');
    assertThrowsEngine(() => buildContainerSpec(createRequest({ entrypoint: [''] }), BUSYBOX, { id: CONTAINER_ID }), 'no command specified');
  });

  test('what passes', () => {
    const ok: Over[] = [
      { host: { networkMode: 'container:web' } },
      { hostname: 'h', host: { networkMode: 'host' } },
      { stopSignal: 'SIGRTMIN+3' },
      { stopSignal: '9' },
      { env: ['A', 'B=', 'C=d=e'] },
      { healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000, Retries: 0 } },
      { host: { extraHosts: ['gw:host-gateway', 'six:::1', 'four: 10.0.0.1 '] } },
      { host: { portBindings: { '80/tcp': [{ hostIp: '', hostPort: '' }, { hostIp: '', hostPort: '8000-8010' }, { hostIp: '', hostPort: '8080/tcp' }], '/udp': [], '53': [] } } },
      { host: { resources: { memory: 6 * MB, memorySwap: -1, memorySwappiness: -1, memoryReservation: 6 * MB, cpuQuota: -1, blkioWeight: 10 } } },
      { host: { resources: { nanoCpus: 4e9, cpusetCpus: '0-1,3', cpusetMems: '' } } },
      { host: { ipcMode: 'container:web', pidMode: 'container:web', utsMode: 'host', cgroupnsMode: 'host', oomScoreAdj: -1000 } },
      { host: { ipcMode: 'shareable' } },
      { host: { ipcMode: 'none', sysctls: { 'kernel.msgmax': '1', 'fs.mqueue.queues_max': '1', 'net.ipv4.ip_forward': '1', 'kernel.domainname': 'x' } } },
      { host: { networkMode: 'container:web', sysctls: { 'net.core.somaxconn': '1' } } },
      { host: { ulimits: [{ name: 'nofile', soft: 1024, hard: 1024 }, { name: 'core', soft: -1, hard: -1 }, { name: 'stack', soft: 1, hard: -1 }] } },
      { host: { devices: [{ pathOnHost: '/dev/fuse', pathInContainer: '', cgroupPermissions: '' }], deviceCgroupRules: ['c 10:229 rwm', 'a *:* m'] } },
      { host: { tmpfs: { '/run': 'rw,exec,size=64m,defaults', '/tmp': '' } } },
      { host: { resources: { cpuRealtimePeriod: 1000, cpuRealtimeRuntime: 500 } } },
    ];
    for (const over of ok) {
      const opts: ValidateOptions = { ncpu: 4, maxHardLimits: { nofile: 1024 }, cpuRealtime: true };
      assert.doesNotThrow(() => validateCreateRequest(createRequest(over), opts), JSON.stringify(over));
    }
    // A host list berth could not read checks nothing; an empty one allows nothing.
    assert.doesNotThrow(() => validateCreateRequest(createRequest({ host: { resources: { cpusetMems: '1' } } }), { cpusetMemsAvailable: 'garbage' }));
    assertThrowsEngine(
      () => validateCreateRequest(createRequest({ host: { resources: { cpusetMems: '0' } } }), { cpusetMemsAvailable: '' }),
      'Requested memory nodes are not available - requested 0, available: ',
    );
    // Without ncpu (and no host cpuset list) the cpuset and --cpus range are not checked.
    assert.doesNotThrow(() => validateCreateRequest(createRequest({ host: { resources: { nanoCpus: 64e9, cpusetCpus: '63' } } })));
  });
});

describe('restart policies', () => {
  test('known names, with moby’s retry-count rules', () => {
    assert.deepEqual(validateRestartPolicy({ name: 'always', maximumRetryCount: 0 }), { name: 'always', maximumRetryCount: 0 });
    assert.deepEqual(validateRestartPolicy({ name: 'on-failure', maximumRetryCount: 3 }), { name: 'on-failure', maximumRetryCount: 3 });
    assert.deepEqual(validateRestartPolicy({ name: '', maximumRetryCount: 0 }), { name: 'no', maximumRetryCount: 0 });
    assert.deepEqual(validateRestartPolicy({ name: '', maximumRetryCount: 4 }), { name: 'no', maximumRetryCount: 4 }, 'pre-25 clients');
  });

  test('refusals', () => {
    assertThrowsEngine(
      () => validateRestartPolicy({ name: 'x', maximumRetryCount: 0 }),
      "invalid restart policy: unknown policy 'x'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    );
    assertThrowsEngine(
      () => validateRestartPolicy({ name: 'always', maximumRetryCount: 2 }),
      "invalid restart policy: maximum retry count can only be used with 'on-failure'",
    );
    assertThrowsEngine(
      () => validateRestartPolicy({ name: 'unless-stopped', maximumRetryCount: -1 }),
      "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative",
    );
    assertThrowsEngine(() => validateRestartPolicy({ name: 'on-failure', maximumRetryCount: -1 }), 'invalid restart policy: maximum retry count cannot be negative');
  });
});

describe('device helpers', () => {
  test('device modes', () => {
    for (const m of ['r', 'rw', 'mrw', 'wm']) assert.ok(validDeviceMode(m), m);
    for (const m of ['', 'rr', 'x', 'rwmr']) assert.ok(!validDeviceMode(m), m);
  });

  test('device cgroup rules', () => {
    assert.deepEqual(parseDeviceCgroupRule('c 1:3 rwm'), { type: 'c', major: 1, minor: 3, access: 'rwm' });
    assert.deepEqual(parseDeviceCgroupRule('a *:* m'), { type: 'a', access: 'm' });
    assert.deepEqual(parseDeviceCgroupRule('b 8:* r'), { type: 'b', major: 8, access: 'r' });
    assertThrowsEngine(() => parseDeviceCgroupRule('x 1:1 r'), "invalid device cgroup rule format: 'x 1:1 r'");
  });
});
