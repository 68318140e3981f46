// `berth stats` against a stub daemon: docker's formulas and table, and the redraw.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatsWire } from '../../../client/containers.js';
import { StubServer } from '../testing/container-stub.js';
import { berth, eventually } from '../testing/run-berth.js';
import { cpuPercent, memUsageNoCache, runStats } from './stats.js';
import { fakeCli } from '../testing/fake-cli.js';

const ID = 'a'.repeat(64);

function sample(over: Partial<ContainerStatsWire> = {}): ContainerStatsWire {
  return {
    name: '/web',
    id: ID,
    pids_stats: { current: 3 },
    cpu_stats: { cpu_usage: { total_usage: 300_000_000 }, system_cpu_usage: 2_000_000_000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 100_000_000 }, system_cpu_usage: 1_000_000_000, online_cpus: 2 },
    memory_stats: { usage: 10_485_760, limit: 1_073_741_824, stats: { inactive_file: 1_048_576 } },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 8, minor: 0, op: 'read', value: 4096 },
        { major: 8, minor: 0, op: 'write', value: 8192 },
        { major: 8, minor: 0, op: 'Total', value: 12288 },
      ],
    },
    networks: { eth0: { rx_bytes: 1000, tx_bytes: 2000 }, eth1: { rx_bytes: 500, tx_bytes: 0 } },
    ...over,
  };
}

test('CPU % = Δcontainer / Δsystem × online CPUs × 100; memory less the inactive file cache', () => {
  assert.equal(cpuPercent(sample()), 40);
  // No online_cpus: the per-CPU list counts them.
  assert.equal(cpuPercent(sample({ cpu_stats: { cpu_usage: { total_usage: 300_000_000, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: 2_000_000_000 } })), 80);
  // No earlier sample or no progress: 0.
  assert.equal(cpuPercent(sample({ precpu_stats: { cpu_usage: { total_usage: 300_000_000 }, system_cpu_usage: 2_000_000_000 } })), 0);
  assert.equal(memUsageNoCache(sample()), 10_485_760 - 1_048_576);
  // cgroup v1 reports total_inactive_file, which wins.
  assert.equal(memUsageNoCache(sample({ memory_stats: { usage: 1000, stats: { total_inactive_file: 100, inactive_file: 300 } } })), 900);
  // A cache larger than the usage is not subtracted.
  assert.equal(memUsageNoCache(sample({ memory_stats: { usage: 1000, stats: { inactive_file: 5000 } } })), 1000);
});

test('stats --no-stream: one stream=0 sample per container, docker’s table', async (t) => {
  const stub = new StubServer().on('GET', '/containers/web/stats', (_req, res) => res.json(200, sample()));
  const r = await berth(t, stub, ['stats', '--no-stream', 'web']);
  assert.equal(r.code, 0);
  assert.deepEqual(stub.paths(), ['GET /containers/web/stats?stream=0']);
  assert.equal(
    r.out,
    'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O       BLOCK I/O        PIDS\n' +
      'aaaaaaaaaaaa   web       40.00%    9MiB / 1GiB         0.88%     1.5kB / 2kB   4.1kB / 8.19kB   3\n',
  );
});

test('stats --no-stream --format, --no-trunc; a missing container fails before any output', async (t) => {
  const stub = new StubServer().on('GET', '/containers/web/stats', (_req, res) => res.json(200, sample()));
  const r = await berth(t, stub, ['stats', '--no-stream', '--no-trunc', '--format', '{{.Container}} {{.ID}} {{.CPUPerc}} {{.PIDs}}', 'web']);
  assert.equal(r.out, `web ${ID} 40.00% 3\n`);
  const missing = new StubServer().on('GET', '/containers/nope/stats', (_req, res) => res.error(404, 'No such container: nope'));
  const m = await berth(t, missing, ['stats', '--no-stream', 'nope']);
  assert.deepEqual({ code: m.code, out: m.out, err: m.err }, { code: 1, out: '', err: 'Error response from daemon: No such container: nope\n' });
});

test('stats without names lists the running containers', async (t) => {
  const stub = new StubServer()
    .on('GET', '/events', (_req, res) => void res.stream())
    .on('GET', '/containers/json', (_req, res) => res.json(200, [{ Id: ID, Names: ['/web'] }]))
    .on('GET', `/containers/${ID.slice(0, 12)}/stats`, (_req, res) => res.json(200, sample()));
  const r = await berth(t, stub, ['stats', '--no-stream', '--format', '{{.Container}}: {{.MemUsage}}']);
  assert.equal(r.out, 'aaaaaaaaaaaa: 9MiB / 1GiB\n');
  assert.deepEqual(stub.paths(), ['GET /events?filters=%7B%22type%22%3A%7B%22container%22%3Atrue%7D%7D', 'GET /containers/json', `GET /containers/${ID.slice(0, 12)}/stats?stream=0`]);
});

test('streaming stats redraws the table in place until stopped', async (t) => {
  const stub = new StubServer().on('GET', '/containers/web/stats', (_req, res) => {
    const s = res.stream();
    s.write(`${JSON.stringify(sample())}\n`);
  });
  const cli = await fakeCli(t, stub);
  const stop = new AbortController();
  const done = runStats(cli, ['web'], { format: '{{.Name}} {{.CPUPerc}}' }, stop.signal);
  await eventually(() => cli.stdout().length > 0);
  stop.abort();
  await done;
  assert.equal(stub.requests[0]?.query.stream, '1');
  assert.match(cli.stdout(), /^\x1b\[Hweb 40\.00%\x1b\[K\n\x1b\[K\n\x1b\[J/);
});
