// `berth stats` / `berth container stats`: docker's resource table (stats.go,
// stats_helpers.go, formatter_stats.go). Each container's `GET /containers/{c}/stats` is read
// (stream=0 with --no-stream, one sample a second otherwise) and shown with docker's formulas:
//   CPU %  = Δcpu_stats.cpu_usage.total_usage / Δsystem_cpu_usage × online_cpus × 100
//            (Δ against precpu_stats, the daemon's earlier sample)
//   MEM    = memory_stats.usage − stats.total_inactive_file (cgroup v1) or − stats.inactive_file
//            (v2), when smaller than the usage; MEM % against memory_stats.limit
//   NET    = Σ rx_bytes / Σ tx_bytes over networks; BLOCK = Σ read / Σ write of
//            io_service_bytes_recursive; PIDS = pids_stats.current
// Without names it lists the running containers (all with -a) and, when streaming, follows
// container events to add and drop rows. Streaming redraws the table every half second in place
// (cursor home, each line then erase-to-end-of-line, then erase below).

import type { IncomingMessage } from 'node:http';
import { type ContainerStatsWire, containerList, containerStats } from '../../../client/containers.js';
import { systemEvents } from '../../../client/system.js';
import { bytesSize, humanSizeWithPrecision } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { writeList } from '../../output/format.js';
import { parseJsonLines } from '../../output/json-message.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';
import { truncateId } from '../truncate.js';

export interface StatsOptions {
  all?: boolean;
  format?: string;
  /** Commander's name for --no-stream: false when given. */
  stream?: boolean;
  /** Commander's name for --no-trunc: false when given. */
  trunc?: boolean;
}

export const statsCommand: CommandSpec<StatsOptions> = {
  group: 'container',
  name: 'stats',
  shortcuts: ['stats'],
  usage: '[OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  options: [
    { flags: '-a, --all', description: 'Show all containers (default shows just running)' },
    { flags: '--format <string>', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { flags: '--no-stream', description: 'Disable streaming stats and only pull the first result' },
    { flags: '--no-trunc', description: 'Do not truncate output' },
  ],
  run: (cli, args, opts) => runStats(cli, args, opts),
};

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
export const STATS_HEADERS = {
  Container: 'CONTAINER',
  Name: 'NAME',
  ID: 'CONTAINER ID',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};
const FIRST_SAMPLE_TIMEOUT_MS = 2000;
const REDRAW_MS = 500;

/** One row: docker's StatsEntry. */
export interface StatsEntry {
  container: string;
  name: string;
  id: string;
  cpuPercentage: number;
  memory: number;
  memoryLimit: number;
  memoryPercentage: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pidsCurrent: number;
  invalid: boolean;
  error?: unknown;
}

/** The row for one sample (calculate* in stats_helpers.go). */
export function statsEntry(container: string, v: ContainerStatsWire): StatsEntry {
  const memory = memUsageNoCache(v);
  const limit = v.memory_stats?.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(v.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const e of v.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '')[0];
    if (op === 'r' || op === 'R') read += e.value;
    else if (op === 'w' || op === 'W') write += e.value;
  }
  return {
    container,
    name: v.name ?? '',
    id: v.id ?? '',
    cpuPercentage: cpuPercent(v),
    memory,
    memoryLimit: limit,
    memoryPercentage: limit !== 0 ? (memory / limit) * 100 : 0,
    networkRx: rx,
    networkTx: tx,
    blockRead: read,
    blockWrite: write,
    pidsCurrent: v.pids_stats?.current ?? 0,
    invalid: false,
  };
}

export function cpuPercent(v: ContainerStatsWire): number {
  const cpuDelta = (v.cpu_stats?.cpu_usage?.total_usage ?? 0) - (v.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (v.cpu_stats?.system_cpu_usage ?? 0) - (v.precpu_stats?.system_cpu_usage ?? 0);
  let online = v.cpu_stats?.online_cpus ?? 0;
  if (online === 0) online = v.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

export function memUsageNoCache(v: ContainerStatsWire): number {
  const usage = v.memory_stats?.usage ?? 0;
  const stats = v.memory_stats?.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  if (v2 < usage) return usage - v2;
  return usage;
}

const percent = (x: number): string => `${x.toFixed(2)}%`;

/** docker's statsContext. */
export function statsContext(s: StatsEntry, trunc: boolean): object {
  return {
    Container: () => s.container,
    Name: () => (s.name.length > 1 ? s.name.slice(1) : '--'),
    ID: () => (trunc ? truncateId(s.id) : s.id),
    CPUPerc: () => (s.invalid ? '--' : percent(s.cpuPercentage)),
    MemUsage: () => (s.invalid ? '-- / --' : `${bytesSize(s.memory)} / ${bytesSize(s.memoryLimit)}`),
    MemPerc: () => (s.invalid ? '--' : percent(s.memoryPercentage)),
    NetIO: () => (s.invalid ? '--' : `${humanSizeWithPrecision(s.networkRx, 3)} / ${humanSizeWithPrecision(s.networkTx, 3)}`),
    BlockIO: () => (s.invalid ? '--' : `${humanSizeWithPrecision(s.blockRead, 3)} / ${humanSizeWithPrecision(s.blockWrite, 3)}`),
    PIDs: () => (s.invalid ? '--' : String(s.pidsCurrent)),
  };
}

function blankEntry(container: string): StatsEntry {
  return {
    container,
    name: '',
    id: '',
    cpuPercentage: 0,
    memory: 0,
    memoryLimit: 0,
    memoryPercentage: 0,
    networkRx: 0,
    networkTx: 0,
    blockRead: 0,
    blockWrite: 0,
    pidsCurrent: 0,
    invalid: false,
  };
}

/** A container whose stats are being read; `entry` is replaced by each sample. */
class Collector {
  entry: StatsEntry;
  readonly first: Promise<void>;
  private readonly abort = new AbortController();
  private res: IncomingMessage | undefined;

  constructor(cli: Cli, container: string, stream: boolean) {
    this.entry = blankEntry(container);
    let gotFirst = (): void => undefined;
    this.first = new Promise((r) => (gotFirst = r));
    const timer = setTimeout(() => {
      this.fail(new Error('timeout waiting for stats'), true);
      gotFirst();
    }, FIRST_SAMPLE_TIMEOUT_MS);
    void (async () => {
      try {
        this.res = await containerStats(cli.client(), container, { stream, signal: this.abort.signal });
        for await (const v of parseJsonLines(this.res)) {
          this.entry = statsEntry(container, v as ContainerStatsWire);
          clearTimeout(timer);
          gotFirst();
          if (!stream) break;
        }
        if (stream) this.fail(new Error('EOF'), false);
      } catch (err) {
        if (!this.abort.signal.aborted) this.fail(err, false);
      } finally {
        clearTimeout(timer);
        gotFirst();
      }
    })();
  }

  private fail(err: unknown, reset: boolean): void {
    this.entry = reset ? { ...blankEntry(this.entry.container), invalid: true, error: err } : { ...this.entry, invalid: true, error: err };
  }

  stop(): void {
    this.abort.abort();
    this.res?.destroy();
  }
}

export async function runStats(cli: Cli, containers: string[], opts: StatsOptions, signal?: AbortSignal): Promise<void> {
  const stream = opts.stream !== false;
  const trunc = opts.trunc !== false;
  const collectors = new Map<string, Collector>();
  const add = (container: string): void => {
    if (!collectors.has(container)) collectors.set(container, new Collector(cli, container, stream));
  };
  let events: IncomingMessage | undefined;
  const showAll = containers.length === 0;
  try {
    if (showAll) {
      // As docker: follow container events first, then list (a failure only matters when streaming).
      try {
        events = await systemEvents(cli.client(), { filters: JSON.stringify({ type: { container: true } }), ...(signal ? { signal } : {}) });
        void followEvents(events, opts.all === true, add, (id) => {
          collectors.get(id)?.stop();
          collectors.delete(id);
        });
      } catch (err) {
        if (stream) throw err;
      }
      for (const ctr of await containerList(cli.client(), { all: opts.all })) add(ctr.Id.slice(0, 12));
      await Promise.all([...collectors.values()].map((c) => c.first));
    } else {
      for (const c of containers) add(c);
      await Promise.all([...collectors.values()].map((c) => c.first));
      const errors = [...collectors.values()].flatMap((c) => (c.entry.error !== undefined ? [daemonErrorText(c.entry.error)] : []));
      if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
    }

    const render = (): string => {
      const chunks: string[] = [];
      writeList(
        { write: (s: string) => chunks.push(s) },
        [...collectors.values()].map((c) => c.entry),
        {
          format: opts.format || 'table',
          defaultTable: DEFAULT_TABLE,
          headers: STATS_HEADERS,
          typeName: '*container.statsContext',
          context: (e) => statsContext(e, trunc),
        },
      );
      return chunks.join('');
    };
    if (!stream) {
      cli.out.write(render());
      return;
    }
    while (!signal?.aborted) {
      const text = render();
      const lines = text.split('\n').map((l) => `${l}\x1b[K\n`);
      cli.out.write(`\x1b[H${lines.join('')}\x1b[J`);
      await sleep(REDRAW_MS, signal);
    }
  } finally {
    events?.destroy();
    for (const c of collectors.values()) c.stop();
  }
}

/** Adds containers as they start (or are created, with -a) and drops them when they die. */
async function followEvents(events: IncomingMessage, all: boolean, add: (id: string) => void, remove: (id: string) => void): Promise<void> {
  try {
    for await (const raw of parseJsonLines(events)) {
      const ev = raw as { Action?: string; status?: string; Actor?: { ID?: string } };
      const id = (ev.Actor?.ID ?? '').slice(0, 12);
      if (id === '') continue;
      const action = ev.Action ?? ev.status;
      if (action === 'start' || (all && action === 'create')) add(id);
      else if (!all && action === 'die') remove(id);
    }
  } catch {
    // The stream ends when stats stops.
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
