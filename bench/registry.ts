// Registry server workloads (issue 4): skopeo pushes and pulls one 200 MB single-layer image
// through `berth registry serve` and through Debian's docker-registry (distribution 2.8), each
// on its own temp root and port, in alternated pairs because this VM's speed drifts; raw blob
// GET throughput of the 200 MB blob from each with curl; the servers' memory. Before each
// push the blob is removed from the registry (link and data, untimed) so every push uploads
// all bytes, as in peers.md's 36-skopeo-blob.sh. Benchmarks never fail on a missed target.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { MB, type Row, median, rssKiB, sh, timeCmd } from './common.js';

export const REGISTRY_WORKLOADS = ['registry'];

const REGISTRY_JS = fileURLToPath(new URL('../src/cmd/registry.js', import.meta.url));

export interface Server {
  name: string;
  child: ChildProcess;
  hostPort: string;
  /** Where the blob's bytes live on disk, to remove them before a push. */
  blobData(digest: string): string;
  stop(): Promise<void>;
}

interface Image {
  layout: string;
  layerDigest: string;
  layerBytes: number;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** An OCI layout with one layer: a tar of 200 MiB of random bytes, gzipped without compression. */
async function makeImage(root: string): Promise<Image> {
  const src = join(root, 'src');
  mkdirSync(src, { recursive: true });
  const chunk = randomBytes(8 * MB);
  const ws = createWriteStream(join(src, 'random.bin'));
  for (let i = 0; i < 25; i++) {
    chunk[0] = i;
    if (!ws.write(Buffer.from(chunk))) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => ws.end(() => resolve()));
  const tar = join(root, 'layer.tar');
  sh('tar', ['-C', src, '-cf', tar, 'random.bin']);
  const gz = join(root, 'layer.tar.gz');
  await pipeline(createReadStream(tar), createGzip({ level: 0 }), createWriteStream(gz));
  const fileDigest = async (p: string): Promise<string> => {
    const h = createHash('sha256');
    for await (const c of createReadStream(p)) h.update(c as Buffer);
    return `sha256:${h.digest('hex')}`;
  };
  const diffId = await fileDigest(tar);
  const layerDigest = await fileDigest(gz);
  const layerBytes = statSync(gz).size;
  const layout = join(root, 'layout');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  sh('mv', [gz, join(blobs, layerDigest.slice(7))]);
  rmSync(tar);
  rmSync(src, { recursive: true });
  const put = (b: Buffer): string => {
    const d = `sha256:${createHash('sha256').update(b).digest('hex')}`;
    writeFileSync(join(blobs, d.slice(7)), b);
    return d;
  };
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layerBytes }],
    }),
  );
  const md = put(manifest);
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
    }),
  );
  return { layout, layerDigest, layerBytes };
}

async function waitReady(hostPort: string, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
    if (await fetch(`http://${hostPort}/v2/`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} did not answer on ${hostPort}`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
}

export async function startBerth(root: string): Promise<Server> {
  const port = await freePort();
  const data = join(root, 'berth-registry');
  const child = spawn(process.execPath, [REGISTRY_JS, 'serve', '--addr', `127.0.0.1:${port}`, '--root', data, '--access-log', 'off'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const hostPort = `127.0.0.1:${port}`;
  await waitReady(hostPort, child, 'berth registry');
  const blobData = (d: string): string => join(data, 'blobs', 'sha256', d.slice(7, 9), d.slice(7));
  return { name: 'berth registry', child, hostPort, blobData, stop: stopper(child) };
}

async function startDistribution(root: string): Promise<Server> {
  const port = await freePort();
  const dir = join(root, 'docker-registry');
  mkdirSync(dir, { recursive: true });
  // The configuration of peers.md's 21-start-registry.sh, on this bench's own root and port.
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  cache:',
      '    blobdescriptor: inmemory',
      '  filesystem:',
      `    rootdirectory: ${dir}/data`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const hostPort = `127.0.0.1:${port}`;
  await waitReady(hostPort, child, 'docker-registry');
  const blobData = (d: string): string => join(dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', d.slice(7, 9), d.slice(7));
  return { name: 'docker-registry', child, hostPort, blobData, stop: stopper(child) };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssKiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

export async function benchRegistry(root: string, quick: boolean, rows: Row[]): Promise<void> {
  const pairs = quick ? 2 : 5;
  const img = await makeImage(join(root, 'registry-image'));
  const policy = join(root, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const skopeo = (args: string[]): number => timeCmd('skopeo', ['--policy', policy, 'copy', '-q', ...args]);
  const ref = (s: Server): string => `docker://${s.hostPort}/bench/blob200:v1`;
  const blobUrl = (s: Server): string => `http://${s.hostPort}/v2/bench/blob200/blobs/${img.layerDigest}`;
  const servers = [await startBerth(root), await startDistribution(root)];
  const [berth, dist] = servers as [Server, Server];
  const push = new Map<Server, number[]>(servers.map((s) => [s, []]));
  const pull = new Map<Server, number[]>(servers.map((s) => [s, []]));
  const get = new Map<Server, number[]>(servers.map((s) => [s, []]));
  const cpuPush = new Map<Server, number[]>(servers.map((s) => [s, []]));
  try {
    const pushOnce = async (s: Server): Promise<number> => {
      await fetch(blobUrl(s), { method: 'DELETE' });
      rmSync(s.blobData(img.layerDigest), { recursive: true, force: true });
      const cpu0 = cpuSeconds(s.child.pid!);
      const t = skopeo(['--dest-tls-verify=false', `oci:${img.layout}:v1`, ref(s)]);
      cpuPush.get(s)!.push(cpuSeconds(s.child.pid!) - cpu0);
      return t;
    };
    const pullOnce = (s: Server): number => {
      const out = join(root, 'pulled');
      rmSync(out, { recursive: true, force: true });
      const t = skopeo(['--src-tls-verify=false', ref(s), `dir:${out}`]);
      const got = statSync(join(out, img.layerDigest.slice(7))).size;
      if (got !== img.layerBytes) throw new Error(`${s.name}: pulled ${got} bytes, want ${img.layerBytes}`);
      rmSync(out, { recursive: true, force: true });
      return t;
    };
    const getOnce = (s: Server): number => {
      const t = timeCmd('curl', ['-sf', '-o', '/dev/null', blobUrl(s)]);
      return img.layerBytes / t / 1e9;
    };
    // Warm-up: page cache, JIT, the registries' first writes.
    for (const s of servers) {
      await pushOnce(s);
      pullOnce(s);
      getOnce(s);
    }
    for (const m of cpuPush.values()) m.length = 0;
    for (let i = 0; i < pairs; i++) {
      for (const s of i % 2 ? [dist, berth] : servers) push.get(s)!.push(await pushOnce(s));
      for (const s of i % 2 ? [dist, berth] : servers) pull.get(s)!.push(pullOnce(s));
    }
    for (let i = 0; i < pairs + 2; i++) {
      for (const s of i % 2 ? [dist, berth] : servers) get.get(s)!.push(getOnce(s));
    }
    // 10 clients pulling at once: aggregate throughput and the server's peak memory under load.
    const clients = 10;
    const together = new Map<Server, number[]>(servers.map((s) => [s, []]));
    const peakUnderLoad = new Map<Server, number>(servers.map((s) => [s, 0]));
    const pullTogether = async (s: Server): Promise<number> => {
      const dirs = Array.from({ length: clients }, (_, i) => join(root, `pulled-${i}`));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      const sampler = setInterval(() => peakUnderLoad.set(s, Math.max(peakUnderLoad.get(s)!, rssKiB(s.child.pid!))), 20);
      const t0 = process.hrtime.bigint();
      await Promise.all(
        dirs.map(
          (d) =>
            new Promise<void>((resolve, reject) => {
              const c = spawn('skopeo', ['--policy', policy, 'copy', '-q', '--src-tls-verify=false', ref(s), `dir:${d}`], { stdio: 'ignore' });
              c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${s.name}: concurrent skopeo pull exited ${code}`))));
            }),
        ),
      );
      const t = Number(process.hrtime.bigint() - t0) / 1e9;
      clearInterval(sampler);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      return t;
    };
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      for (const s of i % 2 ? [dist, berth] : servers) together.get(s)!.push(await pullTogether(s));
    }
    const mb = img.layerBytes / 1e6;
    /** A row of berth registry's series against docker-registry's. */
    const pair = (workload: string, unit: string, series: Map<Server, number[]>, target: string | undefined, extra: string): void => {
      const b = series.get(berth)!;
      const d = series.get(dist)!;
      rows.push({ workload, unit, berth: b, baseline: d, baselineName: 'docker-registry', ...(target ? { target } : {}), extra });
    };
    const mbps = (xs: number[]): string => `${(mb / median(xs)).toFixed(0)} MB/s`;
    const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
    pair(
      `registry: ${clients} concurrent skopeo pulls of ${mb.toFixed(0)} MB (total)`, 's', together, '≤ docker-registry',
      `aggregate: berth ${((clients * mb) / median(together.get(berth)!)).toFixed(0)} MB/s, docker-registry ${((clients * mb) / median(together.get(dist)!)).toFixed(0)} MB/s; RSS under load: berth ${mib(peakUnderLoad.get(berth)!)}, docker-registry ${mib(peakUnderLoad.get(dist)!)}`,
    );
    pair(
      `registry push ${mb.toFixed(0)} MB, 1 layer (skopeo)`, 's', push, '≤ docker-registry',
      `berth ${mbps(push.get(berth)!)}, ${median(cpuPush.get(berth)!).toFixed(2)} s server CPU; docker-registry ${mbps(push.get(dist)!)}, ${median(cpuPush.get(dist)!).toFixed(2)} s CPU`,
    );
    pair(`registry pull ${mb.toFixed(0)} MB, 1 layer (skopeo)`, 's', pull, '≤ docker-registry', `berth ${mbps(pull.get(berth)!)}, docker-registry ${mbps(pull.get(dist)!)}`);
    pair(`registry raw blob GET ${mb.toFixed(0)} MB (curl)`, 'GB/s', get, '≥ 1.2 GB/s', 'higher is better');
    const rss = new Map(servers.map((s) => [s, [rssKiB(s.child.pid!) / 1024]]));
    pair('registry server RSS after the workload (peak)', 'MiB', rss, undefined, `peak: berth ${mib(peakRssKiB(berth.child.pid!))}, docker-registry ${mib(peakRssKiB(dist.child.pid!))}`);
  } finally {
    for (const s of servers) await s.stop();
  }
}
