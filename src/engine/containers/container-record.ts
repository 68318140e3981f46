// What the engine keeps about a container: its spec (fixed at create), where its files are,
// and its state (changed by the lifecycle). Persisted as one JSON document per container.

import type { Digest } from '../../core/digest.js';
import type { ContainerSpec } from './spec/container-spec.js';
import type { MountPoint } from './spec/binds.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthLogEntry {
  start: string;
  end: string;
  exitCode: number;
  output: string;
}

export interface HealthState {
  status: HealthStatus;
  failingStreak: number;
  log: HealthLogEntry[];
}

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt?: string;
  finishedAt?: string;
  /** Restarts made by the restart policy since the last start by a user. */
  restartCount: number;
  /** Set by `docker stop` (or kill): an unless-stopped policy does not restart it. */
  stoppedByUser: boolean;
  health?: HealthState;
  /** The network namespace and endpoints while it runs (bridge networks only). */
  network?: NetworkState;
}

/** A container's place on one network while it runs. */
export interface EndpointState {
  networkId: string;
  endpointId: string;
  /** Dotted IPv4 address, its prefix length and the network's gateway. */
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  /** The interface inside the container (eth0, eth1, …) and its veth peer on the bridge. */
  ifname: string;
  hostIf: string;
}

/** One published port as bound: `80/tcp` → 0.0.0.0:8080. */
export interface PortBinding {
  containerPort: string;
  hostIp: string;
  hostPort: string;
}

export interface NetworkState {
  /** The bind-mounted network namespace runc joins. */
  sandbox: string;
  /** By network name. */
  endpoints: Record<string, EndpointState>;
  ports: PortBinding[];
}

export interface ContainerRecord {
  id: string;
  /** Without the leading slash. */
  name: string;
  created: string;
  imageId: Digest;
  spec: ContainerSpec;
  state: ContainerState;
  /** The snapshot holding the container's writable layer. */
  snapshotKey: string;
  /** The OCI runtime that runs it. */
  runtime: string;
  /** Named and anonymous volumes, resolved at create (`-v`, `--mount`, image VOLUMEs, --volumes-from). */
  volumes?: VolumeMount[];
  /** Bind mounts taken from other containers by --volumes-from (its own are in spec.host). */
  inheritedBinds?: MountPoint[];
}

/** A volume mounted into a container. */
export interface VolumeMount {
  name: string;
  driver: string;
  /** The host path of the volume's data (its mountpoint), as inspect shows it. */
  source: string;
  destination: string;
  readOnly: boolean;
  /** The `-v` mode as written ('' for --mount and image VOLUMEs). */
  mode: string;
  noCopy: boolean;
  subpath?: string;
  /** Made for this container (removed with it by `rm -v` and --rm). */
  anonymous: boolean;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return {
    status: 'created',
    pid: 0,
    exitCode: 0,
    error: '',
    oomKilled: false,
    restartCount: 0,
    stoppedByUser: false,
  };
}
