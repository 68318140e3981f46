// Runs a real berthd for a test: its own data root, exec root and socket under a private
// temporary directory, stopped and removed when the test ends. Also runs the berth and docker
// CLIs against it with an explicit host (never the user's default socket).

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountsUnder } from './env.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url));
export const DAEMON_JS = join(DIST, 'src', 'cmd', 'daemon.js');
export const CLI_JS = join(DIST, 'src', 'cmd', 'cli.js');
export const DOCKER = '/usr/local/bin/docker';

export interface TestDaemon {
  dir: string;
  socket: string;
  host: string;
  dataRoot: string;
  execRoot: string;
  /** The daemon's default bridge interface. */
  bridge: string;
  pid(): number;
  log(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL at once (a crash). */
  kill9(): Promise<void>;
  /** Starts again on the same roots. */
  start(): Promise<void>;
}

export interface DaemonOptions {
  args?: string[];
  config?: Record<string, unknown>;
  /** Don't remove the directory when the test ends (to inspect it). */
  keep?: boolean;
}

type TestContext = { after(fn: () => void | Promise<void>): void };

export async function startDaemon(t: TestContext, opts: DaemonOptions = {}): Promise<TestDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-it-'));
  const socket = join(dir, 'berth.sock');
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'exec');
  const configFile = join(dir, 'daemon.json');
  // Containers' cgroups under a name of this test's, checked and removed afterwards.
  const cgroupParent = `/berth-test-${basename(dir)}`;
  // A default bridge of its own (never the host's berth0), and with it its own nftables table.
  const bridge = typeof opts.config?.bridge === 'string' ? opts.config.bridge : `bt-${basename(dir).slice(-8).toLowerCase()}`;
  writeFileSync(configFile, JSON.stringify(opts.config ?? {}));
  mkdirSync(dataRoot, { recursive: true });
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  const logFile = join(dir, 'berthd.log');

  const start = async (): Promise<void> => {
    const args = [
      DAEMON_JS,
      '--data-root', dataRoot,
      '--exec-root', execRoot,
      '-H', `unix://${socket}`,
      '--config-file', configFile,
      '--cgroup-parent', cgroupParent,
      ...(opts.config?.bridge === undefined && !(opts.args ?? []).includes('--bridge') ? ['--bridge', bridge] : []),
      '--debug',
      ...(opts.args ?? []),
    ];
    const out = await import('node:fs').then((fs) => fs.openSync(logFile, 'a'));
    child = spawn(process.execPath, args, { stdio: ['ignore', out, out] });
    const c = child;
    exited = new Promise((resolve) => c.on('exit', (code) => resolve(code)));
    await waitReady(socket, c, logFile);
  };

  const daemon: TestDaemon = {
    dir,
    socket,
    host: `unix://${socket}`,
    dataRoot,
    execRoot,
    bridge,
    pid: () => child?.pid ?? -1,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      const code = await exited!;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    start,
  };
  t.after(async () => {
    // Containers outlive berthd by design: remove them while it runs, or their mounts,
    // monitors and cgroups stay behind.
    await removeAllContainers(daemon).catch(() => undefined);
    // Bridges of this daemon's networks, to check they went (other tests' may exist meanwhile).
    const bridges = [bridge, ...(await networkBridges(socket).catch(() => []))];
    await daemon.stop();
    const log = daemon.log();
    const left = mountsUnder(dir);
    const cgroups = leftoverCgroups(cgroupParent);
    removeCgroups(cgroupParent);
    const links = leftoverLinks(bridges);
    const tables = await leftoverFirewall(bridge);
    if (!opts.keep && !process.env.BERTH_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left, [], `mounts left behind under ${dir}`);
    assert.deepEqual(cgroups, [], 'container cgroups left behind');
    assert.deepEqual(links, [], 'network interfaces left behind');
    assert.deepEqual(tables, [], 'nftables tables left behind');
    // berthd survives errors nobody handled, but they are bugs: fail the test that caused one.
    const unhandled = log.split('\n').filter((l) => /"msg":"(uncaught exception|unhandled rejection)"/.test(l));
    assert.deepEqual(unhandled, [], 'berthd logged errors that nobody handled');
  });
  await start();
  return daemon;
}

/**
 * The daemon's bridges still present after it stopped. Veths need no check of their own: the
 * namespace mounts are checked, and a veth pair dies with its namespace.
 */
function leftoverLinks(bridges: string[]): string[] {
  return bridges.filter((b) => existsSync(`/sys/class/net/${b}`));
}

async function networkBridges(socket: string): Promise<string[]> {
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/networks', method: 'GET', timeout: 5000 }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => resolve(b));
    });
    req.on('error', reject);
    req.end();
  });
  const nets = JSON.parse(body) as { Id: string; Driver: string; Options?: Record<string, string> }[];
  return nets.filter((n) => n.Driver === 'bridge').map((n) => n.Options?.['com.docker.network.bridge.name'] || `br-${n.Id.slice(0, 12)}`);
}

async function leftoverFirewall(bridge: string): Promise<string[]> {
  const r = await run('nft', ['list', 'tables']);
  return r.stdout.split('\n').filter((l) => l.trim() === `table ip berth-${bridge}`);
}

async function waitReady(socket: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`berthd exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    }
    if (await ping(socket)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`berthd did not become ready:\n${readFileSync(logFile, 'utf8')}`);
}

export function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** `berth -H <daemon> …`, with the same throwaway DOCKER_CONFIG as `docker()` (login, pull). */
export function berth(d: TestDaemon, args: string[], opts: { input?: Buffer | string } = {}): Promise<RunResult> {
  const env = { ...process.env, BERTH_HOST: '', DOCKER_HOST: '', DOCKER_CONFIG: join(d.dir, 'docker-config') };
  return run(process.execPath, [CLI_JS, '-H', d.host, ...args], { ...opts, env });
}

/** The real docker CLI with DOCKER_HOST set and a throwaway DOCKER_CONFIG. */
export function docker(d: TestDaemon, args: string[], opts: { input?: Buffer | string; cwd?: string } = {}): Promise<RunResult> {
  const config = join(d.dir, 'docker-config');
  mkdirSync(config, { recursive: true });
  const env = { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' };
  return run(DOCKER, args, { ...opts, env });
}

export function hasDocker(): boolean {
  return existsSync(DOCKER);
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

/** One raw HTTP request to the daemon's socket. */
export function api(
  d: TestDaemon,
  method: string,
  path: string,
  opts: { body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Parses a JSON-lines response body (load, import, events). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Container cgroup directories still present under the parent, in any hierarchy. */
export function leftoverCgroups(parent: string): string[] {
  const out: string[] = [];
  for (const controller of existsSync(CGROUP_ROOT) ? readdirSync(CGROUP_ROOT) : []) {
    const dir = join(CGROUP_ROOT, controller, parent);
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir)) {
      if (statSync(join(dir, child)).isDirectory()) out.push(join(dir, child));
    }
  }
  return out;
}

/** Removes the (empty) parent cgroup directories a test daemon's containers used. */
export function removeCgroups(parent: string): void {
  for (const controller of existsSync(CGROUP_ROOT) ? readdirSync(CGROUP_ROOT) : []) {
    const dir = join(CGROUP_ROOT, controller, parent);
    if (!existsSync(dir)) continue;
    for (const child of readdirSync(dir)) {
      try {
        if (statSync(join(dir, child)).isDirectory()) rmdirSync(join(dir, child));
      } catch {
        // Busy: a process is still in it; the assertion reports it.
      }
    }
    try {
      rmdirSync(dir);
    } catch {
      // Not empty: reported above.
    }
  }
}

/** Force-removes every container of a running test daemon. */
export async function removeAllContainers(d: TestDaemon): Promise<void> {
  if (!(await ping(d.socket))) return;
  const list = await api(d, 'GET', '/containers/json?all=1');
  if (list.status !== 200) return;
  for (const c of list.json<{ Id: string }[]>()) await api(d, 'DELETE', `/containers/${c.Id}?force=1`);
}
