// The create and update bodies real clients send (docker CLI 28, dockerode, docker-compose,
// testcontainers: engine-api.md §4.2, §6, §7), and the malformed ones dockerd refuses.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/errors.js';
import type { CreateRequest } from '../../engine/containers/spec/container-spec.js';
import { toCreateRequest, toUpdateRequest } from './container-create.js';

/** `docker run --rm busybox echo hi`, as the CLI 28 sends it. */
function cliBody(): Record<string, unknown> {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: [],
    Cmd: ['echo', 'hi'],
    Image: 'busybox',
    Volumes: {},
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: {},
    HostConfig: {
      Binds: null,
      ContainerIDFile: '',
      LogConfig: { Type: '', Config: {} },
      NetworkMode: 'default',
      PortBindings: {},
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: true,
      VolumeDriver: '',
      VolumesFrom: null,
      ConsoleSize: [30, 120],
      CapAdd: null,
      CapDrop: null,
      CgroupnsMode: '',
      Dns: [],
      DnsOptions: [],
      DnsSearch: [],
      ExtraHosts: null,
      GroupAdd: null,
      IpcMode: '',
      Cgroup: '',
      Links: null,
      OomScoreAdj: 0,
      PidMode: '',
      Privileged: false,
      PublishAllPorts: false,
      ReadonlyRootfs: false,
      SecurityOpt: null,
      UTSMode: '',
      UsernsMode: '',
      ShmSize: 0,
      Isolation: '',
      CpuShares: 0,
      Memory: 0,
      NanoCpus: 0,
      CgroupParent: '',
      BlkioWeight: 0,
      BlkioWeightDevice: [],
      BlkioDeviceReadBps: [],
      BlkioDeviceWriteBps: [],
      BlkioDeviceReadIOps: [],
      BlkioDeviceWriteIOps: [],
      CpuPeriod: 0,
      CpuQuota: 0,
      CpuRealtimePeriod: 0,
      CpuRealtimeRuntime: 0,
      CpusetCpus: '',
      CpusetMems: '',
      Devices: [],
      DeviceCgroupRules: null,
      DeviceRequests: null,
      MemoryReservation: 0,
      MemorySwap: 0,
      MemorySwappiness: -1,
      OomKillDisable: false,
      PidsLimit: null,
      Ulimits: [],
      CpuCount: 0,
      CpuPercent: 0,
      IOMaximumIOps: 0,
      IOMaximumBandwidth: 0,
      MaskedPaths: null,
      ReadonlyPaths: null,
    },
    NetworkingConfig: { EndpointsConfig: { default: {} } },
  };
}

function expectInvalid(body: unknown, message: string): void {
  assert.throws(
    () => toCreateRequest(body),
    (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.kind, 'invalid-argument');
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('toCreateRequest', () => {
  test('the docker CLI’s body for `docker run --rm busybox echo hi`', () => {
    const want: CreateRequest = {
      name: 'web',
      platform: 'linux/amd64',
      image: 'busybox',
      tty: false,
      openStdin: false,
      stdinOnce: false,
      attachStdin: false,
      attachStdout: true,
      attachStderr: true,
      hostname: '',
      domainname: '',
      user: '',
      env: [],
      cmd: ['echo', 'hi'],
      workingDir: '',
      labels: {},
      volumes: {},
      host: {
        binds: [],
        mounts: [],
        tmpfs: {},
        autoRemove: true,
        restartPolicy: { name: 'no', maximumRetryCount: 0 },
        networkMode: 'bridge',
        privileged: false,
        capAdd: [],
        capDrop: [],
        readonlyRootfs: false,
        securityOpt: [],
        devices: [],
        deviceCgroupRules: [],
        ulimits: [],
        sysctls: {},
        groupAdd: [],
        resources: { memorySwappiness: -1, oomKillDisable: false },
        logConfig: { type: 'json-file', config: {} },
        dns: [],
        dnsSearch: [],
        dnsOptions: [],
        extraHosts: [],
        links: [],
        portBindings: {},
        publishAllPorts: false,
        volumesFrom: [],
        annotations: {},
        consoleSize: { rows: 30, cols: 120 },
      },
      endpoints: { bridge: { aliases: [] } },
    };
    assert.deepEqual(toCreateRequest(cliBody(), { name: 'web', platform: 'linux/amd64' }), want);
  });

  test('the flags of engine-api.md §4.2', () => {
    const body = cliBody();
    Object.assign(body, {
      Entrypoint: [''],
      Env: ['A=1'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      WorkingDir: '/w',
      User: '1000:1000',
      Hostname: 'h',
      Labels: { k: 'v' },
      Tty: true,
      OpenStdin: true,
      AttachStdin: true,
      StdinOnce: true,
      StopSignal: 'SIGINT',
      StopTimeout: 3,
      Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 },
    });
    Object.assign(body.HostConfig as object, {
      Binds: ['/h:/c:ro', 'name:/d'],
      Tmpfs: { '/t': '' },
      NetworkMode: 'mynet',
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      PublishAllPorts: true,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      AutoRemove: false,
      Memory: 67108864,
      NanoCpus: 500000000,
      CpuShares: 512,
      CpusetCpus: '0-1',
      PidsLimit: 50,
      MemorySwap: -1,
      ShmSize: 1048576,
      Init: true,
      OomScoreAdj: -10,
      IpcMode: 'shareable',
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      DeviceCgroupRules: ['c 10:229 rwm'],
      Ulimits: [{ Name: 'nofile', Hard: 2048, Soft: 1024 }, null],
      Sysctls: { 'net.core.somaxconn': '1024' },
      GroupAdd: ['10'],
      ExtraHosts: ['gw:host-gateway'],
      Dns: ['1.1.1.1'],
      Annotations: { a: 'b' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      MaskedPaths: [],
      ReadonlyPaths: [],
      Runtime: 'runc',
      CgroupParent: '/custom',
      CgroupnsMode: 'private',
      PidMode: 'host',
      UTSMode: 'host',
      UsernsMode: 'host',
    });
    body.NetworkingConfig = { EndpointsConfig: { mynet: { Aliases: ['web'], Links: ['db'], IPAMConfig: { IPv4Address: '10.0.0.5', IPv6Address: 'fd00::5' }, MacAddress: '02:42:0a:00:00:05', DriverOpts: { x: 'y' } } } };
    const r = toCreateRequest(body);
    assert.deepEqual(r.entrypoint, ['']);
    assert.deepEqual(r.exposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual([r.workingDir, r.user, r.hostname, r.stopSignal, r.stopTimeout], ['/w', '1000:1000', 'h', 'SIGINT', 3]);
    assert.deepEqual([r.tty, r.openStdin, r.attachStdin, r.stdinOnce], [true, true, true, true]);
    assert.deepEqual(r.healthcheck, { Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 });
    assert.deepEqual(r.host.portBindings, { '80/tcp': [{ hostIp: '', hostPort: '8080' }], '53/udp': [{ hostIp: '127.0.0.1', hostPort: '' }] });
    assert.deepEqual(r.host.restartPolicy, { name: 'on-failure', maximumRetryCount: 3 });
    assert.deepEqual(r.host.resources, { memory: 67108864, memorySwap: -1, memorySwappiness: -1, nanoCpus: 500000000, cpuShares: 512, cpusetCpus: '0-1', pidsLimit: 50, oomKillDisable: false });
    assert.deepEqual(r.host.ulimits, [{ name: 'nofile', soft: 1024, hard: 2048 }]);
    assert.deepEqual(r.host.devices, [{ pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', cgroupPermissions: 'rwm' }]);
    assert.deepEqual(r.host.logConfig, { type: 'json-file', config: { 'max-size': '10m', 'max-file': '3' }, maxSize: 10 * 1024 * 1024, maxFile: 3 });
    assert.deepEqual(
      [r.host.shmSize, r.host.init, r.host.oomScoreAdj, r.host.ipcMode, r.host.runtime, r.host.cgroupParent, r.host.cgroupnsMode, r.host.pidMode, r.host.utsMode, r.host.usernsMode],
      [1048576, true, -10, 'shareable', 'runc', '/custom', 'private', 'host', 'host', 'host'],
    );
    assert.deepEqual([r.host.maskedPaths, r.host.readonlyPaths], [[], []]);
    assert.deepEqual(r.host.binds, ['/h:/c:ro', 'name:/d']);
    assert.deepEqual(r.host.tmpfs, { '/t': '' });
    assert.equal(r.host.networkMode, 'mynet');
    assert.deepEqual(r.endpoints, {
      mynet: { aliases: ['web'], links: ['db'], ipv4Address: '10.0.0.5', ipv6Address: 'fd00::5', macAddress: '02:42:0a:00:00:05', driverOpts: { x: 'y' } },
    });
  });

  test('dockerode’s minimal body: everything else defaults', () => {
    const r = toCreateRequest({ Image: 'alpine', Cmd: ['echo', 'hi'], VolumesFrom: [] });
    assert.equal(r.image, 'alpine');
    assert.deepEqual(r.cmd, ['echo', 'hi']);
    assert.equal(r.host.networkMode, 'bridge');
    assert.deepEqual(r.host.restartPolicy, { name: 'no', maximumRetryCount: 0 });
    assert.deepEqual(r.host.logConfig, { type: 'json-file', config: {} });
    assert.deepEqual(r.host.resources, {});
    assert.deepEqual(r.endpoints, {});
    assert.equal(r.host.consoleSize, undefined);
    assert.equal(r.entrypoint, undefined);
  });

  test('docker-compose’s body keeps its network and aliases', () => {
    const r = toCreateRequest({
      ExposedPorts: { '80/tcp': {} },
      Env: ['A=1'],
      Image: 'nginx:alpine',
      Volumes: {},
      NetworkDisabled: false,
      HostConfig: { NetworkMode: 'proj_default', VolumesFrom: [], Binds: [], PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, Links: [], LogConfig: { Type: '', Config: {} } },
      NetworkingConfig: { EndpointsConfig: { proj_default: { Aliases: ['web'], IPAMConfig: {} } } },
      Labels: { 'com.docker.compose.project': 'proj' },
    });
    assert.equal(r.host.networkMode, 'proj_default');
    assert.deepEqual(r.endpoints, { proj_default: { aliases: ['web'] } });
    assert.equal(r.networkDisabled, false);
  });

  test('testcontainers’ port binding without HostIp', () => {
    const r = toCreateRequest({ Image: 'redis', HostConfig: { AutoRemove: false, PortBindings: { '6379/tcp': [{ HostPort: '0' }] } } });
    assert.deepEqual(r.host.portBindings, { '6379/tcp': [{ hostIp: '', hostPort: '0' }] });
  });

  test('keys in any case, null as absent, strings for StrSlice fields', () => {
    const r = toCreateRequest({
      image: 'x',
      cmd: 'echo hi',
      ENTRYPOINT: '',
      Env: null,
      labels: null,
      hostconfig: { memory: 8388608, capadd: 'NET_ADMIN', networkmode: 'none', ulimits: null, PortBindings: { '80/tcp': null }, Sysctls: { a: null } },
    });
    assert.equal(r.image, 'x');
    assert.deepEqual(r.cmd, ['echo hi']);
    assert.deepEqual(r.entrypoint, ['']);
    assert.equal(r.env, undefined);
    assert.equal(r.labels, undefined);
    assert.deepEqual(r.host.resources, { memory: 8388608 });
    assert.deepEqual(r.host.capAdd, ['NET_ADMIN']);
    assert.equal(r.host.networkMode, 'none');
    assert.deepEqual(r.host.portBindings, { '80/tcp': [] });
    assert.deepEqual(r.host.sysctls, { a: '' });
    assert.deepEqual(toCreateRequest({ Image: 'x', Entrypoint: [], Cmd: [null] }).entrypoint, []);
    assert.deepEqual(toCreateRequest({ Image: 'x', Cmd: [null] }).cmd, ['']);
    assert.equal(toCreateRequest({ Image: 'x', HostConfig: null }).host.networkMode, 'bridge');
  });

  test('the default endpoint follows the default network; an explicit bridge keeps both', () => {
    assert.deepEqual(toCreateRequest({ Image: 'x', HostConfig: { NetworkMode: '' }, NetworkingConfig: { EndpointsConfig: { default: { Aliases: ['a'] } } } }).endpoints, {
      bridge: { aliases: ['a'] },
    });
    assert.deepEqual(toCreateRequest({ Image: 'x', HostConfig: { NetworkMode: 'host' }, NetworkingConfig: { EndpointsConfig: { default: {} } } }).endpoints, {
      default: { aliases: [] },
    });
  });

  test('--mount', () => {
    const r = toCreateRequest({
      Image: 'x',
      HostConfig: {
        Mounts: [
          { Type: 'bind', Source: '/h', Target: '/c', ReadOnly: true, Consistency: 'cached', BindOptions: { Propagation: 'rslave', NonRecursive: true, CreateMountpoint: false } },
          { Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, Subpath: 'sub', DriverConfig: { Name: 'local', Options: { type: 'tmpfs' } } } },
          { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777, Options: [['exec'], ['uid', '1000']] } },
          { Type: 'volume', Target: '/w', BindOptions: {}, VolumeOptions: {}, TmpfsOptions: {} },
          {},
        ],
      },
    });
    assert.deepEqual(r.host.mounts, [
      { type: 'bind', source: '/h', target: '/c', readOnly: true, consistency: 'cached', bindOptions: { propagation: 'rslave', nonRecursive: true, createMountpoint: false } },
      { type: 'volume', source: 'v', target: '/v', readOnly: false, volumeOptions: { noCopy: true, labels: { a: 'b' }, subpath: 'sub', driverConfig: { name: 'local', options: { type: 'tmpfs' } } } },
      { type: 'tmpfs', source: '', target: '/t', readOnly: false, tmpfsOptions: { sizeBytes: 1024, mode: 0o1777, options: [['exec'], ['uid', '1000']] } },
      { type: 'volume', source: '', target: '/w', readOnly: false, bindOptions: {}, volumeOptions: {}, tmpfsOptions: {} },
      { type: '', source: '', target: '', readOnly: false },
    ]);
  });

  test('sparse entries: missing fields take Go’s zero values', () => {
    const r = toCreateRequest({
      Cmd: ['true'],
      HostConfig: {
        Devices: [{}, null],
        Ulimits: [{}],
        PortBindings: { '80/tcp': [null, {}] },
        Mounts: [null, { Type: 'volume', VolumeOptions: { DriverConfig: {} } }, { Type: 'tmpfs', TmpfsOptions: { Options: [null] } }],
        ConsoleSize: [5, null],
      },
    });
    assert.equal(r.image, '');
    assert.deepEqual(r.host.devices, [
      { pathOnHost: '', pathInContainer: '', cgroupPermissions: '' },
      { pathOnHost: '', pathInContainer: '', cgroupPermissions: '' },
    ]);
    assert.deepEqual(r.host.ulimits, [{ name: '', soft: 0, hard: 0 }]);
    assert.deepEqual(r.host.portBindings, { '80/tcp': [{ hostIp: '', hostPort: '' }, { hostIp: '', hostPort: '' }] });
    assert.deepEqual(r.host.mounts, [
      { type: '', source: '', target: '', readOnly: false },
      { type: 'volume', source: '', target: '', readOnly: false, volumeOptions: { driverConfig: { name: '', options: {} } } },
      { type: 'tmpfs', source: '', target: '', readOnly: false, tmpfsOptions: { options: [[]] } },
    ]);
    assert.deepEqual(r.host.consoleSize, { rows: 5, cols: 0 });
    assert.equal(toCreateRequest({ Image: 'x', HostConfig: { ConsoleSize: [] } }).host.consoleSize, undefined);
    expectInvalid({ Image: 'x', HostConfig: { DeviceRequests: [null] } }, 'could not select device driver "" with capabilities: []');
    expectInvalid({ Image: 'x', HostConfig: { DeviceRequests: [{ Driver: 'nvidia', Capabilities: [null] }] } }, 'could not select device driver "nvidia" with capabilities: [[]]');
    assert.deepEqual(toUpdateRequest({ RestartPolicy: { Name: 'no' } }), { resources: {}, restartPolicy: { name: 'no', maximumRetryCount: 0 } });
  });

  test('malformed bodies, in dockerd’s words', () => {
    expectInvalid(undefined, 'invalid JSON: got EOF while reading request body');
    expectInvalid(null, 'config cannot be empty in order to create a container');
    expectInvalid({}, 'config cannot be empty in order to create a container');
    expectInvalid({ HostConfig: {} }, 'config cannot be empty in order to create a container');
    expectInvalid([], 'invalid JSON: json: cannot unmarshal array into Go value of type container.CreateRequest');
    expectInvalid('x', 'invalid JSON: json: cannot unmarshal string into Go value of type container.CreateRequest');
    expectInvalid({ Image: 'x', HostConfig: { Memory: '64m' } }, 'invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.HostConfig.Memory of type int64');
    expectInvalid({ Image: 'x', HostConfig: { Memory: 1.5 } }, 'invalid JSON: json: cannot unmarshal number 1.5 into Go struct field CreateRequest.HostConfig.Memory of type int64');
    expectInvalid({ Image: 'x', HostConfig: { BlkioWeight: 70000 } }, 'invalid JSON: json: cannot unmarshal number 70000 into Go struct field CreateRequest.HostConfig.BlkioWeight of type uint16');
    expectInvalid({ Image: 'x', Env: [1] }, 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.Env of type string');
    expectInvalid({ Image: 'x', Env: 'A=1' }, 'invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Env of type []string');
    expectInvalid({ Image: 'x', Hostname: true }, 'invalid JSON: json: cannot unmarshal bool into Go struct field CreateRequest.Hostname of type string');
    expectInvalid({ Image: 'x', Tty: 'yes' }, 'invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Tty of type bool');
    expectInvalid({ Image: 'x', Cmd: 3 }, 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.Cmd of type strslice.StrSlice');
    expectInvalid({ Image: 'x', Labels: ['a'] }, 'invalid JSON: json: cannot unmarshal array into Go struct field CreateRequest.Labels of type map[string]string');
    expectInvalid({ Image: 'x', Labels: { a: 1 } }, 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.Labels of type string');
    expectInvalid({ Image: 'x', ExposedPorts: { '80/tcp': 1 } }, 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.ExposedPorts of type struct {}');
    expectInvalid({ Image: 'x', HostConfig: [] }, 'invalid JSON: json: cannot unmarshal array into Go struct field CreateRequest.HostConfig of type container.HostConfig');
    expectInvalid({ Image: 'x', HostConfig: { ConsoleSize: [-1, 0] } }, 'invalid JSON: json: cannot unmarshal number -1 into Go struct field CreateRequest.HostConfig.ConsoleSize of type uint');
    expectInvalid({ Image: 'x', HostConfig: { Devices: [3] } }, 'invalid JSON: json: cannot unmarshal number into Go struct field CreateRequest.HostConfig.Devices of type container.DeviceMapping');
    expectInvalid({ Image: 'x', HostConfig: { BlkioDeviceReadBps: {} } }, 'invalid JSON: json: cannot unmarshal object into Go struct field CreateRequest.HostConfig.BlkioDeviceReadBps of type []*blkiodev.Device');
  });

  test('refusals dockerd makes while decoding', () => {
    expectInvalid({ Image: 'x', HostConfig: { RestartPolicy: { Name: 'sometimes' } } }, "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
    expectInvalid({ Image: 'x', NetworkingConfig: { EndpointsConfig: { n: null } } }, 'invalid config for network n: EndpointsConfig is nil');
    expectInvalid({ Image: 'x', HostConfig: { Isolation: 'hyperv' } }, "invalid isolation (hyperv): linux only supports 'default'");
    expectInvalid({ Image: 'x', HostConfig: { IOMaximumBandwidth: 10 } }, 'invalid option: QoS maximum bandwidth configuration is not supported on linux');
    expectInvalid({ Image: 'x', HostConfig: { IOMaximumIOps: 10 } }, 'invalid option: QoS maximum IOPs configuration is not supported on linux');
    expectInvalid(
      { Image: 'x', HostConfig: { DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu'], ['compute', 'utility']] }] } },
      'could not select device driver "" with capabilities: [[gpu] [compute utility]]',
    );
    expectInvalid({ Image: 'x', HostConfig: { LogConfig: { Config: { 'max-file': 'x' } } } }, 'strconv.Atoi: parsing "x": invalid syntax');
    expectInvalid({ Image: 'x', HostConfig: { LogConfig: { Config: { 'max-file': '0' } } } }, 'max-file cannot be less than 1');
    expectInvalid({ Image: 'x', HostConfig: { LogConfig: { Config: { 'max-size': 'lots' } } } }, "invalid size: 'lots'");
    expectInvalid({ Image: 'x', HostConfig: { LogConfig: { Config: { 'max-size': '0' } } } }, 'max-size must be a positive number');
    expectInvalid({ Image: 'x', HostConfig: { LogConfig: { Config: { 'max-sise': '1m' } } } }, "unknown log opt 'max-sise' for json-file log driver");
    assert.equal(toCreateRequest({ Image: 'x', HostConfig: { Isolation: 'Default', LogConfig: { Type: 'local', Config: { 'max-size': '', 'max-file': '' } } } }).host.logConfig.type, 'local');
  });
});

describe('toUpdateRequest', () => {
  test('`docker update --memory 128m --restart always`: only what was given', () => {
    const body = {
      CpuShares: 0,
      Memory: 134217728,
      NanoCpus: 0,
      CgroupParent: '',
      BlkioWeight: 0,
      CpuPeriod: 0,
      CpuQuota: 0,
      CpusetCpus: '',
      MemoryReservation: 0,
      MemorySwap: 0,
      MemorySwappiness: null,
      OomKillDisable: null,
      PidsLimit: null,
      RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
    };
    assert.deepEqual(toUpdateRequest(body), { resources: { memory: 134217728 }, restartPolicy: { name: 'always', maximumRetryCount: 0 } });
  });

  test('pids limit 0 lifts the limit; an empty restart policy changes nothing', () => {
    assert.deepEqual(toUpdateRequest({ PidsLimit: 0, MemorySwappiness: 10, OomKillDisable: true, RestartPolicy: { Name: '' } }), { resources: { pidsLimit: 0 } });
    assert.deepEqual(toUpdateRequest(null), { resources: {} });
  });

  test('refusals', () => {
    assert.throws(() => toUpdateRequest(undefined), /invalid JSON: got EOF while reading request body/);
    assert.throws(() => toUpdateRequest({ Memory: 'x' }), /cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64/);
    assert.throws(() => toUpdateRequest({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } }), /maximum retry count cannot be negative/);
  });
});
