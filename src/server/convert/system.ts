// System domain objects → Docker's wire JSON for /version, /info and /events.

import type { EventMessageWire, VersionWire } from '../../api/types/system.js';
import { API_VERSION, MIN_API_VERSION } from '../../api/version.js';
import type { EngineEvent } from '../../engine/events/event-bus.js';
import type { SystemInfo, VersionInfo } from '../../engine/system/system-service.js';

export function toVersionWire(v: VersionInfo): VersionWire {
  const details = {
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    Os: v.os,
    Arch: v.arch,
    GitCommit: v.gitCommit,
    GoVersion: `node${process.versions.node}`,
    KernelVersion: v.kernelVersion,
    BuildTime: v.buildTime,
    Experimental: 'false',
  };
  return {
    Platform: { Name: 'berth' },
    Components: [{ Name: 'Engine', Version: v.version, Details: details }],
    Version: v.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: v.gitCommit,
    GoVersion: details.GoVersion,
    Os: v.os,
    Arch: v.arch,
    KernelVersion: v.kernelVersion,
    BuildTime: v.buildTime,
  };
}

export function toInfoWire(i: SystemInfo): Record<string, unknown> {
  const s = i.settings;
  return {
    ID: i.id,
    Containers: i.containers,
    ContainersRunning: i.containersRunning,
    ContainersPaused: i.containersPaused,
    ContainersStopped: i.containersStopped,
    Images: i.images,
    Driver: s.storageDriver,
    DriverStatus: i.driverStatus,
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'null'],
      Authorization: null,
      Log: ['json-file'],
    },
    MemoryLimit: true,
    SwapLimit: true,
    KernelMemory: false,
    KernelMemoryTCP: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    BridgeNfIptables: false,
    BridgeNfIp6tables: false,
    Debug: s.debug,
    NFd: 0,
    OomKillDisable: true,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: i.cgroupVersion,
    NEventsListener: 0,
    KernelVersion: i.kernelVersion,
    OperatingSystem: i.operatingSystem,
    OSVersion: i.osVersion,
    OSType: 'linux',
    Architecture: i.architecture,
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: null,
      AllowNondistributableArtifactsHostnames: null,
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: {},
      Mirrors: s.registryMirrors,
    },
    NCPU: i.ncpu,
    MemTotal: i.memTotal,
    GenericResources: null,
    DockerRootDir: s.dataRoot,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: i.hostname,
    Labels: s.labels,
    ExperimentalBuild: false,
    ServerVersion: s.version,
    Runtimes: s.runtimes,
    DefaultRuntime: s.defaultRuntime,
    Swarm: {
      NodeID: '',
      NodeAddr: '',
      LocalNodeState: 'inactive',
      ControlAvailable: false,
      Error: '',
      RemoteManagers: null,
    },
    LiveRestoreEnabled: s.liveRestore,
    Isolation: '',
    InitBinary: s.initBinary,
    ContainerdCommit: { ID: '' },
    RuncCommit: { ID: '' },
    InitCommit: { ID: '' },
    SecurityOptions: [],
    Warnings: i.warnings,
  };
}

export function toEventWire(e: EngineEvent): EventMessageWire {
  const time = Number(e.timeNano / 1_000_000_000n);
  const wire: EventMessageWire = {
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.actor.id, Attributes: e.actor.attributes },
    scope: e.scope,
    time,
    timeNano: e.timeNano,
  };
  // The pre-1.22 fields, still read by docker-py and the CLI's default format.
  if (e.type === 'container' || e.type === 'image') {
    wire.status = e.action;
    wire.id = e.actor.id;
    const from = e.actor.attributes.image;
    if (e.type === 'container' && from !== undefined) wire.from = from;
  }
  return wire;
}

/** JSON of an event with `timeNano` as an exact integer (a JS number would round it). */
export function eventJson(wire: EventMessageWire): string {
  return JSON.stringify(wire, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}` : v)).replace(
    /"\\u0000(\d+)"/g,
    '$1',
  );
}
