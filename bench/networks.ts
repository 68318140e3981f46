// Network workloads (issue 5): what bridge networking adds to `docker run --rm busybox true`
// next to `--network none` in alternated pairs, a run with one published port, and 50
// containers created and started on one user-defined network.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_JS, type Row, asecs, median, sh, startDaemon, timeCmd } from './common.js';

export const NETWORK_WORKLOADS = ['bridge', 'publish', 'many'];

export async function benchNetworks(root: string, which: Set<string>, quick: boolean, rows: Row[]): Promise<void> {
  const d = await startDaemon(join(root, 'networks-daemon'));
  const config = join(root, 'docker-config-net');
  mkdirSync(config, { recursive: true });
  const env = { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: config };
  const docker = (args: string[]): string => sh('docker', args, env);
  const run = (args: string[]): number => timeCmd('docker', ['run', '--rm', ...args, 'busybox', 'true'], env);
  try {
    sh(CLI_JS, ['-H', d.host, 'image', 'seed']);
    const n = quick ? 5 : 15;
    if (which.has('bridge') || which.has('publish')) {
      const bridge: number[] = [];
      const none: number[] = [];
      const pub: number[] = [];
      for (let i = 0; i < 2; i++) {
        run([]);
        run(['--network', 'none']);
      }
      for (let i = 0; i < n; i++) {
        bridge.push(run([]));
        none.push(run(['--network', 'none']));
        if (which.has('publish')) pub.push(run(['-p', '127.0.0.1::80']));
      }
      const added = (xs: number[]): string => `${((median(xs) - median(none)) * 1000).toFixed(0)} ms over none`;
      rows.push({
        workload: 'docker CLI: run --rm busybox true, default bridge',
        unit: 's',
        berth: bridge,
        baseline: none,
        baselineName: 'same with --network none',
        target: 'bridge adds ≤ 40 ms',
        extra: `${added(bridge)}; dockerd adds ~0.35 s (peers.md)`,
      });
      if (which.has('publish')) {
        rows.push({ workload: 'docker CLI: run --rm -p 127.0.0.1::80 busybox true', unit: 's', berth: pub, baseline: none, baselineName: 'same with --network none', extra: added(pub) });
      }
    }
    if (which.has('many')) {
      const count = quick ? 20 : 50;
      const times: number[] = [];
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        docker(['network', 'create', 'benchnet']);
        const ids: string[] = [];
        times.push(
          await asecs(async () => {
            for (let i = 0; i < count; i++) ids.push(docker(['run', '-d', '--network', 'benchnet', 'busybox', 'sleep', '600']).trim());
          }),
        );
        docker(['rm', '-f', ...ids]);
        docker(['network', 'rm', 'benchnet']);
      }
      rows.push({ workload: `docker CLI: ${count} × run -d on one network (total)`, unit: 's', berth: times, extra: `${((median(times) / count) * 1000).toFixed(0)} ms per container` });
    }
  } finally {
    await d.stop();
  }
}
