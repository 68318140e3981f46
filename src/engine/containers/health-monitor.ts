// Healthchecks that really run: for a running container with a HEALTHCHECK (image or
// --health-*), the probe runs as an exec in the container every interval (the start interval
// during the start period), and State.Health follows Docker's rules: `starting` until the
// first success or until `retries` failures past the start period, then `healthy` or
// `unhealthy`; the last five results are kept; each change is a `health_status` event.

import type { Logger } from 'pino';
import type { OciProcess } from '../../oci/runtime-spec.js';
import type { Task } from '../../runtime/task-service.js';
import type { ContainerRecord, HealthLogEntry, HealthState } from './container-record.js';

const NS_PER_MS = 1_000_000;
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_START_INTERVAL_MS = 5_000;
const DEFAULT_RETRIES = 3;
const MAX_LOG_ENTRIES = 5;
const MAX_OUTPUT = 4096;

export interface HealthHost {
  /** Reads the current record (undefined once removed). */
  get(id: string): ContainerRecord | undefined;
  /** Saves a health change and publishes the event. */
  setHealth(id: string, health: HealthState, changed: boolean): Promise<void>;
  /** The exec process for a probe (user, env, cwd of the container). */
  probeProcess(rec: ContainerRecord, cmd: string[]): Promise<OciProcess>;
  log: Logger;
}

interface Watch {
  timer?: NodeJS.Timeout;
  startedAt: number;
  stopped: boolean;
}

/** The probe command, or undefined when there is no healthcheck (or it is disabled). */
export function probeCommand(rec: ContainerRecord): string[] | undefined {
  const test = rec.spec.healthcheck?.Test;
  if (!test || test.length === 0) return undefined;
  switch (test[0]) {
    case 'NONE':
      return undefined;
    case 'CMD':
      return test.slice(1);
    case 'CMD-SHELL':
      return ['/bin/sh', '-c', test.slice(1).join(' ')];
    default:
      return undefined;
  }
}

export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly host: HealthHost) {}

  /** Begins probing a container that just started. */
  watch(rec: ContainerRecord, task: Task): HealthState | undefined {
    this.stop(rec.id);
    const cmd = probeCommand(rec);
    if (!cmd) return undefined;
    const w: Watch = { startedAt: Date.now(), stopped: false };
    this.watches.set(rec.id, w);
    this.schedule(rec.id, task, cmd, w, this.interval(rec, w));
    return { status: 'starting', failingStreak: 0, log: [] };
  }

  stop(id: string): void {
    const w = this.watches.get(id);
    if (!w) return;
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.watches.delete(id);
  }

  private interval(rec: ContainerRecord, w: Watch): number {
    const h = rec.spec.healthcheck ?? {};
    const startPeriod = (h.StartPeriod ?? 0) / NS_PER_MS;
    if (Date.now() - w.startedAt < startPeriod && h.StartInterval) return h.StartInterval / NS_PER_MS;
    if (Date.now() - w.startedAt < startPeriod) return Math.min(DEFAULT_START_INTERVAL_MS, (h.Interval ?? 0) / NS_PER_MS || DEFAULT_INTERVAL_MS);
    return (h.Interval ?? 0) / NS_PER_MS || DEFAULT_INTERVAL_MS;
  }

  private schedule(id: string, task: Task, cmd: string[], w: Watch, delayMs: number): void {
    w.timer = setTimeout(() => {
      void this.probe(id, task, cmd, w).finally(() => {
        const rec = this.host.get(id);
        if (!w.stopped && rec) this.schedule(id, task, cmd, w, this.interval(rec, w));
      });
    }, delayMs);
    w.timer.unref();
  }

  private async probe(id: string, task: Task, cmd: string[], w: Watch): Promise<void> {
    const rec = this.host.get(id);
    if (!rec || w.stopped) return;
    const h = rec.spec.healthcheck ?? {};
    const timeoutMs = (h.Timeout ?? 0) / NS_PER_MS || DEFAULT_TIMEOUT_MS;
    const start = new Date();
    let exitCode = -1;
    let output = '';
    try {
      const proc = await task.exec({
        execId: `health-${id.slice(0, 12)}-${Date.now()}`,
        process: await this.host.probeProcess(rec, cmd),
        io: { terminal: false, stdin: false },
      });
      const io = await proc.attach();
      const collect = (async () => {
        for await (const c of io.output) if (output.length < MAX_OUTPUT) output += c.data.toString();
      })();
      await proc.start();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        proc.wait().then(
          (st) => {
            exitCode = st.exitCode;
            return false;
          },
          () => false,
        ),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        await proc.kill(9).catch(() => undefined);
        exitCode = -1;
        output = `Health check exceeded timeout (${timeoutMs / 1000}s)`;
      }
      io.close();
      await Promise.race([collect, new Promise((r) => setTimeout(r, 100))]);
    } catch (err) {
      exitCode = -1;
      output = (err as Error).message;
    }
    if (w.stopped) return;
    const cur = this.host.get(id);
    if (!cur) return;
    const prev: HealthState = cur.state.health ?? { status: 'starting', failingStreak: 0, log: [] };
    const entry: HealthLogEntry = { start: start.toISOString(), end: new Date().toISOString(), exitCode, output: output.slice(0, MAX_OUTPUT) };
    const log = [...prev.log, entry].slice(-MAX_LOG_ENTRIES);
    const retries = h.Retries || DEFAULT_RETRIES;
    const inStartPeriod = Date.now() - w.startedAt < (h.StartPeriod ?? 0) / NS_PER_MS;
    let next: HealthState;
    if (exitCode === 0) {
      next = { status: 'healthy', failingStreak: 0, log };
    } else if (inStartPeriod && prev.status === 'starting') {
      // Failures during the start period do not count.
      next = { status: 'starting', failingStreak: prev.failingStreak, log };
    } else {
      const streak = prev.failingStreak + 1;
      next = { status: streak >= retries ? 'unhealthy' : prev.status, failingStreak: streak, log };
    }
    await this.host.setHealth(id, next, next.status !== prev.status).catch((err: unknown) =>
      this.host.log.warn({ err, id }, 'cannot record a health result'),
    );
  }
}
