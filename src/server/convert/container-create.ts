// Docker's create body (`POST /containers/create`: the Config fields flat at the top, plus
// HostConfig and NetworkingConfig, PascalCase) → the engine's CreateRequest; and the update
// body (`POST /containers/{id}/update`) → resources and a restart policy. Decoded the way
// dockerd decodes them: keys case-insensitive, `null` as absent, unknown keys ignored, a value
// of the wrong type refused with Go's words. Defaults dockerd fills while decoding are filled
// here (NetworkMode bridge, RestartPolicy no, LogConfig json-file); the merge with the image
// and the daemon's defaults (ShmSize…) come later (engine/containers/spec/merge.ts).

import { EngineError, invalidArgument } from '../../core/errors.js';
import type {
  CreateRequest,
  DeviceMapping,
  EndpointRequest,
  HostRequest,
  LogConfig,
  MountRequest,
  Resources,
  RestartPolicy,
  Ulimit,
} from '../../engine/containers/spec/container-spec.js';
import { GoJson, type JsonObject } from '../../engine/containers/spec/go-json.js';
import { validateRestartPolicy } from '../../engine/containers/spec/validate.js';
import type { HealthConfig } from '../../oci/image.js';
import { goQuote } from '../../util/go-format.js';
import { ramInBytes } from '../../util/units.js';

export interface CreateQuery {
  /** `?name=` */
  name?: string;
  /** `?platform=`, as given. */
  platform?: string;
}

/** What `POST /containers/{id}/update` asks to change: only the fields given (non-zero). */
export interface UpdateBody {
  resources: Resources;
  restartPolicy?: RestartPolicy;
}

const CONFIG_KEYS = [
  'Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'ExposedPorts', 'Tty', 'OpenStdin',
  'StdinOnce', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint',
  'NetworkDisabled', 'MacAddress', 'OnBuild', 'Labels', 'StopSignal', 'StopTimeout', 'Shell',
];

/** The object without its undefined fields, so that optional fields stay absent. */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

export function invalidJson(message: string): EngineError {
  return invalidArgument(`invalid JSON: ${message}`);
}

/** The body as an object; `null` reads as an empty one and an empty body is refused, as dockerd does. */
export function rootObject(j: GoJson, body: unknown, goType: string): JsonObject {
  if (body === undefined) throw invalidJson('got EOF while reading request body');
  return j.root(body, goType);
}

export function toCreateRequest(body: unknown, query: CreateQuery = {}): CreateRequest {
  const j = new GoJson('CreateRequest', invalidJson);
  const o = rootObject(j, body, 'container.CreateRequest');
  // dockerd sees no Config at all when none of its keys is present (`{}`, `null`, only HostConfig).
  if (!CONFIG_KEYS.some((k) => j.get(o, k) !== undefined)) {
    throw invalidArgument('config cannot be empty in order to create a container');
  }
  const hc = j.obj(j.get(o, 'HostConfig'), 'HostConfig', 'container.HostConfig');
  const host = toHostRequest(j, hc);
  const endpoints = toEndpoints(j, j.obj(j.get(o, 'NetworkingConfig'), 'NetworkingConfig', 'network.NetworkingConfig'));
  // dockerd moves the `default` endpoint to the network that `default` stands for.
  if (host.networkMode === 'bridge' && endpoints.default) {
    endpoints.bridge = endpoints.default;
    delete endpoints.default;
  }
  const req: CreateRequest = {
    image: j.str(j.get(o, 'Image'), 'Image') ?? '',
    tty: j.bool(j.get(o, 'Tty'), 'Tty') ?? false,
    openStdin: j.bool(j.get(o, 'OpenStdin'), 'OpenStdin') ?? false,
    stdinOnce: j.bool(j.get(o, 'StdinOnce'), 'StdinOnce') ?? false,
    attachStdin: j.bool(j.get(o, 'AttachStdin'), 'AttachStdin') ?? false,
    attachStdout: j.bool(j.get(o, 'AttachStdout'), 'AttachStdout') ?? false,
    attachStderr: j.bool(j.get(o, 'AttachStderr'), 'AttachStderr') ?? false,
    host,
    endpoints,
  };
  if (query.name) req.name = query.name;
  if (query.platform) req.platform = query.platform;
  const optional = {
    hostname: j.str(j.get(o, 'Hostname'), 'Hostname'),
    domainname: j.str(j.get(o, 'Domainname'), 'Domainname'),
    user: j.str(j.get(o, 'User'), 'User'),
    env: j.strings(j.get(o, 'Env'), 'Env'),
    cmd: j.strSlice(j.get(o, 'Cmd'), 'Cmd'),
    entrypoint: j.strSlice(j.get(o, 'Entrypoint'), 'Entrypoint'),
    workingDir: j.str(j.get(o, 'WorkingDir'), 'WorkingDir'),
    labels: j.stringMap(j.get(o, 'Labels'), 'Labels'),
    stopSignal: j.str(j.get(o, 'StopSignal'), 'StopSignal'),
    stopTimeout: j.int(j.get(o, 'StopTimeout'), 'StopTimeout', 'int'),
    exposedPorts: j.keySet(j.get(o, 'ExposedPorts'), 'ExposedPorts'),
    volumes: j.keySet(j.get(o, 'Volumes'), 'Volumes'),
    healthcheck: toHealthcheck(j, j.obj(j.get(o, 'Healthcheck'), 'Healthcheck', 'container.HealthConfig')),
    argsEscaped: j.bool(j.get(o, 'ArgsEscaped'), 'ArgsEscaped'),
    macAddress: j.str(j.get(o, 'MacAddress'), 'MacAddress'),
    networkDisabled: j.bool(j.get(o, 'NetworkDisabled'), 'NetworkDisabled'),
    onBuild: j.strings(j.get(o, 'OnBuild'), 'OnBuild'),
    shell: j.strSlice(j.get(o, 'Shell'), 'Shell'),
  };
  return { ...req, ...definedOnly(optional) };
}

export function toUpdateRequest(body: unknown): UpdateBody {
  const j = new GoJson('UpdateConfig', invalidJson);
  const o = rootObject(j, body, 'container.UpdateConfig');
  // dockerd changes only what is given: zero means "leave as it is" (for PidsLimit, null does).
  const resources = toResources(j, o, '');
  // Not changeable by an update.
  delete resources.memorySwappiness;
  delete resources.oomKillDisable;
  const out: UpdateBody = { resources };
  const rp = j.obj(j.get(o, 'RestartPolicy'), 'RestartPolicy', 'container.RestartPolicy');
  const name = j.str(j.get(rp, 'Name'), 'RestartPolicy.Name') ?? '';
  if (name !== '') {
    out.restartPolicy = validateRestartPolicy({ name, maximumRetryCount: j.int(j.get(rp, 'MaximumRetryCount'), 'RestartPolicy.MaximumRetryCount', 'int') ?? 0 });
  }
  return out;
}

function toHealthcheck(j: GoJson, o: JsonObject | undefined): HealthConfig | undefined {
  if (!o) return undefined;
  const hc: HealthConfig = {};
  const test = j.strings(j.get(o, 'Test'), 'Healthcheck.Test');
  if (test) hc.Test = test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const v = j.int(j.get(o, k), `Healthcheck.${k}`, 'int64');
    if (v !== undefined) hc[k] = v;
  }
  const retries = j.int(j.get(o, 'Retries'), 'Healthcheck.Retries', 'int');
  if (retries !== undefined) hc.Retries = retries;
  return hc;
}

/** The options Docker's json-file driver takes. */
const JSON_FILE_OPTS = new Set(['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag']);

function toLogConfig(j: GoJson, o: JsonObject | undefined): LogConfig {
  const config = j.stringMap(j.get(o, 'Config'), 'HostConfig.LogConfig.Config') ?? {};
  const log: LogConfig = { type: j.str(j.get(o, 'Type'), 'HostConfig.LogConfig.Type') || 'json-file', config };
  if (log.type === 'json-file') {
    for (const key of Object.keys(config)) {
      if (!JSON_FILE_OPTS.has(key)) throw invalidArgument(`unknown log opt '${key}' for json-file log driver`);
    }
  }
  const maxSize = config['max-size'];
  if (maxSize !== undefined && maxSize !== '') {
    log.maxSize = ramInBytes(maxSize);
    if (log.maxSize <= 0) throw invalidArgument('max-size must be a positive number');
  }
  const maxFile = config['max-file'];
  if (maxFile !== undefined && maxFile !== '') {
    if (!/^[+-]?\d+$/.test(maxFile)) throw invalidArgument(`strconv.Atoi: parsing ${goQuote(maxFile)}: invalid syntax`);
    if (Number(maxFile) < 1) throw invalidArgument('max-file cannot be less than 1');
    log.maxFile = Number(maxFile);
  }
  return log;
}

function toResources(j: GoJson, o: JsonObject | undefined, prefix: string): Resources {
  const p = (k: string): string => `${prefix}${k}`;
  const int64 = (k: string): number | undefined => j.int(j.get(o, k), p(k), 'int64');
  const r: Resources = {
    memory: int64('Memory'),
    memorySwap: int64('MemorySwap'),
    memoryReservation: int64('MemoryReservation'),
    memorySwappiness: int64('MemorySwappiness'),
    nanoCpus: int64('NanoCpus'),
    cpuShares: int64('CpuShares'),
    cpuQuota: int64('CpuQuota'),
    cpuPeriod: int64('CpuPeriod'),
    cpuRealtimePeriod: int64('CpuRealtimePeriod'),
    cpuRealtimeRuntime: int64('CpuRealtimeRuntime'),
    cpusetCpus: j.str(j.get(o, 'CpusetCpus'), p('CpusetCpus')),
    cpusetMems: j.str(j.get(o, 'CpusetMems'), p('CpusetMems')),
    pidsLimit: int64('PidsLimit'),
    oomKillDisable: j.bool(j.get(o, 'OomKillDisable'), p('OomKillDisable')),
    blkioWeight: j.int(j.get(o, 'BlkioWeight'), p('BlkioWeight'), 'uint16'),
  };
  // Zero is what Go leaves in a field that was not sent; keep the spec free of it.
  for (const k of Object.keys(r) as (keyof Resources)[]) {
    const v = r[k];
    if (v === undefined || ((v === 0 || v === '') && k !== 'pidsLimit' && k !== 'memorySwappiness')) delete r[k];
  }
  // Limits on block devices need their numbers from the host; berth does not apply them yet.
  for (const k of ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps']) {
    j.array(j.get(o, k), p(k), '[]*blkiodev.Device');
  }
  return r;
}

function toDevices(j: GoJson, v: unknown): DeviceMapping[] {
  return (j.array(v, 'HostConfig.Devices', '[]container.DeviceMapping') ?? []).map((e) => {
    const d = j.obj(e, 'HostConfig.Devices', 'container.DeviceMapping') ?? {};
    return {
      pathOnHost: j.str(j.get(d, 'PathOnHost'), 'HostConfig.Devices.PathOnHost') ?? '',
      pathInContainer: j.str(j.get(d, 'PathInContainer'), 'HostConfig.Devices.PathInContainer') ?? '',
      cgroupPermissions: j.str(j.get(d, 'CgroupPermissions'), 'HostConfig.Devices.CgroupPermissions') ?? '',
    };
  });
}

function toUlimits(j: GoJson, v: unknown): Ulimit[] {
  return (j.array(v, 'HostConfig.Ulimits', '[]*container.Ulimit') ?? []).flatMap((e) => {
    const u = j.obj(e, 'HostConfig.Ulimits', 'container.Ulimit');
    if (!u) return [];
    return [
      {
        name: j.str(j.get(u, 'Name'), 'HostConfig.Ulimits.Name') ?? '',
        soft: j.int(j.get(u, 'Soft'), 'HostConfig.Ulimits.Soft', 'int64') ?? 0,
        hard: j.int(j.get(u, 'Hard'), 'HostConfig.Ulimits.Hard', 'int64') ?? 0,
      },
    ];
  });
}

function toPortBindings(j: GoJson, v: unknown): HostRequest['portBindings'] {
  const o = j.obj(v, 'HostConfig.PortBindings', 'nat.PortMap') ?? {};
  const out: HostRequest['portBindings'] = {};
  for (const [port, list] of Object.entries(o)) {
    out[port] = (j.array(list, 'HostConfig.PortBindings', '[]nat.PortBinding') ?? []).map((e) => {
      const b = j.obj(e, 'HostConfig.PortBindings', 'nat.PortBinding') ?? {};
      return {
        hostIp: j.str(j.get(b, 'HostIp'), 'HostConfig.PortBindings.HostIp') ?? '',
        hostPort: j.str(j.get(b, 'HostPort'), 'HostConfig.PortBindings.HostPort') ?? '',
      };
    });
  }
  return out;
}

function toMounts(j: GoJson, v: unknown): MountRequest[] {
  const path = 'HostConfig.Mounts';
  return (j.array(v, path, '[]mount.Mount') ?? []).map((e) => {
    const m = j.obj(e, path, 'mount.Mount') ?? {};
    const out: MountRequest = {
      type: j.str(j.get(m, 'Type'), `${path}.Type`) ?? '',
      source: j.str(j.get(m, 'Source'), `${path}.Source`) ?? '',
      target: j.str(j.get(m, 'Target'), `${path}.Target`) ?? '',
      readOnly: j.bool(j.get(m, 'ReadOnly'), `${path}.ReadOnly`) ?? false,
    };
    const consistency = j.str(j.get(m, 'Consistency'), `${path}.Consistency`);
    if (consistency) out.consistency = consistency;
    const bo = j.obj(j.get(m, 'BindOptions'), `${path}.BindOptions`, 'mount.BindOptions');
    if (bo) {
      out.bindOptions = {};
      const propagation = j.str(j.get(bo, 'Propagation'), `${path}.BindOptions.Propagation`);
      if (propagation) out.bindOptions.propagation = propagation;
      for (const [key, name] of [
        ['NonRecursive', 'nonRecursive'],
        ['CreateMountpoint', 'createMountpoint'],
        ['ReadOnlyNonRecursive', 'readOnlyNonRecursive'],
        ['ReadOnlyForceRecursive', 'readOnlyForceRecursive'],
      ] as const) {
        const b = j.bool(j.get(bo, key), `${path}.BindOptions.${key}`);
        if (b !== undefined) out.bindOptions[name] = b;
      }
    }
    const vo = j.obj(j.get(m, 'VolumeOptions'), `${path}.VolumeOptions`, 'mount.VolumeOptions');
    if (vo) {
      out.volumeOptions = {};
      const noCopy = j.bool(j.get(vo, 'NoCopy'), `${path}.VolumeOptions.NoCopy`);
      const labels = j.stringMap(j.get(vo, 'Labels'), `${path}.VolumeOptions.Labels`);
      const subpath = j.str(j.get(vo, 'Subpath'), `${path}.VolumeOptions.Subpath`);
      const dc = j.obj(j.get(vo, 'DriverConfig'), `${path}.VolumeOptions.DriverConfig`, 'mount.Driver');
      if (noCopy !== undefined) out.volumeOptions.noCopy = noCopy;
      if (labels) out.volumeOptions.labels = labels;
      if (subpath) out.volumeOptions.subpath = subpath;
      if (dc) {
        out.volumeOptions.driverConfig = {
          name: j.str(j.get(dc, 'Name'), `${path}.VolumeOptions.DriverConfig.Name`) ?? '',
          options: j.stringMap(j.get(dc, 'Options'), `${path}.VolumeOptions.DriverConfig.Options`) ?? {},
        };
      }
    }
    const to = j.obj(j.get(m, 'TmpfsOptions'), `${path}.TmpfsOptions`, 'mount.TmpfsOptions');
    if (to) {
      out.tmpfsOptions = {};
      const size = j.int(j.get(to, 'SizeBytes'), `${path}.TmpfsOptions.SizeBytes`, 'int64');
      const mode = j.int(j.get(to, 'Mode'), `${path}.TmpfsOptions.Mode`, 'uint32');
      const opts = j.array(j.get(to, 'Options'), `${path}.TmpfsOptions.Options`, '[][]string');
      if (size !== undefined) out.tmpfsOptions.sizeBytes = size;
      if (mode !== undefined) out.tmpfsOptions.mode = mode;
      if (opts) out.tmpfsOptions.options = opts.map((e) => j.strings(e, `${path}.TmpfsOptions.Options`) ?? []);
    }
    return out;
  });
}

function toEndpoints(j: GoJson, nc: JsonObject | undefined): Record<string, EndpointRequest> {
  const path = 'NetworkingConfig.EndpointsConfig';
  const ec = j.obj(j.get(nc, 'EndpointsConfig'), path, 'map[string]*network.EndpointSettings') ?? {};
  const out: Record<string, EndpointRequest> = {};
  for (const [name, v] of Object.entries(ec)) {
    const e = j.obj(v, path, 'network.EndpointSettings');
    if (!e) throw invalidArgument(`invalid config for network ${name}: EndpointsConfig is nil`);
    out[name] = toEndpoint(j, e, path);
  }
  return out;
}

/** One network.EndpointSettings (also the EndpointConfig of `POST /networks/{id}/connect`). */
export function toEndpoint(j: GoJson, e: JsonObject | undefined, path: string): EndpointRequest {
  const ep: EndpointRequest = { aliases: j.strings(j.get(e, 'Aliases'), `${path}.Aliases`) ?? [] };
  const links = j.strings(j.get(e, 'Links'), `${path}.Links`);
  const ipam = j.obj(j.get(e, 'IPAMConfig'), `${path}.IPAMConfig`, 'network.EndpointIPAMConfig');
  const ipv4 = j.str(j.get(ipam, 'IPv4Address'), `${path}.IPAMConfig.IPv4Address`);
  const ipv6 = j.str(j.get(ipam, 'IPv6Address'), `${path}.IPAMConfig.IPv6Address`);
  const mac = j.str(j.get(e, 'MacAddress'), `${path}.MacAddress`);
  const driverOpts = j.stringMap(j.get(e, 'DriverOpts'), `${path}.DriverOpts`);
  if (links && links.length > 0) ep.links = links;
  if (ipv4) ep.ipv4Address = ipv4;
  if (ipv6) ep.ipv6Address = ipv6;
  if (mac) ep.macAddress = mac;
  if (driverOpts) ep.driverOpts = driverOpts;
  return ep;
}

/** Go's %v of [][]string: `[[gpu] [compute utility]]`. */
function goNested(list: string[][]): string {
  return `[${list.map((l) => `[${l.join(' ')}]`).join(' ')}]`;
}

function toHostRequest(j: GoJson, hc: JsonObject | undefined): HostRequest {
  const H = 'HostConfig.';
  const s = (k: string): string | undefined => j.str(j.get(hc, k), H + k);
  const b = (k: string): boolean | undefined => j.bool(j.get(hc, k), H + k);
  const list = (k: string): string[] => j.strings(j.get(hc, k), H + k) ?? [];

  // Fields berth drops: refuse what dockerd refuses on Linux rather than ignore it silently.
  const isolation = s('Isolation') ?? '';
  if (!['', 'default'].includes(isolation.toLowerCase())) throw invalidArgument(`invalid isolation (${isolation}): linux only supports 'default'`);
  if (j.int(j.get(hc, 'IOMaximumBandwidth'), `${H}IOMaximumBandwidth`, 'uint64')) {
    throw invalidArgument('invalid option: QoS maximum bandwidth configuration is not supported on linux');
  }
  if (j.int(j.get(hc, 'IOMaximumIOps'), `${H}IOMaximumIOps`, 'uint64')) {
    throw invalidArgument('invalid option: QoS maximum IOPs configuration is not supported on linux');
  }
  for (const e of j.array(j.get(hc, 'DeviceRequests'), `${H}DeviceRequests`, '[]container.DeviceRequest') ?? []) {
    const d = j.obj(e, `${H}DeviceRequests`, 'container.DeviceRequest') ?? {};
    const caps = (j.array(j.get(d, 'Capabilities'), `${H}DeviceRequests.Capabilities`, '[][]string') ?? []).map(
      (c) => j.strings(c, `${H}DeviceRequests.Capabilities`) ?? [],
    );
    const driver = j.str(j.get(d, 'Driver'), `${H}DeviceRequests.Driver`) ?? '';
    throw invalidArgument(`could not select device driver ${goQuote(driver)} with capabilities: ${goNested(caps)}`);
  }

  const rp = j.obj(j.get(hc, 'RestartPolicy'), `${H}RestartPolicy`, 'container.RestartPolicy');
  const networkMode = s('NetworkMode') ?? '';
  const consoleSize = j.array(j.get(hc, 'ConsoleSize'), `${H}ConsoleSize`, '[2]uint');
  const [rows = 0, cols = 0] = (consoleSize ?? []).slice(0, 2).map((n) => j.int(n, `${H}ConsoleSize`, 'uint') ?? 0);
  const host: HostRequest = {
    binds: list('Binds'),
    mounts: toMounts(j, j.get(hc, 'Mounts')),
    tmpfs: j.stringMap(j.get(hc, 'Tmpfs'), `${H}Tmpfs`) ?? {},
    autoRemove: b('AutoRemove') ?? false,
    restartPolicy: validateRestartPolicy({
      name: j.str(j.get(rp, 'Name'), `${H}RestartPolicy.Name`) ?? '',
      maximumRetryCount: j.int(j.get(rp, 'MaximumRetryCount'), `${H}RestartPolicy.MaximumRetryCount`, 'int') ?? 0,
    }),
    // "" and `default` name the default network, which is `bridge` on Linux.
    networkMode: networkMode === '' || networkMode === 'default' ? 'bridge' : networkMode,
    privileged: b('Privileged') ?? false,
    capAdd: j.strSlice(j.get(hc, 'CapAdd'), `${H}CapAdd`) ?? [],
    capDrop: j.strSlice(j.get(hc, 'CapDrop'), `${H}CapDrop`) ?? [],
    readonlyRootfs: b('ReadonlyRootfs') ?? false,
    securityOpt: list('SecurityOpt'),
    devices: toDevices(j, j.get(hc, 'Devices')),
    deviceCgroupRules: list('DeviceCgroupRules'),
    ulimits: toUlimits(j, j.get(hc, 'Ulimits')),
    sysctls: j.stringMap(j.get(hc, 'Sysctls'), `${H}Sysctls`) ?? {},
    groupAdd: list('GroupAdd'),
    resources: toResources(j, hc, H),
    logConfig: toLogConfig(j, j.obj(j.get(hc, 'LogConfig'), `${H}LogConfig`, 'container.LogConfig')),
    dns: list('Dns'),
    dnsSearch: list('DnsSearch'),
    dnsOptions: list('DnsOptions'),
    extraHosts: list('ExtraHosts'),
    links: list('Links'),
    portBindings: toPortBindings(j, j.get(hc, 'PortBindings')),
    publishAllPorts: b('PublishAllPorts') ?? false,
    volumesFrom: list('VolumesFrom'),
    annotations: j.stringMap(j.get(hc, 'Annotations'), `${H}Annotations`) ?? {},
  };
  const optional = {
    shmSize: j.int(j.get(hc, 'ShmSize'), `${H}ShmSize`, 'int64') || undefined,
    init: b('Init'),
    consoleSize: rows > 0 || cols > 0 ? { rows, cols } : undefined,
    oomScoreAdj: j.int(j.get(hc, 'OomScoreAdj'), `${H}OomScoreAdj`, 'int') || undefined,
    ipcMode: s('IpcMode') || undefined,
    pidMode: s('PidMode') || undefined,
    utsMode: s('UTSMode') || undefined,
    usernsMode: s('UsernsMode') || undefined,
    cgroupnsMode: s('CgroupnsMode') || undefined,
    cgroupParent: s('CgroupParent') || undefined,
    runtime: s('Runtime') || undefined,
    maskedPaths: j.strings(j.get(hc, 'MaskedPaths'), `${H}MaskedPaths`),
    readonlyPaths: j.strings(j.get(hc, 'ReadonlyPaths'), `${H}ReadonlyPaths`),
  };
  return { ...host, ...definedOnly(optional) };
}
