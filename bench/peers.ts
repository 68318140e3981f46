// berth next to Docker (issue 7): Debian's dockerd 20.10 with its containerd, started by the
// bench on its own data root, exec root, socket, cgroup parent and bridge, by default without
// iptables (so it changes nothing of the host's firewall), and the same workloads against it
// and against berthd with the same docker CLI 28, in alternated pairs, each with its floor
// (raw runc and the CLI's own start). `--docker-iptables` runs dockerd as users do, with its
// NAT and forwarding rules, and takes them back afterwards (host-firewall.ts). Stopped by PID;
// its mounts and cgroups are removed.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKERD, dockerdArgs } from '../test/helpers/dockerd.js';
import { CLI_JS, type Daemon, type Row, call, median, rssKiB, sh, startDaemon, timeCmd } from './common.js';
import { runcBundle } from './containers.js';
import { restoreFirewall, snapshotFirewall } from './host-firewall.js';

export const DOCKER = '/usr/local/bin/docker';
export const PEER_WORKLOADS = ['vs-docker'];

export interface Dockerd {
  child: ChildProcess;
  host: string;
  socket: string;
  env: NodeJS.ProcessEnv;
  /** dockerd and the containerd it manages. */
  pids(): number[];
  stop(): Promise<void>;
}

/** The peers' Debian packages: dockerd (docker.io), Debian's registry, skopeo. */
const PEER_PACKAGES: [string, string][] = [
  ['docker.io', '/usr/sbin/dockerd'],
  ['docker-registry', '/usr/bin/docker-registry'],
  ['skopeo', '/usr/bin/skopeo'],
];

/**
 * Installs the peers from Debian's packages when they are missing (as root), so that one
 * command measures berth beside them on a fresh machine. Says so, and goes on without them
 * (their workloads skip) when it cannot.
 */
export function ensurePeerPackages(): void {
  const missing = PEER_PACKAGES.filter(([, bin]) => !existsSync(bin)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`peers missing (${missing.join(', ')}): run as root to install them, or scripts/install-deps.sh --test`);
    return;
  }
  console.error(`installing the peers from Debian's packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, stdio: 'inherit' });
}

export function dockerdMissing(): string | undefined {
  if (!existsSync(DOCKERD)) return `${DOCKERD} is not installed (Debian package docker.io)`;
  if (!existsSync(DOCKER)) return `${DOCKER} is not installed`;
  return undefined;
}

export interface DockerdOptions {
  insecureRegistry?: string;
  /** A bridge of the bench's own (name, gateway/prefix) for dockerd's default network, removed at stop. */
  bridge?: { name: string; cidr: string };
  /** dockerd makes its NAT and forwarding rules, as users run it; stop() takes them back. */
  iptables?: boolean;
}

export async function startDockerd(dir: string, opts: DockerdOptions = {}): Promise<Dockerd> {
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, 'docker.sock');
  const cgroupParent = `berth-bench-dockerd-${process.pid}`;
  if (opts.bridge) {
    sh('ip', ['link', 'add', opts.bridge.name, 'type', 'bridge']);
    sh('ip', ['addr', 'add', opts.bridge.cidr, 'dev', opts.bridge.name]);
    sh('ip', ['link', 'set', opts.bridge.name, 'up']);
  }
  const firewall = opts.iptables === true ? snapshotFirewall() : undefined;
  const args = [
    ...dockerdArgs(dir, cgroupParent, opts.bridge?.name).filter((a) => !(firewall && /^--(iptables|ip-masq|ip-forward)=/.test(a))),
    ...(firewall ? ['--iptables=true', '--ip-masq=true', '--ip-forward=true'] : []),
    ...(opts.insecureRegistry ? ['--insecure-registry', opts.insecureRegistry] : []),
  ];
  const child = spawn(DOCKERD, args, { stdio: 'ignore' });
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(dir, 'docker-config') };
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode})`);
    if (spawnSync(DOCKER, ['version'], { env, stdio: 'ignore' }).status === 0) break;
    if (i > 300) throw new Error('dockerd did not answer');
    await new Promise((r) => setTimeout(r, 100));
  }
  const children = (pid: number): number[] => spawnSync('pgrep', ['-P', String(pid)]).stdout.toString().trim().split('\n').filter(Boolean).map(Number);
  return {
    child,
    host: env.DOCKER_HOST,
    socket: sock,
    env,
    pids: () => [child.pid!, ...children(child.pid!).filter((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'containerd')],
    stop: async () => {
      const ids = spawnSync(DOCKER, ['ps', '-aq'], { env }).stdout.toString().trim().split('\n').filter(Boolean);
      if (ids.length > 0) spawnSync(DOCKER, ['rm', '-f', ...ids], { env, stdio: 'ignore' });
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[4])
        .filter((m): m is string => m !== undefined && m.startsWith(dir));
      for (const m of mounts.reverse()) spawnSync('umount', [m]);
      for (const controller of readdirSync('/sys/fs/cgroup')) {
        const cg = join('/sys/fs/cgroup', controller, cgroupParent);
        if (existsSync(cg)) spawnSync('find', [cg, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';']);
      }
      if (opts.bridge) spawnSync('ip', ['link', 'del', opts.bridge.name]);
      if (firewall) for (const line of restoreFirewall(firewall, opts.bridge?.name ?? 'docker0')) console.error(`vs-docker: ${line}`);
    },
  };
}

/**
 * A running container's monitor processes: conmon for berth, containerd-shim for Docker; only
 * those whose command line names `mark` (the daemon's directory), not another daemon's.
 */
function monitors(comm: string, mark: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim().startsWith(comm) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(mark);
      } catch {
        return false;
      }
    });
}

export async function benchVsDocker(root: string, quick: boolean, rows: Row[], opts: { dockerIptables?: boolean } = {}): Promise<void> {
  const missing = dockerdMissing();
  if (missing) {
    console.error(`vs-docker: skipped (${missing})`);
    return;
  }
  const b: Daemon = await startDaemon(join(root, 'vs-berthd'));
  const bEnv = { ...process.env, DOCKER_HOST: b.host, DOCKER_CONFIG: join(root, 'vs-docker-config') };
  mkdirSync(bEnv.DOCKER_CONFIG, { recursive: true });
  let d: Dockerd | undefined;
  try {
    sh(CLI_JS, ['-H', b.host, 'image', 'seed']);
    // A /24 under 10.N for dockerd's bridge, N random: never a subnet someone else uses.
    const cidr = `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.1/24`;
    d = await startDockerd(join(root, 'vs-dockerd'), { bridge: { name: `bd${process.pid % 100000}`, cidr }, iptables: opts.dockerIptables === true });
    // The same image in both: berth's busybox, saved by berthd and loaded into dockerd.
    const tar = join(root, 'busybox.tar');
    sh(DOCKER, ['save', '-o', tar, 'busybox'], bEnv);
    sh(DOCKER, ['load', '-q', '-i', tar], d.env);
    // Idle: both daemons have loaded the same image and been quiet for 3 s.
    await new Promise((r) => setTimeout(r, 3000));
    const idleBerth = rssKiB(b.child.pid!);
    const idleDocker = d.pids().reduce((s, p) => s + rssKiB(p), 0);
    const envs: [NodeJS.ProcessEnv, NodeJS.ProcessEnv] = [bEnv, d.env];
    const n = quick ? 3 : 10;
    /**
     * Alternated pairs (berth, Docker, Docker, berth, …) of a timed command after 2 warm-ups;
     * with `floor`, one run of it per pair as well, so the three see the same drift.
     */
    const pairs = (args: string[], floor?: () => number): [number[], number[], number[]] => {
      const out: [number[], number[], number[]] = [[], [], []];
      for (let i = 0; i < 2; i++) for (const e of envs) timeCmd(DOCKER, args, e);
      for (let i = 0; i < n; i++) {
        for (const k of i % 2 ? [1, 0] : [0, 1]) out[k as 0 | 1].push(timeCmd(DOCKER, args, envs[k as 0 | 1]));
        if (floor) out[2].push(floor());
      }
      return out;
    };
    // The floor under a pair: raw runc doing the runtime's share, plus the docker CLI's own
    // start and two requests (`docker version`, against berthd) once per CLI command. No engine
    // on runc can go below it; as a share of dockerd's median it is the best reachable ratio.
    const runcRoot = join(root, 'vs-runc-root');
    const floorBundle = runcBundle(join(root, 'vs-floor'), b.cgroupParent);
    const runcRun = (): number => timeCmd('runc', ['--root', runcRoot, 'run', '--bundle', floorBundle, 'vs-floor']);
    const cliAlone = (): number => timeCmd(DOCKER, ['version'], bEnv);
    const withCli = (runtime: () => number, commands: number) => (): number => {
      let t = runtime();
      for (let i = 0; i < commands; i++) t += cliAlone();
      return t;
    };
    const floorNote = (floor: number[], peer: number[], what: string): string =>
      floor.length === 0 ? '' : `floor (${what}) ${median(floor).toFixed(3)} s = ${(median(floor) / median(peer)).toFixed(2)} of dockerd`;
    const row = (workload: string, [bt, dt, ft]: [number[], number[], number[]], target: string, extra = '', floorIs = 'runc + CLI start'): void => {
      const note = [floorNote(ft, dt, floorIs), extra].filter(Boolean).join('; ');
      rows.push({ workload: `vs Docker: ${workload}`, unit: 's', berth: bt, baseline: dt, baselineName: 'dockerd 20.10', target, extra: note });
    };
    row('run --rm --network none busybox true', pairs(['run', '--rm', '--network', 'none', 'busybox', 'true'], withCli(runcRun, 1)), '≤ 0.25');
    row(
      'run --rm busybox true (default bridge)',
      pairs(['run', '--rm', 'busybox', 'true']),
      '≤ 0.25',
      opts.dockerIptables === true
        ? 'dockerd with iptables (its NAT and forwarding rules), as users run it'
        : 'dockerd without iptables: its NAT and port rules are not made, so its figure is a floor (--docker-iptables for the real one)',
    );
    // create + start -a + rm, as one timed shell line each.
    const cycle = (e: NodeJS.ProcessEnv): number =>
      timeCmd('sh', ['-c', `id=$(${DOCKER} create --network none busybox true) && ${DOCKER} start -a $id && ${DOCKER} rm $id >/dev/null`], e);
    const cyc: [number[], number[], number[]] = [[], [], []];
    const cycleFloor = withCli(runcRun, 3);
    for (let i = 0; i < n; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) cyc[k as 0 | 1].push(cycle(envs[k as 0 | 1]));
      cyc[2].push(cycleFloor());
    }
    row('create + start -a + rm', cyc, '≤ 0.3');
    for (const e of envs) sh(DOCKER, ['run', '-d', '--name', 'exec-target', '--network', 'none', 'busybox', 'sleep', '600'], e);
    const target = sh(DOCKER, ['inspect', '-f', '{{.Id}}', 'exec-target'], bEnv).trim();
    const berthRunc = join(root, 'vs-berthd', 'exec', 'runtimes', 'runc');
    const runcExec = (): number => timeCmd('runc', ['--root', berthRunc, 'exec', target, 'true']);
    row('exec true', pairs(['exec', 'exec-target', 'true'], withCli(runcExec, 1)), '≤ 0.6');
    for (const e of envs) sh(DOCKER, ['rm', '-f', 'exec-target'], e);
    // Per running container: 20 × sleep, the monitors' RSS divided by 20.
    const count = 20;
    for (const e of envs) for (let i = 0; i < count; i++) sh(DOCKER, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '600'], e);
    const perContainer = (comm: string, mark: string): number => {
      const pids = monitors(comm, mark);
      return pids.reduce((s, p) => s + rssKiB(p), 0) / 1024 / Math.max(1, pids.length);
    };
    const berthPer = perContainer('conmon', join(root, 'vs-berthd'));
    const dockerPer = perContainer('containerd-shim', join(root, 'vs-dockerd'));
    rows.push({ workload: `vs Docker: per running container RSS (${count} × sleep)`, unit: 'MiB', berth: [berthPer], baseline: [dockerPer], baselineName: 'containerd-shim', target: '≤ 0.2' });
    rows.push({ workload: 'vs Docker: daemon idle RSS', unit: 'MiB', berth: [idleBerth / 1024], baseline: [idleDocker / 1024], baselineName: 'dockerd + containerd', target: '≤ 0.55' });
    for (const e of envs) {
      const ids = sh(DOCKER, ['ps', '-q'], e).trim().split('\n').filter(Boolean);
      if (ids.length > 0) sh(DOCKER, ['rm', '-f', ...ids], e);
    }
    // ps -a with many containers (created, never started).
    const many = quick ? 100 : 1000;
    for (const socket of [b.socket, d.socket]) {
      for (let i = 0; i < many; i++) await call(socket, 'POST', '/containers/create', { json: { Image: 'busybox', Cmd: ['true'] } });
    }
    // Its floor: the same CLI against a server that answers at once with berthd's own list
    // (the CLI's start, decoding and printing of the rows: the same work for any daemon).
    const listed = await call(b.socket, 'GET', '/containers/json?all=1');
    const canned = await startCannedServer(join(root, 'vs-canned'), listed.body);
    try {
      const instant = (): number => timeCmd(DOCKER, ['ps', '-a'], { ...bEnv, DOCKER_HOST: canned.host });
      row(`ps -a with ${many} containers`, pairs(['ps', '-a'], instant), '≤ 0.5', '', 'the CLI against a server answering at once');
    } finally {
      await canned.stop();
    }
  } finally {
    await d?.stop();
    await b.stop();
    rmSync(join(root, 'vs-runc-root'), { recursive: true, force: true });
  }
}

// A stand-in daemon for the ps floor: answers /_ping and the container list with a fixed body
// (a process of its own: the bench's event loop is blocked while it times the CLI).
const CANNED_SERVER = `
const [sock, body] = process.argv.slice(1);
require('node:http').createServer((req, res) => {
  const h = { 'Api-Version': '1.41', 'Content-Type': 'application/json' };
  if (req.url.includes('/_ping')) { res.writeHead(200, { ...h, 'Content-Type': 'text/plain' }); res.end(req.method === 'HEAD' ? undefined : 'OK'); }
  else if (req.url.includes('/containers/json')) { res.writeHead(200, h); res.end(require('node:fs').readFileSync(body)); }
  else { res.writeHead(404, h); res.end('{"message":"page not found"}'); }
}).listen(sock);
`;

async function startCannedServer(dir: string, body: string): Promise<{ host: string; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, 'canned.sock');
  const bodyFile = join(dir, 'containers.json');
  writeFileSync(bodyFile, body);
  const child = spawn(process.execPath, ['-e', CANNED_SERVER, sock, bodyFile], { stdio: 'ignore' });
  for (let i = 0; !(await call(sock, 'GET', '/_ping').then((r) => r.status === 200, () => false)); i++) {
    if (i > 200 || child.exitCode !== null) throw new Error('the canned server did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    host: `unix://${sock}`,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
