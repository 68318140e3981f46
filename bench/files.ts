// File workloads (issue 6): `docker cp` of a 100 MB directory out of and into a running
// container next to GNU tar copying the same directory (tar -c | tar -x) in alternated pairs,
// and `docker commit` of a container holding 50 MB of changes.

import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_JS, MB, type Row, sh, startDaemon, timeCmd } from './common.js';

export const FILE_WORKLOADS = ['cp', 'commit'];

/** `bytes` in files of about 48 KiB (exponentially spread) below 20 directories. */
function makeDir(dir: string, bytes: number): number {
  const pool = randomBytes(4 * MB);
  let total = 0;
  let i = 0;
  while (total < bytes) {
    const sub = join(dir, `d${i % 20}`);
    if (i < 20) mkdirSync(sub, { recursive: true });
    const size = Math.min(pool.length - 1, Math.floor(-Math.log(1 - Math.random()) * 48 * 1024));
    const off = Math.floor(Math.random() * (pool.length - size));
    writeFileSync(join(sub, `f${i}`), pool.subarray(off, off + size));
    total += size;
    i++;
  }
  return i;
}

export async function benchFiles(root: string, which: Set<string>, quick: boolean, rows: Row[]): Promise<void> {
  const d = await startDaemon(join(root, 'files-daemon'));
  const config = join(root, 'docker-config-files');
  mkdirSync(config, { recursive: true });
  const env = { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: config };
  const docker = (args: string[]): string => sh('docker', args, env);
  const pairs = quick ? 2 : 7;
  try {
    sh(CLI_JS, ['-H', d.host, 'image', 'seed']);
    if (which.has('cp')) {
      const src = join(root, 'cp-src', 'tree');
      const files = makeDir(src, 100 * MB);
      docker(['run', '-d', '--name', 'cpbench', 'busybox', 'sleep', '3600']);
      docker(['cp', src, 'cpbench:/src']);
      const out = join(root, 'cp-out');
      const tarCopy = (): number => {
        mkdirSync(out, { recursive: true });
        const t = timeCmd('bash', ['-c', 'tar -C "$0" -cf - tree | tar -C "$1" -xf -', join(root, 'cp-src'), out]);
        rmSync(out, { recursive: true, force: true });
        return t;
      };
      const cpOut = (): number => {
        const t = timeCmd('docker', ['cp', 'cpbench:/src', out], env);
        rmSync(out, { recursive: true, force: true });
        return t;
      };
      const cpIn = (): number => {
        const t = timeCmd('docker', ['cp', src, 'cpbench:/in'], env);
        docker(['exec', 'cpbench', 'rm', '-rf', '/in']);
        return t;
      };
      // Warm-ups (page cache, JIT) in the full pass only: the tree was just written.
      if (!quick) {
        cpOut();
        cpIn();
        tarCopy();
      }
      const outs: number[] = [];
      const ins: number[] = [];
      const tars: number[] = [];
      for (let i = 0; i < pairs; i++) {
        outs.push(cpOut());
        tars.push(tarCopy());
        ins.push(cpIn());
      }
      const extra = `${files} files`;
      rows.push({ workload: 'docker cp of a 100 MB directory out of a container', unit: 's', berth: outs, baseline: tars, baselineName: 'tar -c | tar -x of it', target: '≤ 1.5× tar', extra });
      rows.push({ workload: 'docker cp of a 100 MB directory into a container', unit: 's', berth: ins, baseline: tars, baselineName: 'tar -c | tar -x of it', target: '≤ 1.5× tar', extra });
      docker(['rm', '-f', 'cpbench']);
      rmSync(join(root, 'cp-src'), { recursive: true, force: true });
    }
    if (which.has('commit')) {
      const src = join(root, 'commit-src');
      makeDir(src, 50 * MB);
      docker(['run', '-d', '--name', 'commitbench', 'busybox', 'sleep', '3600']);
      docker(['cp', src, 'commitbench:/changes']);
      const times: number[] = [];
      for (let i = 0; i < pairs; i++) {
        times.push(timeCmd('docker', ['commit', 'commitbench', `committed:${i}`], env));
        docker(['rmi', `committed:${i}`]);
      }
      rows.push({ workload: 'docker commit of a container with 50 MB of changes', unit: 's', berth: times });
      docker(['rm', '-f', 'commitbench']);
      rmSync(src, { recursive: true, force: true });
    }
  } finally {
    await d.stop();
  }
}
