// berth's benchmarks. Prints a table (median, min–max, ratio against the baseline measured in
// the same run, in alternated pairs because this VM's speed drifts) and writes JSON next to it.
//
//   node dist/bench/run.js [--quick] [--only load,start,rss] [--json FILE] [--tmpfs] [--docker-iptables]
//
// Workloads, images (issue 2):
//   load   `load` of a ~160 MB, 4-layer image vs GNU `tar -x` of the same layers
//   start  berthd start-to-ready (socket answers /_ping), empty and with images
//   rss    berthd resident memory when idle, fresh and after the load workload
// registries (issue 4, bench/pull.ts):
//   pull   `docker pull -q` of the load workload's image from a local docker-registry (and the push)
// containers (issue 3, bench/containers.ts):
//   run    `run --rm busybox true` by the docker CLI and the berth CLI vs raw `runc run`
//   cycle  `create` + `start -a` + `rm` by the docker CLI
//   ps     `ps -a` with 1000 containers by the docker CLI
//   exec   `exec true` into a running container vs raw `runc exec`
//   mem    berthd RSS and per-container overhead with 100 running containers
// next to Docker (issue 7, bench/peers.ts; needs Debian's docker.io):
//   vs-docker  run (--network none and default bridge), create+start -a+rm, exec, ps -a, idle and
//              per-container RSS against a dockerd 20.10 of the bench's own, alternated, each
//              with its floor (raw runc + the CLI's start); dockerd without iptables unless
//              --docker-iptables (then its rules are taken back at the end)
// networks (issue 5, bench/networks.ts):
//   bridge   `run --rm busybox true` on the default bridge vs `--network none`, alternated
//   publish  the same with one published port
//   many     50 containers started with `run -d` on one user-defined network
// registry server (issue 4, bench/registry.ts):
//   registry  skopeo push and pull of a 200 MB one-layer image, 10 pulls at once, raw blob GET, berth
//             registry vs Debian's docker-registry; the servers' RSS
// files (issue 6, bench/files.ts):
//   cp      `docker cp` of a 100 MB directory out of and into a container vs tar -c | tar -x
//   commit  `docker commit` of a container with 50 MB of changes
// Benchmarks print figures; they never fail on a missed target.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, type Row, asecs, call, median, printTable, rssKiB, secs, sh, startDaemon } from './common.js';
import { CONTAINER_WORKLOADS, benchContainers } from './containers.js';
import { FILE_WORKLOADS, benchFiles } from './files.js';
import { NETWORK_WORKLOADS, benchNetworks } from './networks.js';
import { PEER_WORKLOADS, benchVsDocker, ensurePeerPackages } from './peers.js';
import { REGISTRY_WORKLOADS, benchRegistry } from './registry.js';
import { benchPull } from './pull.js';

interface Args {
  quick: boolean;
  only: Set<string> | undefined;
  json: string | undefined;
  tmpfs: boolean;
  dockerIptables: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, only: undefined, json: undefined, tmpfs: false, dockerIptables: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--quick') a.quick = true;
    else if (v === '--only') a.only = new Set((argv[++i] ?? '').split(',').filter(Boolean));
    else if (v === '--json') a.json = argv[++i];
    else if (v === '--tmpfs') a.tmpfs = true;
    else if (v === '--docker-iptables') a.dockerIptables = true;
    else throw new Error(`unknown argument ${v ?? ''}: use --quick, --only a,b, --json FILE, --tmpfs, --docker-iptables`);
  }
  return a;
}

/** A tree of `n` files whose sizes spread like a distribution's (many small, some large). */
function makeTree(dir: string, n: number, meanSize: number): void {
  mkdirSync(dir, { recursive: true });
  const pool = randomBytes(8 * MB);
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `d${i % 97}`, `e${i % 7}`);
    if (i < 97 * 7) mkdirSync(sub, { recursive: true });
    const size = Math.min(pool.length - 1, Math.floor(-Math.log(1 - Math.random()) * meanSize));
    const off = Math.floor(Math.random() * (pool.length - size));
    writeFileSync(join(sub, `f${i}`), pool.subarray(off, off + size));
  }
}

interface Workload {
  archive: string;
  layers: string[];
  bytes: number;
  files: number;
}

function makeWorkload(root: string): Workload {
  const trees = join(root, 'trees');
  const specs: [string, () => void][] = [
    ['base', () => makeTree(join(trees, 'base', 'usr'), 8000, 12 * 1024)],
    ['blob', () => {
      mkdirSync(join(trees, 'blob', 'data'), { recursive: true });
      writeFileSync(join(trees, 'blob', 'data', 'random.bin'), randomBytes(16 * MB));
    }],
    ['small', () => {
      mkdirSync(join(trees, 'small', 'etc'), { recursive: true });
      writeFileSync(join(trees, 'small', 'etc', 'built'), 'built\n');
    }],
    ['app', () => makeTree(join(trees, 'app', 'app'), 2000, 20 * 1024)],
  ];
  const layers: string[] = [];
  let files = 0;
  for (const [name, make] of specs) {
    make();
    const tarFile = join(root, `${name}.tar`);
    sh('tar', ['-C', join(trees, name), '--numeric-owner', '-cf', tarFile, '.']);
    layers.push(tarFile);
    files += Number(spawnSync('sh', ['-c', `tar -tf ${tarFile} | wc -l`]).stdout.toString().trim());
  }
  rmSync(trees, { recursive: true, force: true });
  // A docker-archive built with GNU tar: the layers under their digests, a config, manifest.json.
  const arch = join(root, 'archive');
  mkdirSync(join(arch, 'blobs', 'sha256'), { recursive: true });
  const diffIds: string[] = [];
  const layerPaths: string[] = [];
  for (const l of layers) {
    const hex = spawnSync('sha256sum', [l]).stdout.toString().split(' ')[0]!;
    diffIds.push(`sha256:${hex}`);
    layerPaths.push(`blobs/sha256/${hex}`);
    sh('cp', [l, join(arch, 'blobs', 'sha256', hex)]);
  }
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: '2026-01-01T00:00:00Z', created_by: 'bench' })),
  });
  const configHex = spawnSync('sha256sum', { input: config }).stdout.toString().split(' ')[0]!;
  writeFileSync(join(arch, 'blobs', 'sha256', configHex), config);
  writeFileSync(
    join(arch, 'manifest.json'),
    JSON.stringify([{ Config: `blobs/sha256/${configHex}`, RepoTags: ['bench/big:v1'], Layers: layerPaths }]),
  );
  const archive = join(root, 'image.tar');
  sh('tar', ['-C', arch, '-cf', archive, 'blobs', 'manifest.json']);
  rmSync(arch, { recursive: true, force: true });
  const bytes = layers.reduce((a, l) => a + statSync(l).size, 0);
  return { archive, layers, bytes, files };
}

async function benchLoad(root: string, w: Workload, pairs: number, rows: Row[]): Promise<void> {
  const d = await startDaemon(join(root, 'load-daemon'));
  const berth: number[] = [];
  const tar: number[] = [];
  try {
    const once = async (): Promise<number> => {
      const t = await asecs(async () => {
        const r = await call(d.socket, 'POST', '/images/load?quiet=1', { file: w.archive });
        if (r.status !== 200 || !r.body.includes('Loaded image')) throw new Error(`load failed: ${r.status} ${r.body}`);
      });
      const rm = await call(d.socket, 'DELETE', '/images/bench/big:v1');
      if (rm.status !== 200) throw new Error(`rmi failed: ${rm.body}`);
      return t;
    };
    const tarOnce = (): number => {
      const dest = join(root, 'tar-x');
      const dirs = w.layers.map((_, i) => join(dest, String(i)));
      for (const x of dirs) mkdirSync(x, { recursive: true });
      const t = secs(() => w.layers.forEach((l, i) => sh('tar', ['-C', dirs[i]!, '-xf', l])));
      rmSync(dest, { recursive: true, force: true });
      return t;
    };
    await once(); // warm-up: page cache, JIT
    // tar's warm-up only in the full pass: the layers were just written, so they are in the
    // page cache already, and one tar run is ~10 s of the quick pass on this disk.
    if (pairs > 1) tarOnce();
    for (let i = 0; i < pairs; i++) {
      berth.push(await once());
      tar.push(tarOnce());
    }
  } finally {
    await d.stop();
  }
  const mb = w.bytes / 1e6;
  rows.push({
    workload: `load ${mb.toFixed(0)} MB, 4 layers, ${w.files} files`,
    unit: 's',
    berth,
    baseline: tar,
    baselineName: 'GNU tar -x',
    target: '≤ 1.5',
    extra: `berth ${(mb / median(berth)).toFixed(0)} MB/s, tar ${(mb / median(tar)).toFixed(0)} MB/s`,
  });
}

async function benchStart(root: string, n: number, rows: Row[]): Promise<void> {
  const empty: number[] = [];
  for (let i = 0; i < n; i++) {
    const dir = join(root, `start-${i}`);
    mkdirSync(dir, { recursive: true });
    const d = await startDaemon(dir);
    empty.push(d.readyMs / 1000);
    await d.stop();
    // Second start on the same root: the usual case (engine ID, driver and stores exist).
    const again = await startDaemon(dir);
    empty[empty.length - 1] = again.readyMs / 1000;
    await again.stop();
  }
  rows.push({ workload: 'berthd start to ready (/_ping answers)', unit: 's', berth: empty, extra: 'dockerd here: 0.89 s (peers.md)' });
}

async function benchRss(root: string, rows: Row[], loadArchive?: string): Promise<void> {
  const d = await startDaemon(join(root, 'rss'));
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const fresh = rssKiB(d.child.pid!) / 1024;
    let after = fresh;
    if (loadArchive) {
      await call(d.socket, 'POST', '/images/load?quiet=1', { file: loadArchive });
      await call(d.socket, 'GET', '/images/json');
      await new Promise((r) => setTimeout(r, 3000));
      after = rssKiB(d.child.pid!) / 1024;
    }
    rows.push({
      workload: 'berthd idle RSS, fresh',
      unit: 'MiB',
      berth: [fresh],
      target: '≤ 60 MiB',
    });
    if (loadArchive) rows.push({ workload: 'berthd idle RSS after a 160 MB load', unit: 'MiB', berth: [after], target: '≤ 60 MiB' });
  } finally {
    await d.stop();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const want = (w: string): boolean => !args.only || args.only.has(w);
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  // --tmpfs: everything (data roots, tar's target) on a tmpfs, so the figures measure berth's
  // work and not this disk, whose file creation speed varies tenfold with recent deletes.
  if (args.tmpfs) sh('mount', ['-t', 'tmpfs', '-o', 'size=4g', 'tmpfs', root]);
  const rows: Row[] = [];
  // Each group's wall time on stderr: progress while it runs, and where a pass spends its time.
  const group = async (name: string, run: () => unknown): Promise<void> => {
    const t0 = Date.now();
    await run();
    console.error(`bench: ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    if (['pull', 'registry', ...PEER_WORKLOADS].some(want)) ensurePeerPackages();
    let workload: Workload | undefined;
    if (want('load') || want('rss') || want('pull')) await group('workload image', () => (workload = makeWorkload(join(root, 'workload'))));
    // The quick pass (under 3 minutes) takes one pair of the two slowest workloads, load and
    // pull, whose baselines (GNU tar on this disk, dockerd's pull) take ~10 s a run.
    if (want('load') && workload) await group('load', () => benchLoad(root, workload!, args.quick ? 1 : 7, rows));
    if (want('start')) await group('start', () => benchStart(root, args.quick ? 3 : 7, rows));
    if (want('rss')) await group('rss', () => benchRss(root, rows, workload?.archive));
    if (want('pull') && workload) await group('pull', () => benchPull(root, workload!.archive, args.quick ? 1 : 5, rows));
    const containers = CONTAINER_WORKLOADS.filter(want);
    if (containers.length > 0) await group('containers', () => benchContainers(root, new Set(containers), args.quick, rows));
    const networks = NETWORK_WORKLOADS.filter(want);
    if (networks.length > 0) await group('networks', () => benchNetworks(root, new Set(networks), args.quick, rows));
    if (PEER_WORKLOADS.some(want)) await group('vs-docker', () => benchVsDocker(root, args.quick, rows, { dockerIptables: args.dockerIptables }));
    if (REGISTRY_WORKLOADS.some(want)) await group('registry', () => benchRegistry(root, args.quick, rows));
    const files = FILE_WORKLOADS.filter(want);
    if (files.length > 0) await group('files', () => benchFiles(root, new Set(files), args.quick, rows));
  } finally {
    if (args.tmpfs) sh('umount', [root]);
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`berth bench, ${new Date().toISOString()}, ${args.quick ? 'quick' : 'full'} pass, ${args.tmpfs ? 'on tmpfs' : `on ${tmpdir()}`}`);
  printTable(rows);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
