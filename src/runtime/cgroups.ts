// A container's cgroups: where they are (from /proc/<pid>/cgroup and the host's cgroup
// mounts), its resource figures (TaskStats) and its OOM kills. Works on cgroup v1 (each
// controller its own hierarchy, also the "hybrid" layout with an empty v2 mount beside them)
// and on a pure v2 host. The paths are found once, while the container's init runs, and kept
// in the task's state, so figures can be read after a daemon restart and an OOM kill can be
// told after the process has gone (runc removes the cgroups only on delete).

import { readFile, statfs } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { TaskStats } from './task-service.js';

export interface CgroupPaths {
  version: 1 | 2;
  /** v1: controller name → directory; v2: '' → the one directory. */
  dirs: Record<string, string>;
}

const CGROUP2_SUPER_MAGIC = 0x63677270;

/** v1 controller names; a cgroup mount's other options (rw, xattr, name=…) are not controllers. */
const V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio', 'perf_event', 'hugetlb', 'pids', 'rdma', 'misc',
]);

/** Mount points of the cgroup hierarchies: v1 controller → dir, and the v2 mount as ''. */
export async function cgroupMounts(mountinfo?: string): Promise<Map<string, string>> {
  const text = mountinfo ?? (await readFile('/proc/self/mountinfo', 'utf8'));
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const [fstype, , superOpts] = line.slice(sep + 3).split(' ');
    const mountPoint = left[4];
    if (mountPoint === undefined) continue;
    const mp = unescapeMountPath(mountPoint);
    if (fstype === 'cgroup2') {
      if (!out.has('')) out.set('', mp);
    } else if (fstype === 'cgroup' && superOpts !== undefined) {
      for (const opt of superOpts.split(',')) {
        if (V1_CONTROLLERS.has(opt) && !out.has(opt)) out.set(opt, mp);
      }
    }
  }
  return out;
}

export function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The host's cgroup hierarchies: where each is mounted, and whether it is pure v2. */
export interface CgroupLayout {
  mounts: Map<string, string>;
  unified: boolean;
  root: string;
}

export async function cgroupLayout(cgroupRoot = '/sys/fs/cgroup'): Promise<CgroupLayout> {
  const [mounts, fs] = await Promise.all([cgroupMounts(), statfs(cgroupRoot)]);
  return { mounts, unified: fs.type === CGROUP2_SUPER_MAGIC, root: cgroupRoot };
}

/** The cgroup directories of a running process. */
export async function cgroupPathsOf(pid: number): Promise<CgroupPaths> {
  return cgroupPathsOfWith(pid, await cgroupLayout());
}

export async function cgroupPathsOfWith(pid: number, layout: CgroupLayout): Promise<CgroupPaths> {
  const procText = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  return cgroupPathsFrom(procText, layout.mounts, layout.unified, layout.root);
}

export function cgroupPathsFrom(procText: string, mounts: Map<string, string>, unified: boolean, cgroupRoot = '/sys/fs/cgroup'): CgroupPaths {
  const dirs: Record<string, string> = {};
  for (const line of procText.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (unified) {
      if (controllers === '') dirs[''] = join(mounts.get('') ?? cgroupRoot, path);
      continue;
    }
    for (const c of controllers.split(',')) {
      if (c === '' || c.startsWith('name=')) continue;
      dirs[c] = join(mounts.get(c) ?? join(cgroupRoot, c), path);
    }
  }
  return { version: unified ? 2 : 1, dirs };
}

async function readText(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function file(p: CgroupPaths, controller: string, name: string): string | undefined {
  const dir = p.version === 2 ? p.dirs[''] : p.dirs[controller];
  return dir === undefined ? undefined : join(dir, name);
}

/** `key value` lines (memory.stat, cpu.stat, memory.events…) as numbers. */
export function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === undefined || v === undefined) continue;
    const n = Number(v);
    if (Number.isFinite(n)) out[k] = n;
  }
  return out;
}

function bigintOf(text: string | undefined): bigint {
  const t = text?.trim();
  return t === undefined || !/^\d+$/.test(t) ? 0n : BigInt(t);
}

/** A number, or undefined for "max" (v2) and v1's huge "unlimited" values. */
function limitOf(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (t === undefined || t === '' || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n < 2 ** 62 ? n : undefined;
}

function numberOf(text: string | undefined): number {
  const n = Number(text?.trim() ?? '');
  return Number.isFinite(n) ? n : 0;
}

/** USER_HZ, the unit of cpuacct.stat on every Linux architecture Docker runs on. */
const TICK_NS = 10_000_000n;

/** v1 blkio `maj:min Op value` lines. */
export function parseBlkioV1(text: string | undefined): TaskStats['blkio'] {
  const out: TaskStats['blkio'] = [];
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+) (\S+) (\d+)$/.exec(line.trim());
    if (m === null) continue;
    out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3] as string, value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat `maj:min rbytes=… wbytes=…` lines, as Docker reports them (op read/write). */
export function parseIoStatV2(text: string | undefined): TaskStats['blkio'] {
  const out: TaskStats['blkio'] = [];
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    const [dev, ...kvs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (m === null) continue;
    for (const kv of kvs) {
      const [k, v] = kv.split('=');
      const op = k === 'rbytes' ? 'read' : k === 'wbytes' ? 'write' : undefined;
      if (op !== undefined && v !== undefined) out.push({ major: Number(m[1]), minor: Number(m[2]), op, value: Number(v) });
    }
  }
  return out;
}

export async function readStats(p: CgroupPaths): Promise<TaskStats> {
  return p.version === 2 ? readStatsV2(p) : readStatsV1(p);
}

async function readStatsV1(p: CgroupPaths): Promise<TaskStats> {
  const f = (c: string, n: string): Promise<string | undefined> => readText(file(p, c, n));
  const [usage, acctStat, perCpu, cpuStat, memUsage, memLimit, memMax, memFail, memStat, pidsCur, pidsMax, blkRec, blk] =
    await Promise.all([
      f('cpuacct', 'cpuacct.usage'),
      f('cpuacct', 'cpuacct.stat'),
      f('cpuacct', 'cpuacct.usage_percpu'),
      f('cpu', 'cpu.stat'),
      f('memory', 'memory.usage_in_bytes'),
      f('memory', 'memory.limit_in_bytes'),
      f('memory', 'memory.max_usage_in_bytes'),
      f('memory', 'memory.failcnt'),
      f('memory', 'memory.stat'),
      f('pids', 'pids.current'),
      f('pids', 'pids.max'),
      f('blkio', 'blkio.throttle.io_service_bytes_recursive'),
      f('blkio', 'blkio.throttle.io_service_bytes'),
    ]);
  const acct = parseFlatKeyed(acctStat);
  const cpu = parseFlatKeyed(cpuStat);
  const stats: TaskStats = {
    read: new Date(),
    cpu: {
      totalNs: bigintOf(usage),
      userNs: BigInt(acct['user'] ?? 0) * TICK_NS,
      kernelNs: BigInt(acct['system'] ?? 0) * TICK_NS,
    },
    throttling: {
      periods: cpu['nr_periods'] ?? 0,
      throttledPeriods: cpu['nr_throttled'] ?? 0,
      throttledTimeNs: BigInt(cpu['throttled_time'] ?? 0),
    },
    memory: {
      usage: numberOf(memUsage),
      limit: limitOf(memLimit) ?? totalmem(),
      maxUsage: numberOf(memMax),
      failcnt: numberOf(memFail),
      stats: parseFlatKeyed(memStat),
    },
    pids: { current: numberOf(pidsCur) },
    blkio: parseBlkioV1(blkRec ?? blk),
  };
  if (perCpu !== undefined) stats.cpu.perCpuNs = perCpu.trim().split(/\s+/).filter((s) => /^\d+$/.test(s)).map((s) => BigInt(s));
  const pl = limitOf(pidsMax);
  if (pl !== undefined) stats.pids.limit = pl;
  return stats;
}

async function readStatsV2(p: CgroupPaths): Promise<TaskStats> {
  const f = (n: string): Promise<string | undefined> => readText(file(p, '', n));
  const [cpuStat, memCur, memMax, memPeak, memStat, pidsCur, pidsMax, ioStat] = await Promise.all([
    f('cpu.stat'),
    f('memory.current'),
    f('memory.max'),
    f('memory.peak'),
    f('memory.stat'),
    f('pids.current'),
    f('pids.max'),
    f('io.stat'),
  ]);
  const cpu = parseFlatKeyed(cpuStat);
  const us = (k: string): bigint => BigInt(cpu[k] ?? 0) * 1000n;
  const stats: TaskStats = {
    read: new Date(),
    cpu: { totalNs: us('usage_usec'), userNs: us('user_usec'), kernelNs: us('system_usec') },
    throttling: {
      periods: cpu['nr_periods'] ?? 0,
      throttledPeriods: cpu['nr_throttled'] ?? 0,
      throttledTimeNs: us('throttled_usec'),
    },
    memory: { usage: numberOf(memCur), limit: limitOf(memMax) ?? totalmem(), stats: parseFlatKeyed(memStat) },
    pids: { current: numberOf(pidsCur) },
    blkio: parseIoStatV2(ioStat),
  };
  if (memPeak !== undefined) stats.memory.maxUsage = numberOf(memPeak);
  const pl = limitOf(pidsMax);
  if (pl !== undefined) stats.pids.limit = pl;
  return stats;
}

/**
 * How many processes the kernel's OOM killer has ended in the container's memory cgroup:
 * `oom_kill` of memory.events (v2) or of memory.oom_control (v1, kernel 4.13 and later).
 * 0 when the cgroup is gone.
 */
export async function oomKillCount(p: CgroupPaths): Promise<number> {
  const text = await readText(file(p, 'memory', p.version === 2 ? 'memory.events' : 'memory.oom_control'));
  return parseFlatKeyed(text)['oom_kill'] ?? 0;
}
