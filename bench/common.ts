// Shared by the benchmark workloads: a berthd of the bench's own, timing, medians, memory
// readings and the result table. Benchmarks print figures; they never fail on a missed target.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DAEMON_JS = fileURLToPath(new URL('../src/cmd/daemon.js', import.meta.url));
export const CLI_JS = fileURLToPath(new URL('../src/cmd/cli.js', import.meta.url));
export const MB = 1 << 20;

export interface Row {
  workload: string;
  unit: string;
  berth: number[];
  baseline?: number[];
  baselineName?: string;
  target?: string;
  extra?: string;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, maxBuffer: 64 * MB });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (${r.status}): ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Wall seconds of a whole process, as a user at a shell would see them. */
export function timeCmd(cmd: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  sh(cmd, args, env);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function secs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function asecs(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export interface Daemon {
  child: ChildProcess;
  socket: string;
  host: string;
  readyMs: number;
  cgroupParent: string;
  stop(): Promise<void>;
}

export async function startDaemon(dir: string): Promise<Daemon> {
  const socket = join(dir, 'berth.sock');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'daemon.json'), '{}');
  // Containers' cgroups under a parent of the bench's own, removed in stop().
  const cgroupParent = `/berth-bench-${process.pid}-${basename(dir)}`;
  const t0 = process.hrtime.bigint();
  // Run as users do: the file itself, so its shebang's Node flags apply.
  const child = spawn(
    DAEMON_JS,
    [
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '-H', `unix://${socket}`,
      '--config-file', join(dir, 'daemon.json'),
      '--cgroup-parent', cgroupParent,
      // A default bridge of the bench's own, never the host's berth0.
      '--bridge', `bb${process.pid % 100000}-${basename(dir).slice(0, 4)}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`berthd exited: ${stderr}`);
    if (await call(socket, 'GET', '/_ping').then((r) => r.status === 200, () => false)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    child,
    socket,
    host: `unix://${socket}`,
    readyMs,
    cgroupParent,
    stop: async () => {
      const list = await call(socket, 'GET', '/containers/json?all=1').catch(() => undefined);
      if (list?.status === 200) {
        for (const c of JSON.parse(list.body) as { Id: string }[]) await call(socket, 'DELETE', `/containers/${c.Id}?force=1`);
      }
      await new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      });
      removeCgroupParent(cgroupParent);
    },
  };
}

export function call(
  socket: string,
  method: string,
  path: string,
  body?: { file: string } | { json: unknown },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (body && 'file' in body) headers['Content-Type'] = 'application/x-tar';
    if (body && 'json' in body) headers['Content-Type'] = 'application/json';
    const req = request({ socketPath: socket, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (body && 'file' in body) createReadStream(body.file).pipe(req);
    else if (body && 'json' in body) req.end(JSON.stringify(body.json));
    else req.end();
  });
}

export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** Proportional set size: shared pages divided among the processes that map them. */
export function pssKiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

const CGROUP_ROOT = '/sys/fs/cgroup';

function removeCgroupParent(parent: string): void {
  for (const controller of existsSync(CGROUP_ROOT) ? readdirSync(CGROUP_ROOT) : []) {
    const dir = join(CGROUP_ROOT, controller, parent);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    try {
      rmdirSync(dir);
    } catch (err) {
      console.error(`bench: cgroup ${dir} left behind: ${(err as Error).message}`);
    }
  }
}

export function printTable(rows: Row[]): void {
  const fmt = (x: number, unit: string): string => (unit === 's' ? x.toFixed(3) : x.toFixed(1));
  const lines = [['workload', 'berth median (min–max)', 'baseline median (min–max)', 'ratio (min–max)', 'target', 'notes']];
  for (const r of rows) {
    const b = `${fmt(median(r.berth), r.unit)} ${r.unit} (${fmt(Math.min(...r.berth), r.unit)}–${fmt(Math.max(...r.berth), r.unit)})`;
    let base = '–';
    let ratio = '–';
    if (r.baseline && r.baseline.length > 0) {
      base = `${r.baselineName}: ${fmt(median(r.baseline), r.unit)} (${fmt(Math.min(...r.baseline), r.unit)}–${fmt(Math.max(...r.baseline), r.unit)})`;
      const ratios = r.berth.map((x, i) => x / r.baseline![i]!);
      ratio = `${(median(r.berth) / median(r.baseline)).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    }
    lines.push([r.workload, b, base, ratio, r.target ?? '', r.extra ?? '']);
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  for (const l of lines) console.log(l.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}
