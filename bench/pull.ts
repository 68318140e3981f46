// Pull and push (issue 4): `docker pull -q` of the ~160 MB, 4-layer load workload image from a
// local docker-registry into berthd (the docker CLI as the client, as peers.md measured
// dockerd), the store emptied between runs (rmi, then the garbage collector), and the one push
// that put the image there (gzip of every layer included).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_BIN, startRegistry } from '../test/helpers/registry.js';
import { type Row, asecs, call, median, sh, startDaemon, timeCmd } from './common.js';
import { dockerdMissing, startDockerd } from './peers.js';
import { startBerth as startBerthRegistry } from './registry.js';

const DOCKER = '/usr/local/bin/docker';

export async function benchPull(root: string, archive: string, runs: number, rows: Row[]): Promise<void> {
  if (!existsSync(REGISTRY_BIN) || !existsSync(DOCKER)) {
    console.error(`pull: skipped (needs ${REGISTRY_BIN} and ${DOCKER})`);
    return;
  }
  const cleanups: (() => void | Promise<void>)[] = [];
  const d = await startDaemon(join(root, 'pull-daemon'));
  try {
    const reg = await startRegistry({ after: (fn) => cleanups.push(fn) });
    const name = `${reg.host}/bench/big:v1`;
    const loaded = await call(d.socket, 'POST', '/images/load?quiet=1', { file: archive });
    if (loaded.status !== 200) throw new Error(`load failed: ${loaded.status} ${loaded.body}`);
    const env = { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(root, 'pull-docker-config') };
    sh(DOCKER, ['tag', 'bench/big:v1', name], env);
    const push = await asecs(async () => {
      sh(DOCKER, ['push', '-q', name], env);
    });
    const blobs = join(root, 'pull-daemon', 'data', 'content', 'blobs', 'sha256');
    // Untimed between runs: remove the image and wait until the collector has emptied the store.
    const empty = async (names: string[]): Promise<void> => {
      sh(DOCKER, ['rmi', ...names], env);
      for (let i = 0; i < 400 && readdirSync(blobs).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    };
    await empty([name, 'bench/big:v1']);
    // The same pulls into a dockerd of the bench's own, alternated with berth's, when it is installed.
    const peer = dockerdMissing() ? undefined : await startDockerd(join(root, 'pull-dockerd'), { insecureRegistry: reg.host });
    cleanups.push(async () => peer?.stop());
    const pulls: number[] = [];
    const peerPulls: number[] = [];
    const peerPull = (): void => {
      peerPulls.push(timeCmd(DOCKER, ['pull', '-q', name], peer!.env));
      sh(DOCKER, ['rmi', name], peer!.env);
    };
    for (let i = 0; i < runs; i++) {
      if (peer && i % 2 === 1) peerPull();
      pulls.push(timeCmd(DOCKER, ['pull', '-q', name], env));
      await empty([name]);
      if (peer && i % 2 === 0) peerPull();
    }
    rows.push({
      workload: 'pull 160 MB, 4 layers, from docker-registry (docker pull -q)',
      unit: 's',
      berth: pulls,
      ...(peer ? { baseline: peerPulls, baselineName: 'dockerd 20.10', target: '≤ 0.4' } : {}),
      extra: `${peer ? '' : 'dockerd here: 3.32 s (peers.md); '}median ${median(pulls).toFixed(2)} s`,
    });
    rows.push({ workload: 'push of the same image (gzip included)', unit: 's', berth: [push], extra: 'dockerd here: 6.96 s once (peers.md)' });
    // Full pass: the same image in berth's own registry too, and berthd's pulls from it
    // alternated with pulls from docker-registry (the registry server under a real client).
    if (runs > 1) {
      const own = await startBerthRegistry(root);
      cleanups.push(() => own.stop());
      const ownName = `${own.hostPort}/bench/big:v1`;
      sh(DOCKER, ['pull', '-q', name], env);
      sh(DOCKER, ['tag', name, ownName], env);
      sh(DOCKER, ['push', '-q', ownName], env);
      await empty([name, ownName]);
      const fromOwn: number[] = [];
      const fromDist: number[] = [];
      for (let i = 0; i < runs; i++) {
        for (const [ref, into] of i % 2 ? [[name, fromDist], [ownName, fromOwn]] as const : [[ownName, fromOwn], [name, fromDist]] as const) {
          into.push(timeCmd(DOCKER, ['pull', '-q', ref], env));
          await empty([ref]);
        }
      }
      rows.push({
        workload: 'pull of the same image into berthd from berth registry',
        unit: 's',
        berth: fromOwn,
        baseline: fromDist,
        baselineName: 'from docker-registry',
        target: '≤ docker-registry',
      });
    }
  } finally {
    await d.stop();
    for (const fn of cleanups.reverse()) await fn();
  }
}
