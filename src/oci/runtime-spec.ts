// The parts of the OCI runtime spec (config.json) berth writes. Field names are the spec's;
// see opencontainers/runtime-spec config.md and config-linux.md.

export interface OciUser {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
}

export interface OciRlimit {
  type: string; // RLIMIT_NOFILE …
  hard: number;
  soft: number;
}

export interface OciCapabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export interface OciProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: OciUser;
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciNamespace {
  type: 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'time';
  path?: string;
}

export interface OciDeviceCgroup {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciLinuxDevice {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface OciResources {
  devices?: OciDeviceCgroup[];
  memory?: {
    limit?: number;
    reservation?: number;
    swap?: number;
    kernel?: number;
    swappiness?: number;
    disableOOMKiller?: boolean;
  };
  cpu?: {
    shares?: number;
    quota?: number;
    period?: number;
    realtimeRuntime?: number;
    realtimePeriod?: number;
    cpus?: string;
    mems?: string;
  };
  pids?: { limit: number };
  blockIO?: { weight?: number };
}

export interface OciSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: 'SCMP_CMP_NE' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ';
}

export interface OciSeccompSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[];
}

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: OciSeccompSyscall[];
}

export interface OciLinux {
  namespaces?: OciNamespace[];
  uidMappings?: { containerID: number; hostID: number; size: number }[];
  gidMappings?: { containerID: number; hostID: number; size: number }[];
  devices?: OciLinuxDevice[];
  cgroupsPath?: string;
  resources?: OciResources;
  sysctl?: Record<string, string>;
  seccomp?: OciSeccomp;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  rootfsPropagation?: string;
  mountLabel?: string;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts: OciMount[];
  linux: OciLinux;
  annotations?: Record<string, string>;
}

export const OCI_VERSION = '1.0.2-dev';
