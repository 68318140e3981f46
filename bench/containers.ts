// Container workloads (issue 3): whole-process wall times of the docker CLI and the berth CLI
// against a berthd of the bench's own, next to raw runc on an equivalent bundle measured in the
// same run, alternated because this VM's speed drifts; and memory with 100 running containers.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_JS, type Daemon, type Row, asecs, call, median, pssKiB, rssKiB, sh, startDaemon, timeCmd } from './common.js';

export const CONTAINER_WORKLOADS = ['run', 'cycle', 'ps', 'exec', 'mem'];

const BUSYBOX = '/bin/busybox';

interface Ctx {
  root: string;
  d: Daemon;
  quick: boolean;
  rows: Row[];
  /** Environment for the docker CLI: this daemon, a config directory of the bench's own. */
  dockerEnv: NodeJS.ProcessEnv;
  /** The berth CLI has container commands (it may not, in a build of an older tree). */
  berthRun: boolean;
}

const docker = (c: Ctx, args: string[]): string => sh('docker', args, c.dockerEnv);
const berth = (c: Ctx, args: string[]): string => sh(CLI_JS, ['-H', c.d.host, ...args]);

async function apiOk(c: Ctx, method: string, path: string, json?: unknown): Promise<string> {
  const r = await call(c.d.socket, method, path, json === undefined ? undefined : { json });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`);
  return r.body;
}

async function createStarted(c: Ctx, cmd: string[]): Promise<string> {
  const { Id } = JSON.parse(await apiOk(c, 'POST', '/containers/create', { Image: 'busybox', Cmd: cmd })) as { Id: string };
  await apiOk(c, 'POST', `/containers/${Id}/start`);
  return Id;
}

/** A runc bundle of the same busybox, as `runc spec` makes it, for the floor. */
export function runcBundle(root: string, cgroupParent: string): string {
  const bundle = join(root, 'runc-bundle');
  const bin = join(bundle, 'rootfs', 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(BUSYBOX, join(bin, 'busybox'));
  chmodSync(join(bin, 'busybox'), 0o755);
  // Relative links: `busybox --install -s` would point them at this host's path.
  for (const applet of sh(join(bin, 'busybox'), ['--list']).split('\n')) {
    if (applet && applet !== 'busybox') symlinkSync('busybox', join(bin, applet));
  }
  sh('runc', ['spec', '--bundle', bundle]);
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as {
    process: { terminal: boolean; args: string[] };
    linux: { cgroupsPath?: string };
  };
  spec.process.terminal = false;
  spec.process.args = ['true'];
  spec.linux.cgroupsPath = `${cgroupParent}/runc-floor`;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return bundle;
}

/**
 * A bundle with berth's own config.json for a busybox `true` (seccomp profile, masked paths,
 * mounts, cgroup) on the floor bundle's rootfs: the runtime's share of berth's run.
 */
async function berthBundle(c: Ctx, floor: string): Promise<{ bundle: string; container: string }> {
  // --network none: a bridge container's spec names a namespace that is gone once it exits.
  const create = { Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } };
  const { Id } = JSON.parse(await apiOk(c, 'POST', '/containers/create', create)) as { Id: string };
  await apiOk(c, 'POST', `/containers/${Id}/start`);
  await apiOk(c, 'POST', `/containers/${Id}/wait`);
  const spec = JSON.parse(readFileSync(join(c.root, 'containers-daemon', 'data', 'containers', Id, 'bundle', 'config.json'), 'utf8')) as {
    root: { path: string; readonly?: boolean };
    linux: { cgroupsPath?: string };
  };
  spec.root = { path: join(floor, 'rootfs'), readonly: false };
  spec.linux.cgroupsPath = `${c.d.cgroupParent}/runc-berth-spec`;
  const bundle = join(c.root, 'runc-bundle-berth');
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  return { bundle, container: Id };
}

async function benchRun(c: Ctx, n: number): Promise<void> {
  const floor = runcBundle(c.root, c.d.cgroupParent);
  const same = await berthBundle(c, floor);
  const runcRoot = join(c.root, 'runc-root');
  const raw = (bundle: string): number => timeCmd('runc', ['--root', runcRoot, 'run', '--bundle', bundle, 'bench-floor']);
  // --network none: the runc floor has a network namespace with no interface either (the
  // bridge's cost is measured by bench/networks.ts).
  const viaDocker = (): number => timeCmd('docker', ['run', '--rm', '--network', 'none', 'busybox', 'true'], c.dockerEnv);
  const viaBerth = (): number => timeCmd(CLI_JS, ['-H', c.d.host, 'run', '--rm', '--network', 'none', 'busybox', 'true']);
  const d: number[] = [];
  const b: number[] = [];
  const r: number[] = [];
  const rs: number[] = [];
  for (let i = 0; i < 2; i++) {
    raw(floor);
    raw(same.bundle);
    viaDocker();
    if (c.berthRun) viaBerth();
  }
  for (let i = 0; i < n; i++) {
    d.push(viaDocker());
    if (c.berthRun) b.push(viaBerth());
    r.push(raw(floor));
    rs.push(raw(same.bundle));
  }
  rmSync(runcRoot, { recursive: true, force: true });
  await apiOk(c, 'DELETE', `/containers/${same.container}`);
  c.rows.push({
    workload: 'docker CLI → berthd: run --rm --network none busybox true',
    unit: 's',
    berth: d,
    baseline: r,
    baselineName: 'runc run, `runc spec` bundle',
    target: '≤ 2.5',
    extra: 'dockerd here: 0.71 s, 10× runc (peers.md)',
  });
  c.rows.push({
    workload: 'docker CLI → berthd: run --rm --network none busybox true',
    unit: 's',
    berth: d,
    baseline: rs,
    baselineName: "runc run, berth's config.json",
    extra: 'same seccomp profile, mounts, masks',
  });
  if (c.berthRun) {
    c.rows.push({ workload: 'berth CLI: run --rm --network none busybox true', unit: 's', berth: b, baseline: r, baselineName: 'runc run, `runc spec` bundle' });
  }
}

async function benchCycle(c: Ctx, n: number): Promise<void> {
  const cycle = (cli: (args: string[]) => string): number => {
    const t0 = process.hrtime.bigint();
    const id = cli(['create', 'busybox', 'true']).trim();
    cli(['start', '-a', id]);
    cli(['rm', id]);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const d: number[] = [];
  const b: number[] = [];
  cycle((a) => docker(c, a));
  if (c.berthRun) cycle((a) => berth(c, a));
  for (let i = 0; i < n; i++) {
    d.push(cycle((a) => docker(c, a)));
    if (c.berthRun) b.push(cycle((a) => berth(c, a)));
  }
  c.rows.push({ workload: 'docker CLI: create + start -a + rm (3 commands)', unit: 's', berth: d });
  if (c.berthRun) c.rows.push({ workload: 'berth CLI: create + start -a + rm (3 commands)', unit: 's', berth: b });
}

async function benchPs(c: Ctx, n: number, count: number): Promise<void> {
  const ps = (): number => timeCmd('docker', ['ps', '-a'], c.dockerEnv);
  ps();
  const empty: number[] = [];
  for (let i = 0; i < n; i++) empty.push(ps());
  const ids: string[] = [];
  const createSecs = await asecs(async () => {
    for (let i = 0; i < count; i++) {
      const body = await apiOk(c, 'POST', `/containers/create?name=ps-${i}`, { Image: 'busybox', Cmd: ['true'], Labels: { bench: 'ps' } });
      ids.push((JSON.parse(body) as { Id: string }).Id);
    }
  });
  const full: number[] = [];
  const api: number[] = [];
  const viaBerth: number[] = [];
  ps();
  for (let i = 0; i < n; i++) {
    full.push(ps());
    api.push(await asecs(() => apiOk(c, 'GET', '/containers/json?all=1').then(() => undefined)));
    if (c.berthRun) viaBerth.push(timeCmd(CLI_JS, ['-H', c.d.host, 'ps', '-a']));
  }
  const lines = docker(c, ['ps', '-aq']).trim().split('\n').length;
  if (lines !== count) throw new Error(`docker ps -aq listed ${lines} containers, not ${count}`);
  c.rows.push({
    workload: `docker CLI: ps -a, ${count} containers`,
    unit: 's',
    berth: full,
    baseline: empty,
    baselineName: 'ps -a, 0 containers',
    target: '≤ 0.060 s',
    extra: `created at ${(count / createSecs).toFixed(0)}/s through the API; dockerd ps -a, 200: 0.102 s`,
  });
  c.rows.push({ workload: `API GET /containers/json?all=1, ${count} containers`, unit: 's', berth: api });
  if (c.berthRun) c.rows.push({ workload: `berth CLI: ps -a, ${count} containers`, unit: 's', berth: viaBerth });
  for (const id of ids) await apiOk(c, 'DELETE', `/containers/${id}`);
}

async function benchExec(c: Ctx, n: number): Promise<void> {
  const id = await createStarted(c, ['sleep', '1000']);
  const runcRoot = join(c.root, 'containers-daemon', 'exec', 'runtimes', 'runc');
  const viaDocker = (): number => timeCmd('docker', ['exec', id, 'true'], c.dockerEnv);
  const raw = (): number => timeCmd('runc', ['--root', runcRoot, 'exec', id, 'true']);
  const d: number[] = [];
  const r: number[] = [];
  viaDocker();
  raw();
  for (let i = 0; i < n; i++) {
    d.push(viaDocker());
    r.push(raw());
  }
  await apiOk(c, 'DELETE', `/containers/${id}?force=1`);
  c.rows.push({
    workload: 'docker CLI → berthd: exec true',
    unit: 's',
    berth: d,
    baseline: r,
    baselineName: 'runc exec',
    target: '≤ 0.100 s',
    extra: 'dockerd here: 0.166 s (peers.md)',
  });
}

/** conmon processes of this daemon (their command lines name its exec root). */
function conmons(execRoot: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'conmon') continue;
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(execRoot)) out.push(Number(p));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** On a daemon of its own, so that the other workloads' garbage does not blur the figures. */
async function benchMem(parent: Ctx, count: number): Promise<void> {
  const d = await startDaemon(join(parent.root, 'mem-daemon'));
  const c: Ctx = { ...parent, d };
  try {
    berth(c, ['image', 'seed']);
    await measureMem(c, count);
  } finally {
    await d.stop();
  }
}

async function measureMem(c: Ctx, count: number): Promise<void> {
  const pid = c.d.child.pid!;
  await new Promise((r) => setTimeout(r, 2000));
  const before = rssKiB(pid);
  const ids: string[] = [];
  const startSecs = await asecs(async () => {
    for (let i = 0; i < count; i++) ids.push(await createStarted(c, ['sleep', '1000']));
  });
  await apiOk(c, 'GET', '/containers/json');
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssKiB(pid);
  const mons = conmons(join(c.root, 'mem-daemon', 'exec'));
  if (mons.length !== count) throw new Error(`found ${mons.length} conmon processes for ${count} containers`);
  const rss = mons.map(rssKiB);
  const pss = mons.map(pssKiB);
  const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
  const perDaemon = (after - before) / count;
  c.rows.push({
    workload: `berthd RSS with ${count} running containers`,
    unit: 'MiB',
    berth: [after / 1024],
    extra: `idle before: ${(before / 1024).toFixed(1)} MiB; ${count} started at ${(count / startSecs).toFixed(1)}/s through the API`,
  });
  c.rows.push({
    workload: 'per-container overhead: conmon RSS + berthd growth',
    unit: 'MiB',
    berth: [(sum(rss) / count + perDaemon) / 1024],
    target: '≤ 2.5 MiB',
    extra: `conmon RSS ${(median(rss) / 1024).toFixed(2)} MiB (PSS ${(sum(pss) / count / 1024).toFixed(2)}), berthd +${(perDaemon / 1024).toFixed(3)} MiB; containerd shim 13.0 MiB`,
  });
  for (const id of ids) await apiOk(c, 'DELETE', `/containers/${id}?force=1`);
}

export async function benchContainers(root: string, which: Set<string>, quick: boolean, rows: Row[]): Promise<void> {
  const d = await startDaemon(join(root, 'containers-daemon'));
  const dockerConfig = join(root, 'docker-config');
  mkdirSync(dockerConfig, { recursive: true });
  const c: Ctx = {
    root,
    d,
    quick,
    rows,
    dockerEnv: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: dockerConfig },
    berthRun: spawnSync(CLI_JS, ['run', '--help'], { stdio: 'ignore' }).status === 0,
  };
  try {
    berth(c, ['image', 'seed']);
    if (which.has('run')) await benchRun(c, quick ? 5 : 15);
    if (which.has('cycle')) await benchCycle(c, quick ? 3 : 10);
    if (which.has('ps')) await benchPs(c, quick ? 5 : 15, quick ? 200 : 1000);
    if (which.has('exec')) await benchExec(c, quick ? 5 : 20);
    if (which.has('mem')) await benchMem(c, quick ? 20 : 100);
  } finally {
    await d.stop();
  }
}
