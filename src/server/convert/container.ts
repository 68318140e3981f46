// Container records → Docker's wire JSON: inspect (engine-api.md §8.4), the list summary
// (§8.3) and the Status text `docker ps` prints.

import type { ContainerRecord } from '../../engine/containers/container-record.js';
import { planMounts } from '../../engine/containers/spec/binds.js';
import type { HostRequest } from '../../engine/containers/spec/container-spec.js';
import { humanDuration } from '../../util/units.js';

const ZERO = '0001-01-01T00:00:00Z';

export interface InspectExtras {
  rootDir: string;
  execIds: string[];
  driver: string;
  sizeRw?: number;
  sizeRootFs?: number;
}

/** `Up 5 seconds`, `Exited (0) 3 minutes ago`… (moby container/state.go). */
export function statusText(rec: ContainerRecord, now = Date.now()): string {
  const st = rec.state;
  const since = (iso: string | undefined): string => humanDuration(Math.max(0, now - new Date(iso ?? now).getTime()));
  const health = st.health
    ? st.health.status === 'starting'
      ? ' (health: starting)'
      : ` (${st.health.status})`
    : '';
  switch (st.status) {
    case 'running':
      return `Up ${since(st.startedAt)}${health}`;
    case 'paused':
      return `Up ${since(st.startedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${st.exitCode}) ${since(st.finishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      if (!st.finishedAt || st.finishedAt === ZERO) return 'Created';
      return `Exited (${st.exitCode}) ${since(st.finishedAt)} ago`;
    default:
      return 'Created';
  }
}

export function commandText(rec: ContainerRecord): string {
  return [...rec.spec.entrypoint, ...rec.spec.cmd].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
}

function networkName(rec: ContainerRecord): string {
  const n = rec.spec.network;
  if (n.kind === 'none' || n.kind === 'host') return n.kind;
  if (n.kind === 'container') return `container:${n.id}`;
  return n.name;
}

/** The networks a container is connected to, each with its live endpoint if it runs. */
function networksWire(rec: ContainerRecord): Record<string, Record<string, unknown>> {
  const n = rec.spec.network;
  const names = n.kind === 'bridge' ? [n.name, ...Object.keys(rec.spec.endpoints).filter((x) => x !== n.name)] : [networkName(rec)];
  return Object.fromEntries(names.map((name) => [name, endpointWire(rec, name)]));
}

function endpointWire(rec: ContainerRecord, name: string): Record<string, unknown> {
  const req = rec.spec.endpoints[name];
  const live = rec.state.network?.endpoints[name];
  const userNet = rec.spec.network.kind === 'bridge' && name !== 'bridge';
  return {
    IPAMConfig: req?.ipv4Address ? { IPv4Address: req.ipv4Address } : null,
    Links: req?.links ?? null,
    Aliases: req && req.aliases.length > 0 ? req.aliases : null,
    MacAddress: live?.mac ?? '',
    DriverOpts: req?.driverOpts ?? null,
    GwPriority: 0,
    NetworkID: live?.networkId ?? '',
    EndpointID: live?.endpointId ?? '',
    Gateway: live?.gateway ?? '',
    IPAddress: live?.ip ?? '',
    IPPrefixLen: live?.prefixLen ?? 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: live && userNet ? [rec.name, rec.id.slice(0, 12), ...(req?.aliases ?? [])] : null,
  };
}

/** Mounts as Docker lists them: binds and tmpfs (validated at create, so they parse), binds from --volumes-from, then volumes. */
function mountsWire(rec: ContainerRecord): Record<string, unknown>[] {
  let points;
  try {
    points = [...planMounts(rec.spec.host.binds, rec.spec.host.mounts).points, ...(rec.inheritedBinds ?? [])];
  } catch {
    return [];
  }
  const volumes = (rec.volumes ?? []).map((v) => ({
    Type: 'volume',
    Name: v.name,
    Source: v.subpath ? `${v.source}/${v.subpath}` : v.source,
    Destination: v.destination,
    Driver: v.driver,
    Mode: v.mode,
    RW: !v.readOnly,
    Propagation: '',
  }));
  return [
    ...points.map((p) => ({
      Type: p.type,
      Source: p.source,
      Destination: p.destination,
      Mode: p.mode,
      RW: p.rw,
      Propagation: p.propagation,
    })),
    ...volumes,
  ];
}

/** `NetworkSettings.Ports`: bound ports with their host side, exposed ones as null; empty when stopped. */
function portsWire(rec: ContainerRecord): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  if (rec.state.status !== 'running' && rec.state.status !== 'paused') return out;
  for (const p of Object.keys(rec.spec.exposedPorts)) out[p] = null;
  for (const b of rec.state.network?.ports ?? []) (out[b.containerPort] ??= []).push({ HostIp: b.hostIp, HostPort: b.hostPort });
  return out;
}

/** The summary's `Ports`: each binding, then exposed ports nothing is bound to. */
function portsSummary(rec: ContainerRecord): Record<string, unknown>[] {
  const bound = rec.state.status === 'running' || rec.state.status === 'paused' ? (rec.state.network?.ports ?? []) : [];
  const out: Record<string, unknown>[] = bound.map((b) => {
    const [port, type] = b.containerPort.split('/');
    return { IP: b.hostIp, PrivatePort: Number(port), PublicPort: Number(b.hostPort), Type: type ?? 'tcp' };
  });
  for (const p of Object.keys(rec.spec.exposedPorts)) {
    if (bound.some((b) => b.containerPort === p)) continue;
    const [port, type] = p.split('/');
    out.push({ PrivatePort: Number(port), Type: type ?? 'tcp' });
  }
  return out;
}

export function toContainerSummaryWire(rec: ContainerRecord, imageId: string): Record<string, unknown> {
  const net = networkName(rec);
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.spec.image,
    ImageID: imageId,
    Command: commandText(rec),
    Created: Math.floor(new Date(rec.created).getTime() / 1000),
    Ports: portsSummary(rec),
    Labels: rec.spec.labels,
    State: rec.state.status,
    Status: statusText(rec),
    HostConfig: { NetworkMode: net },
    NetworkSettings: { Networks: networksWire(rec) },
    Mounts: mountsWire(rec),
  };
}

function hostConfigWire(h: HostRequest, rec: ContainerRecord): Record<string, unknown> {
  const r = h.resources;
  return {
    Binds: h.binds.length > 0 ? h.binds : null,
    ContainerIDFile: '',
    LogConfig: {
      Type: h.logConfig.type,
      // As sent (`2k` stays `2k`), as Docker shows it.
      Config: { ...h.logConfig.config },
    },
    NetworkMode: h.networkMode === 'default' ? 'bridge' : h.networkMode,
    PortBindings: Object.fromEntries(
      Object.entries(h.portBindings).map(([k, v]) => [k, v.map((b) => ({ HostIp: b.hostIp, HostPort: b.hostPort }))]),
    ),
    RestartPolicy: { Name: h.restartPolicy.name, MaximumRetryCount: h.restartPolicy.maximumRetryCount },
    AutoRemove: h.autoRemove,
    VolumeDriver: '',
    VolumesFrom: h.volumesFrom.length > 0 ? h.volumesFrom : null,
    ConsoleSize: h.consoleSize ? [h.consoleSize.rows, h.consoleSize.cols] : [0, 0],
    CapAdd: h.capAdd.length > 0 ? h.capAdd : null,
    CapDrop: h.capDrop.length > 0 ? h.capDrop : null,
    CgroupnsMode: 'host',
    Dns: h.dns,
    DnsOptions: h.dnsOptions,
    DnsSearch: h.dnsSearch,
    ExtraHosts: h.extraHosts.length > 0 ? h.extraHosts : null,
    GroupAdd: h.groupAdd.length > 0 ? h.groupAdd : null,
    IpcMode: h.ipcMode ?? 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: h.oomScoreAdj ?? 0,
    PidMode: h.pidMode ?? '',
    Privileged: h.privileged,
    PublishAllPorts: h.publishAllPorts,
    ReadonlyRootfs: h.readonlyRootfs,
    SecurityOpt: h.securityOpt.length > 0 ? h.securityOpt : null,
    UTSMode: h.utsMode ?? '',
    UsernsMode: '',
    ShmSize: h.shmSize ?? 67108864,
    Runtime: rec.runtime,
    Isolation: '',
    CpuShares: r.cpuShares ?? 0,
    Memory: r.memory ?? 0,
    NanoCpus: r.nanoCpus ?? 0,
    CgroupParent: h.cgroupParent ?? '',
    BlkioWeight: r.blkioWeight ?? 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: r.cpuPeriod ?? 0,
    CpuQuota: r.cpuQuota ?? 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: r.cpusetCpus ?? '',
    CpusetMems: r.cpusetMems ?? '',
    Devices: h.devices.map((d) => ({ PathOnHost: d.pathOnHost, PathInContainer: d.pathInContainer, CgroupPermissions: d.cgroupPermissions })),
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: r.memoryReservation ?? 0,
    MemorySwap: r.memorySwap ?? 0,
    MemorySwappiness: r.memorySwappiness ?? null,
    OomKillDisable: r.oomKillDisable ?? false,
    PidsLimit: r.pidsLimit ?? null,
    Ulimits: h.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: null,
    ReadonlyPaths: null,
    Init: h.init ?? null,
    Sysctls: Object.keys(h.sysctls).length > 0 ? h.sysctls : undefined,
    Tmpfs: Object.keys(h.tmpfs).length > 0 ? h.tmpfs : undefined,
  };
}

export function toContainerInspectWire(rec: ContainerRecord, extras: InspectExtras): Record<string, unknown> {
  const st = rec.state;
  const spec = rec.spec;
  const dir = `${extras.rootDir}/${rec.id}`;
  const bridge = rec.state.network?.endpoints.bridge;
  const wire: Record<string, unknown> = {
    Id: rec.id,
    Created: rec.created,
    Path: [...spec.entrypoint, ...spec.cmd][0] ?? '',
    Args: [...spec.entrypoint, ...spec.cmd].slice(1),
    State: {
      Status: st.status,
      Running: st.status === 'running' || st.status === 'paused',
      Paused: st.status === 'paused',
      Restarting: st.status === 'restarting',
      OOMKilled: st.oomKilled,
      Dead: st.status === 'dead',
      Pid: st.pid,
      ExitCode: st.exitCode,
      Error: st.error,
      StartedAt: st.startedAt ?? ZERO,
      FinishedAt: st.finishedAt ?? ZERO,
      ...(st.health
        ? {
            Health: {
              Status: st.health.status,
              FailingStreak: st.health.failingStreak,
              Log: st.health.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exitCode, Output: l.output })),
            },
          }
        : {}),
    },
    Image: rec.imageId,
    ResolvConfPath: `${dir}/resolv.conf`,
    HostnamePath: `${dir}/hostname`,
    HostsPath: `${dir}/hosts`,
    LogPath: `${dir}/container.log`,
    Name: `/${rec.name}`,
    RestartCount: st.restartCount,
    Driver: extras.driver,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: extras.execIds.length > 0 ? extras.execIds : null,
    HostConfig: hostConfigWire(spec.host, rec),
    GraphDriver: { Name: extras.driver, Data: null },
    Mounts: mountsWire(rec),
    Config: {
      Hostname: spec.hostname,
      Domainname: spec.domainname,
      User: spec.user,
      AttachStdin: spec.attachStdin,
      AttachStdout: spec.attachStdout,
      AttachStderr: spec.attachStderr,
      ...(Object.keys(spec.exposedPorts).length > 0 ? { ExposedPorts: spec.exposedPorts } : {}),
      Tty: spec.tty,
      OpenStdin: spec.openStdin,
      StdinOnce: spec.stdinOnce,
      Env: spec.env,
      Cmd: spec.cmd.length > 0 ? spec.cmd : null,
      ...(spec.healthcheck ? { Healthcheck: spec.healthcheck } : {}),
      Image: spec.image,
      Volumes: Object.keys(spec.volumes).length > 0 ? spec.volumes : null,
      WorkingDir: spec.workingDir,
      Entrypoint: spec.entrypoint.length > 0 ? spec.entrypoint : null,
      OnBuild: spec.onBuild.length > 0 ? spec.onBuild : null,
      Labels: spec.labels,
      ...(spec.stopSignal ? { StopSignal: spec.stopSignal } : {}),
      ...(spec.stopTimeout !== undefined ? { StopTimeout: spec.stopTimeout } : {}),
    },
    NetworkSettings: {
      // The top-level address fields describe the default bridge only, as in dockerd.
      Bridge: '',
      SandboxID: rec.state.network ? rec.id : '',
      SandboxKey: rec.state.network?.sandbox ?? '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: portsWire(rec),
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: bridge?.endpointId ?? '',
      Gateway: bridge?.gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: bridge?.ip ?? '',
      IPPrefixLen: bridge?.prefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: bridge?.mac ?? '',
      Networks: networksWire(rec),
    },
  };
  if (extras.sizeRw !== undefined) wire.SizeRw = extras.sizeRw;
  if (extras.sizeRootFs !== undefined) wire.SizeRootFs = extras.sizeRootFs;
  return wire;
}

/** `SizeRw` and `SizeRootFs` as the list and `system df` carry them. */
export function sizesWire(s: { sizeRw: number; sizeRootFs: number }): { SizeRw: number; SizeRootFs: number } {
  return { SizeRw: s.sizeRw, SizeRootFs: s.sizeRootFs };
}
