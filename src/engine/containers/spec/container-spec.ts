// A container's specification in the engine's words. Docker's create body (Config +
// HostConfig + NetworkingConfig, PascalCase) is converted once, at the API edge
// (server/convert/container-create.ts), into a CreateRequest; the engine merges it with the
// image's config by Docker's rules into a validated ContainerSpec (spec/merge.ts), and a pure
// function turns a ContainerSpec into the OCI runtime spec (spec/to-oci.ts).
//
// A CreateRequest keeps what the client sent (inspect shows HostConfig as sent, defaults
// filled in); a ContainerSpec adds what the merge decided. `undefined` means "not given".

import type { HealthConfig } from '../../../oci/image.js';

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  name: RestartPolicyName;
  maximumRetryCount: number;
}

export interface Ulimit {
  name: string; // nofile, nproc … (Docker's names, without RLIMIT_)
  /** -1 is unlimited (RLIM_INFINITY), as in Docker. */
  soft: number;
  hard: number;
}

export interface DeviceMapping {
  pathOnHost: string;
  /** Empty in a request means the same path as on the host. */
  pathInContainer: string;
  cgroupPermissions: string; // rwm
}

export interface Resources {
  memory?: number;
  /** Memory + swap; -1 is unlimited swap. The merge defaults it to twice `memory`. */
  memorySwap?: number;
  memoryReservation?: number;
  /** 0–100; Docker's -1 ("unset") is dropped by the merge. */
  memorySwappiness?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuRealtimePeriod?: number;
  cpuRealtimeRuntime?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** <= 0 is unlimited. */
  pidsLimit?: number;
  oomKillDisable?: boolean;
  blkioWeight?: number;
}

export type SeccompSetting = { kind: 'default' } | { kind: 'unconfined' } | { kind: 'profile'; json: string };

export interface SecurityOptions {
  noNewPrivileges: boolean;
  seccomp: SeccompSetting;
  /** Other --security-opt values kept as given (label=…, apparmor=…): accepted, not applied. */
  other: string[];
}

/**
 * How the container is networked. `bridge` carries the network's name: `bridge` for the
 * default network, or a user-defined network's name.
 */
export type NetworkMode = { kind: 'none' } | { kind: 'host' } | { kind: 'bridge'; name: string } | { kind: 'container'; id: string };

export interface LogConfig {
  type: string; // json-file (written by conmon in k8s-file format; see docs)
  /** The driver options as sent (`max-size`, `max-file`, …). */
  config: Record<string, string>;
  /** `max-size` in bytes, parsed. */
  maxSize?: number;
  /** `max-file`, parsed. */
  maxFile?: number;
}

/** One `--mount` (HostConfig.Mounts entry). Resolved by the volume layer, not here. */
export interface MountRequest {
  type: string; // bind | volume | tmpfs | image | npipe | cluster
  source: string;
  target: string;
  readOnly: boolean;
  consistency?: string;
  bindOptions?: {
    propagation?: string;
    nonRecursive?: boolean;
    createMountpoint?: boolean;
    readOnlyNonRecursive?: boolean;
    readOnlyForceRecursive?: boolean;
  };
  volumeOptions?: {
    noCopy?: boolean;
    labels?: Record<string, string>;
    subpath?: string;
    driverConfig?: { name: string; options: Record<string, string> };
  };
  tmpfsOptions?: { sizeBytes?: number; mode?: number; options?: string[][] };
}

/** A network the container joins, from NetworkingConfig.EndpointsConfig. */
export interface EndpointRequest {
  aliases: string[];
  links?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  macAddress?: string;
  driverOpts?: Record<string, string>;
}

/** What the client asked for, before the image's config is merged in. */
export interface CreateRequest {
  name?: string;
  /** The image as the client typed it (kept for inspect and ps). */
  image: string;
  platform?: string;
  hostname?: string;
  domainname?: string;
  user?: string;
  env?: string[];
  /** undefined or []: take the image's (unless an entrypoint is given). */
  cmd?: string[];
  /**
   * undefined: the image's. [] (non-null, empty): no entrypoint, and the image's Cmd still
   * applies. [""] (`--entrypoint ""`): no entrypoint, and the image's Cmd does not apply.
   */
  entrypoint?: string[];
  workingDir?: string;
  labels?: Record<string, string>;
  stopSignal?: string;
  stopTimeout?: number;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  exposedPorts?: Record<string, object>;
  volumes?: Record<string, object>;
  healthcheck?: HealthConfig;
  argsEscaped?: boolean;
  macAddress?: string;
  networkDisabled?: boolean;
  onBuild?: string[];
  shell?: string[];
  host: HostRequest;
  /** Networks named in NetworkingConfig.EndpointsConfig, with their settings. */
  endpoints: Record<string, EndpointRequest>;
}

export interface HostRequest {
  binds: string[];
  mounts: MountRequest[];
  tmpfs: Record<string, string>;
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  /** As sent; the converter maps "" and `default` to `bridge`, as moby does. */
  networkMode: string;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  readonlyRootfs: boolean;
  securityOpt: string[];
  devices: DeviceMapping[];
  deviceCgroupRules: string[];
  ulimits: Ulimit[];
  /** Bytes; 0 or undefined: the daemon default (64 MiB), filled in by the merge. */
  shmSize?: number;
  sysctls: Record<string, string>;
  init?: boolean;
  groupAdd: string[];
  resources: Resources;
  logConfig: LogConfig;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  extraHosts: string[];
  links: string[];
  portBindings: Record<string, { hostIp: string; hostPort: string }[]>;
  publishAllPorts: boolean;
  consoleSize?: { rows: number; cols: number };
  volumesFrom: string[];
  oomScoreAdj?: number;
  ipcMode?: string;
  pidMode?: string;
  utsMode?: string;
  usernsMode?: string;
  cgroupnsMode?: string;
  cgroupParent?: string;
  runtime?: string;
  annotations: Record<string, string>;
  /** Replace Docker's default masked / read-only paths when given (`systempaths=unconfined` sends []). */
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

/** The host settings after the merge: the request's, with the daemon's defaults filled in. */
export interface HostSpec extends HostRequest {
  shmSize: number;
  /** `private` unless the request said otherwise. */
  ipcMode: string;
}

/** The merged, validated specification the engine stores and runs. */
export interface ContainerSpec {
  image: string;
  hostname: string;
  domainname: string;
  user: string;
  env: string[];
  /** The process: entrypoint + cmd after Docker's merge rules. */
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  labels: Record<string, string>;
  stopSignal: string;
  stopTimeout?: number;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  exposedPorts: Record<string, object>;
  volumes: Record<string, object>;
  /** As merged; a Test of ["NONE"] means disabled (see healthcheckDisabled in merge.ts). */
  healthcheck?: HealthConfig;
  onBuild: string[];
  argsEscaped?: boolean;
  macAddress?: string;
  networkDisabled: boolean;
  network: NetworkMode;
  endpoints: Record<string, EndpointRequest>;
  security: SecurityOptions;
  host: HostSpec;
}
