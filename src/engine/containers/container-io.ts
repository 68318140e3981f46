// A container's I/O and observation: attach, logs, wait, resize, top, stats. Output comes from
// the monitor (attach socket, log file), never through berthd's own pipes, so it keeps flowing
// while berthd is down and is there again after a restart.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { EngineError, conflict } from '../../core/errors.js';
import type { OutputChunk, TaskStats } from '../../runtime/task-service.js';
import { DeferredAttach, type AttachSession } from './attach-session.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { isActive } from './lifecycle.js';

export interface LogEntry {
  /** Nanoseconds since the epoch. */
  time: bigint;
  stream: 'stdout' | 'stderr';
  line: Buffer;
}

export interface LogReadOptions {
  tail?: number;
  since?: bigint;
  until?: bigint;
  follow?: boolean;
  /** Resolves when following should stop once the file is drained (the container exited). */
  stopWhen?: Promise<unknown>;
  signal?: AbortSignal;
}

/** Reads a container's log file (runtime/k8s-file-log.ts), injected by the composition root. */
export type LogReader = (path: string, opts: LogReadOptions) => AsyncIterable<LogEntry>;

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Replay the log first. */
  logs: boolean;
  /** Stream live output (false: logs only). */
  stream: boolean;
}

export interface LogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: number;
  since?: bigint;
  until?: bigint;
  signal?: AbortSignal;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  statusCode: number;
  error?: string;
}

export interface StatsSample extends TaskStats {
  /** Host CPU time in ns (all CPUs), from /proc/stat, for the CPU % formula. */
  systemCpuNs: bigint;
  onlineCpus: number;
  /** By interface inside the container (eth0, …), as the container sees its traffic. */
  networks: Record<string, InterfaceStats>;
}

export interface InterfaceStats {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface TopResult {
  titles: string[];
  processes: string[][];
}

const run = promisify(execFile);

export class ContainerIo {
  constructor(
    private readonly containers: ContainerService,
    private readonly readLog: LogReader,
  ) {}

  async attach(ref: string, opts: AttachOptions): Promise<AttachSession> {
    const rec = this.containers.resolve(ref);
    const choice = { stdout: opts.stdout, stderr: opts.stderr };
    const session = new DeferredAttach(choice);
    if (opts.logs) session.replay(await this.collectLog(rec, choice));
    if (!opts.stream) {
      session.end();
      return session;
    }
    const status = rec.state.status;
    if (status === 'running' || status === 'paused') {
      const task = await this.containers.task(rec);
      await session.connect(await task.attach());
    } else if (status === 'created' || status === 'restarting') {
      // Connected by start(), before the process runs.
      this.containers.addPendingAttach(rec.id, session);
    } else {
      session.end();
    }
    if (status === 'running' || status === 'created' || status === 'restarting' || status === 'paused') {
      this.containers.publish(rec, 'attach');
    }
    return session;
  }

  private async collectLog(rec: ContainerRecord, choice: { stdout: boolean; stderr: boolean }): Promise<OutputChunk[]> {
    const out: OutputChunk[] = [];
    for await (const e of this.readLog(this.containers.logPath(rec.id), {})) {
      if ((e.stream === 'stdout' && choice.stdout) || (e.stream === 'stderr' && choice.stderr)) {
        out.push({ stream: e.stream, data: e.line });
      }
    }
    return out;
  }

  logs(ref: string, opts: LogsOptions): { tty: boolean; entries: AsyncIterable<LogEntry> } {
    const rec = this.containers.resolve(ref);
    const follow = opts.follow && isActive(rec.state.status);
    const readOpts: LogReadOptions = { follow };
    if (opts.tail !== undefined) readOpts.tail = opts.tail;
    if (opts.since !== undefined) readOpts.since = opts.since;
    if (opts.until !== undefined) readOpts.until = opts.until;
    if (opts.signal) readOpts.signal = opts.signal;
    if (follow) readOpts.stopWhen = this.containers.nextExit(rec.id, opts.signal).catch(() => undefined);
    const entries = this.readLog(this.containers.logPath(rec.id), readOpts);
    const filtered = async function* (): AsyncGenerator<LogEntry> {
      for await (const e of entries) {
        if ((e.stream === 'stdout' && opts.stdout) || (e.stream === 'stderr' && opts.stderr)) yield e;
      }
    };
    return { tty: rec.spec.tty, entries: filtered() };
  }

  /**
   * Waits by Docker's conditions. The caller has sent its headers already (docker run waits
   * for them before it starts the container).
   */
  async wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    const rec = this.containers.resolve(ref);
    if (condition === 'removed') {
      // The exit comes before the removal (docker run --rm waits like this before it starts).
      let code = rec.state.exitCode;
      this.containers.nextExit(rec.id, signal).then(
        (st) => {
          code = st.exitCode;
        },
        () => undefined,
      );
      await this.containers.removed(rec.id, signal);
      return { statusCode: code };
    }
    if (condition === 'not-running' && !isActive(rec.state.status)) {
      return { statusCode: rec.state.exitCode };
    }
    const status = await this.containers.nextExit(rec.id, signal);
    return { statusCode: status.exitCode };
  }

  async resize(ref: string, size: { rows: number; cols: number }): Promise<void> {
    const rec = this.containers.resolve(ref);
    if (!isActive(rec.state.status)) throw conflict(`Container ${rec.id} is not running`);
    await (await this.containers.task(rec)).resize(size);
  }

  async top(ref: string, psArgs = '-ef'): Promise<TopResult> {
    const rec = this.containers.resolve(ref);
    if (!isActive(rec.state.status)) throw conflict(`Container ${rec.id} is not running`);
    const pids = new Set(await (await this.containers.task(rec)).pids());
    let stdout: string;
    try {
      ({ stdout } = await run('ps', psArgs.split(/\s+/).filter(Boolean), { maxBuffer: 16 << 20 }));
    } catch (err) {
      throw new EngineError('internal', `Error running ps: ${(err as Error).message}`, { cause: err });
    }
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    const header = lines[0] ?? '';
    const titles = header.trim().split(/\s+/);
    const pidCol = titles.indexOf('PID');
    if (pidCol < 0) throw new EngineError('internal', `Couldn't find PID field in ps output`);
    const processes: string[][] = [];
    for (const line of lines.slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (!pids.has(Number(fields[pidCol]))) continue;
      // The last column (the command) keeps its spaces.
      const row = fields.slice(0, titles.length - 1);
      row.push(fields.slice(titles.length - 1).join(' '));
      processes.push(row);
    }
    return { titles, processes };
  }

  async stats(ref: string): Promise<StatsSample | undefined> {
    const rec = this.containers.resolve(ref);
    if (!isActive(rec.state.status) || rec.state.status === 'restarting') return undefined;
    const [s, system, networks] = await Promise.all([(await this.containers.task(rec)).stats(), systemCpu(), networkStats(rec)]);
    return { ...s, ...system, networks };
  }
}

/**
 * Traffic of each bridge interface, read on the host end of its veth pair without entering the
 * container: what the host end receives, the container sent.
 */
async function networkStats(rec: ContainerRecord): Promise<Record<string, InterfaceStats>> {
  const out: Record<string, InterfaceStats> = {};
  for (const ep of Object.values(rec.state.network?.endpoints ?? {})) {
    const read = (name: string): Promise<number> =>
      readFile(`/sys/class/net/${ep.hostIf}/statistics/${name}`, 'utf8').then((t) => Number(t.trim()), () => 0);
    const [rb, rp, re, rd, tb, tp, te, td] = await Promise.all(
      ['tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped', 'rx_bytes', 'rx_packets', 'rx_errors', 'rx_dropped'].map(read),
    );
    out[ep.ifname] = { rxBytes: rb!, rxPackets: rp!, rxErrors: re!, rxDropped: rd!, txBytes: tb!, txPackets: tp!, txErrors: te!, txDropped: td! };
  }
  return out;
}

/** Host CPU time from /proc/stat's `cpu` line (clock ticks of 10 ms) and the CPUs online. */
async function systemCpu(): Promise<{ systemCpuNs: bigint; onlineCpus: number }> {
  const text = await readFile('/proc/stat', 'utf8');
  const first = text.split('\n', 1)[0] ?? '';
  const ticks = first
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .reduce((a, v) => a + BigInt(v), 0n);
  const onlineCpus = text.split('\n').filter((l) => /^cpu\d+\s/.test(l)).length;
  return { systemCpuNs: ticks * 10_000_000n, onlineCpus };
}
