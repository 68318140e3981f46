// What `docker version` and `docker info` report: facts about the host read once at start,
// plus live counts from the stores.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface HostFacts {
  kernelVersion: string;
  operatingSystem: string;
  osVersion: string;
  /** uname -m, e.g. x86_64. */
  architecture: string;
  ncpu: number;
  memTotal: number;
  hostname: string;
  cgroupVersion: '1' | '2';
  backingFilesystem: string;
}

export interface EngineSettings {
  version: string;
  gitCommit: string;
  buildTime: string;
  dataRoot: string;
  execRoot: string;
  debug: boolean;
  storageDriver: string;
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  defaultRuntime: string;
  initBinary: string;
  insecureRegistries: string[];
  registryMirrors: string[];
  labels: string[];
  liveRestore: boolean;
}

export interface Counts {
  images: number;
  containers: number;
  containersRunning: number;
  containersPaused: number;
  containersStopped: number;
}

export interface SystemInfo extends HostFacts, Counts {
  id: string;
  settings: EngineSettings;
  driverStatus: [string, string][];
  warnings: string[];
}

export interface VersionInfo {
  version: string;
  gitCommit: string;
  buildTime: string;
  kernelVersion: string;
  os: string;
  arch: string;
}

export type CountSource = () => Counts;

const FS_MAGIC: Record<number, string> = {
  0xef53: 'extfs',
  0x58465342: 'xfs',
  0x01021994: 'tmpfs',
  0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x6969: 'nfs',
};

export async function readHostFacts(dataRoot: string): Promise<HostFacts> {
  let operatingSystem = 'Linux';
  let osVersion = '';
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const field = (k: string): string | undefined => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
    operatingSystem = field('PRETTY_NAME') ?? operatingSystem;
    osVersion = field('VERSION_ID') ?? '';
  } catch {
    // Keep the defaults: os-release is optional.
  }
  let backingFilesystem = 'unknown';
  try {
    const st = await statfs(dataRoot);
    backingFilesystem = FS_MAGIC[st.type] ?? `0x${st.type.toString(16)}`;
  } catch {
    // The data root may not exist yet in tests.
  }
  return {
    kernelVersion: os.release(),
    operatingSystem,
    osVersion,
    architecture: os.machine(),
    ncpu: os.availableParallelism(),
    memTotal: os.totalmem(),
    hostname: os.hostname(),
    // A v2-only host has cgroup.controllers at the root; hybrid hosts run containers on v1.
    cgroupVersion: existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1',
    backingFilesystem,
  };
}

/** The engine's persistent ID (Docker's `ID` in info), made once per data root. */
export async function engineId(dataRoot: string): Promise<string> {
  const file = join(dataRoot, 'engine-id');
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (id) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  await writeFileAtomic(file, `${id}\n`);
  return id;
}

export class SystemService {
  constructor(
    private readonly id: string,
    private readonly host: HostFacts,
    private readonly settings: EngineSettings,
    private readonly counts: CountSource,
  ) {}

  version(): VersionInfo {
    return {
      version: this.settings.version,
      gitCommit: this.settings.gitCommit,
      buildTime: this.settings.buildTime,
      kernelVersion: this.host.kernelVersion,
      os: 'linux',
      arch: process.arch === 'x64' ? 'amd64' : process.arch,
    };
  }

  info(): SystemInfo {
    const warnings: string[] = [];
    if (this.settings.storageDriver !== 'overlay2') {
      warnings.push(`WARNING: the ${this.settings.storageDriver} storage driver copies every layer; overlayfs is not available here`);
    }
    return {
      ...this.host,
      ...this.counts(),
      id: this.id,
      settings: this.settings,
      driverStatus:
        this.settings.storageDriver === 'overlay2'
          ? [
              ['Backing Filesystem', this.host.backingFilesystem],
              ['Supports d_type', 'true'],
              ['Using metacopy', 'false'],
              ['Native Overlay Diff', 'true'],
              ['userxattr', 'false'],
            ]
          : [],
      warnings,
    };
  }
}
