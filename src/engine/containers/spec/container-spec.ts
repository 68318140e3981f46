// A container's specification in the engine's words. Docker's create body (Config +
// HostConfig + NetworkingConfig, PascalCase) is converted once, at the API edge
// (server/convert/container-create.ts), into a CreateRequest; the engine merges it with the
// image's config by Docker's rules into a validated ContainerSpec (spec/merge.ts), and a pure
// function turns a ContainerSpec into the OCI runtime spec (spec/to-oci.ts).

import type { HealthConfig } from '../../../oci/image.js';

export interface RestartPolicy {
  name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  maximumRetryCount: number;
}

export interface Ulimit {
  name: string; // nofile, nproc … (Docker's names, without RLIMIT_)
  soft: number;
  hard: number;
}

export interface DeviceMapping {
  pathOnHost: string;
  pathInContainer: string;
  cgroupPermissions: string; // rwm
}

export interface Resources {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  memorySwappiness?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
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

/** How the container is networked; bridge networks come with the networking issue. */
export type NetworkMode = { kind: 'none' } | { kind: 'host' } | { kind: 'bridge'; name: string } | { kind: 'container'; id: string };

export interface LogConfig {
  type: string; // json-file (written by conmon in k8s-file format; see docs)
  maxSize?: number;
  maxFile?: number;
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
  /** undefined: take the image's; [] with entrypoint cleared, etc. per Docker's rules. */
  cmd?: string[];
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
  host: HostRequest;
  /** Networks named in NetworkingConfig.EndpointsConfig, with their aliases. */
  endpoints: Record<string, { aliases: string[] }>;
}

export interface HostRequest {
  binds: string[];
  mounts: unknown[];
  tmpfs: Record<string, string>;
  autoRemove: boolean;
  restartPolicy: RestartPolicy;
  networkMode: string;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  readonlyRootfs: boolean;
  securityOpt: string[];
  devices: DeviceMapping[];
  ulimits: Ulimit[];
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
  portBindings: Record<string, { hostIp: string; hostPort: string }[]>;
  publishAllPorts: boolean;
  consoleSize?: { rows: number; cols: number };
  volumesFrom: string[];
  oomScoreAdj?: number;
  ipcMode?: string;
  pidMode?: string;
  utsMode?: string;
  cgroupParent?: string;
  runtime?: string;
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
  healthcheck?: HealthConfig;
  onBuild: string[];
  network: NetworkMode;
  security: SecurityOptions;
  host: HostRequest;
}
