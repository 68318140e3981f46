// What this host can give a container, read once or per start: device nodes (for --device and
// --privileged), the capabilities berthd itself holds (a privileged container gets those, not
// every capability the kernel knows: runc cannot grant what its caller lacks), the kernel
// version (for the seccomp profile's conditions) and the paths dockerd masks besides its list.

import { readFile, readdir, stat } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';

export interface HostDeviceNode {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  /** Permission bits (st_mode without the file type). */
  fileMode: number;
  uid: number;
  gid: number;
}

/** Directories under /dev that are not the host's devices (as runc's HostDevices skips them). */
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** The node at `path`, or every node below it when it is a directory; none when missing. */
export async function deviceNodes(path: string): Promise<HostDeviceNode[]> {
  const st = await stat(path, { bigint: true }).catch(() => undefined);
  if (st === undefined) return [];
  if (st.isDirectory()) return walk(path, new Set());
  const node = nodeOf(path, st);
  return node ? [node] : [];
}

/** Every device node of the host (/dev), for --privileged. */
export function hostDevices(root = '/dev'): Promise<HostDeviceNode[]> {
  return walk(root, SKIP_DIRS, true);
}

async function walk(dir: string, skip: ReadonlySet<string>, top = false): Promise<HostDeviceNode[]> {
  const out: HostDeviceNode[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) out.push(...(await walk(p, skip)));
      continue;
    }
    // The host's console is the daemon's terminal, not something to share.
    if (top && e.name === 'console') continue;
    if (!e.isCharacterDevice() && !e.isBlockDevice() && !e.isFIFO()) continue;
    const st = await stat(p, { bigint: true }).catch(() => undefined);
    const node = st ? nodeOf(p, st) : undefined;
    if (node) out.push(node);
  }
  return out;
}

function nodeOf(path: string, st: import('node:fs').BigIntStats): HostDeviceNode | undefined {
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : undefined;
  if (type === undefined) return undefined;
  // Linux's dev_t: 12 bits of major and 8 of minor at the bottom, the rest above bit 32.
  const rdev = st.rdev;
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path, type, major, minor, fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) };
}

/**
 * The capabilities in this process's bounding set, by name; `names` lists them in bit order
 * (CAP_CHOWN first). Bits beyond the list (a newer kernel) are ignored.
 */
export async function boundingCapabilities(names: readonly string[], statusText?: string): Promise<string[]> {
  const text = statusText ?? (await readFile('/proc/self/status', 'utf8'));
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(text);
  if (!m) return [...names];
  const mask = BigInt(`0x${m[1]}`);
  return names.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n);
}

/** The kernel's (major, minor), from uname's release (`6.1.0-13-amd64`). */
export function kernelVersion(rel = release()): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The per-CPU thermal_throttle directories, which dockerd masks as well. */
export async function thermalThrottlePaths(root = '/sys/devices/system/cpu'): Promise<string[]> {
  const cpus = (await readdir(root).catch(() => [] as string[])).filter((n) => /^cpu\d+$/.test(n));
  const out: string[] = [];
  for (const cpu of cpus) {
    const p = join(root, cpu, 'thermal_throttle');
    if (await stat(p).then((s) => s.isDirectory(), () => false)) out.push(p);
  }
  return out;
}
