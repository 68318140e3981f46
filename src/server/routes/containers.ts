// Container routes: create, list, inspect, lifecycle, wait, logs, top, stats, resize, prune,
// and attach without Upgrade (with Upgrade it arrives through upgrade.ts).

import { EngineError } from '../../core/errors.js';
import { apiVersionBefore } from '../../api/version.js';
import type { LogEntry, StatsSample } from '../../engine/containers/container-io.js';
import { listContainers } from '../../engine/containers/container-list.js';
import { toCreateRequest, toUpdateRequest } from '../convert/container-create.js';
import { sizesWire, toContainerInspectWire, toContainerSummaryWire } from '../convert/container.js';
import { JSON_CONTENT_TYPE } from '../errors.js';
import { frameHeader, parseDetachKeys, pumpSession, streamContentType } from '../hijack.js';
import type { ApiRequest, RouteTable } from '../http-app.js';
import { requestSignal, sendEmpty, sendJson, startStream } from '../reply.js';
import { apiVersion, bool, filters, int, query, str } from '../request.js';
import type { RouteContext } from '../route-context.js';

type Params = { id: string };


export function registerContainerRoutes(app: RouteTable, ctx: RouteContext): void {
  const { containers, containerIo, exec, images, system } = ctx.backends;
  const driver = (): string => system.info().settings.storageDriver;
  const rootDir = (): string => `${system.info().settings.dataRoot}/containers`;

  app.post('/containers/create', async (req, reply) => {
    const q = query(req);
    const name = str(q, 'name');
    const platform = str(q, 'platform');
    const create = toCreateRequest(req.body, { ...(name ? { name } : {}), ...(platform ? { platform } : {}) });
    const result = await containers.create(create);
    return sendJson(reply, { Id: result.id, Warnings: result.warnings }, 201);
  });

  app.get('/containers/json', async (req, reply) => {
    const q = query(req);
    const limit = int(q, 'limit');
    const list = listContainers(
      containers.list(),
      { all: bool(q, 'all') || (limit !== undefined && limit > 0), ...(limit !== undefined ? { limit } : {}), filters: filters(q) },
      (ref) => {
        try {
          return images.find(ref)?.id;
        } catch {
          return undefined;
        }
      },
    );
    const withSize = bool(q, 'size');
    const wire = await Promise.all(
      list.map(async (r) => ({ ...toContainerSummaryWire(r, r.imageId), ...(withSize ? sizesWire(await containers.sizes(r)) : {}) })),
    );
    return sendJson(reply, wire);
  });

  app.get<Params>('/containers/:id/json', async (req, reply) => {
    const rec = containers.resolve(req.params.id);
    const sizes = bool(query(req), 'size') ? await containers.sizes(rec) : {};
    return sendJson(
      reply,
      toContainerInspectWire(rec, { rootDir: rootDir(), execIds: exec.idsOf(rec.id), driver: driver(), ...sizes }),
    );
  });

  app.post<Params>('/containers/:id/start', async (req, reply) => {
    await containers.start(req.params.id);
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/stop', async (req, reply) => {
    await containers.stop(req.params.id, stopOptions(req));
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/restart', async (req, reply) => {
    await containers.restart(req.params.id, stopOptions(req));
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/kill', async (req, reply) => {
    await containers.kill(req.params.id, str(query(req), 'signal') || undefined);
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/pause', async (req, reply) => {
    await containers.pause(req.params.id);
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/unpause', async (req, reply) => {
    await containers.unpause(req.params.id);
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/rename', async (req, reply) => {
    const name = str(query(req), 'name');
    if (!name) throw new EngineError('invalid-argument', 'Neither old nor new names may be empty');
    await containers.rename(req.params.id, name);
    return sendEmpty(reply, 204);
  });

  app.post<Params>('/containers/:id/update', async (req, reply) => {
    const warnings = await containers.update(req.params.id, toUpdateRequest(req.body));
    return sendJson(reply, { Warnings: warnings });
  });

  app.post<Params>('/containers/:id/resize', async (req, reply) => {
    const q = query(req);
    await containerIo.resize(req.params.id, { rows: int(q, 'h') ?? 0, cols: int(q, 'w') ?? 0 });
    return reply.code(200).header('Content-Type', 'text/plain; charset=utf-8').send('');
  });

  app.delete<Params>('/containers/:id', async (req, reply) => {
    const q = query(req);
    await containers.remove(req.params.id, { force: bool(q, 'force'), volumes: bool(q, 'v') });
    return sendEmpty(reply, 204);
  });

  app.post('/containers/prune', async (req, reply) => {
    const r = await containers.prune(filters(query(req)));
    return sendJson(reply, { ContainersDeleted: r.deleted.length > 0 ? r.deleted : null, SpaceReclaimed: r.spaceReclaimed });
  });

  app.post<Params>('/containers/:id/wait', async (req, reply) => {
    const q = query(req);
    const v = apiVersion(req);
    const raw = str(q, 'condition') ?? '';
    const condition = apiVersionBefore(v, '1.30') || raw === '' ? 'not-running' : raw;
    if (condition !== 'not-running' && condition !== 'next-exit' && condition !== 'removed') {
      throw new EngineError('invalid-argument', `invalid condition: "${raw}"`);
    }
    const rec = containers.resolve(req.params.id);
    // Headers go out at once: docker run starts the container only after they arrive.
    const { res, signal } = startStream(req, reply, ctx.identity, { 'Content-Type': JSON_CONTENT_TYPE });
    try {
      const r = await containerIo.wait(rec.id, condition, signal);
      res.end(`${JSON.stringify({ StatusCode: r.statusCode, Error: r.error ? { Message: r.error } : null })}\n`);
    } catch (err) {
      if (!res.destroyed) res.end(`${JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } })}\n`);
    }
  });

  app.post<Params>('/containers/:id/attach', async (req, reply) => {
    const q = query(req);
    const rec = containers.resolve(req.params.id);
    const session = await containerIo.attach(rec.id, attachOptions(q));
    // Without Upgrade: a bare 200 on the socket, no length, closed at the end (dockerode).
    reply.hijack();
    const socket = req.raw.socket;
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${streamContentType(rec.spec.tty, !apiVersionBefore(apiVersion(req), '1.42'))}\r\n\r\n`);
    pumpSession(socket, session, { tty: rec.spec.tty, stdin: false, detachKeys: parseDetachKeys(str(q, 'detachKeys')) });
  });

  app.get<Params>('/containers/:id/logs', async (req, reply) => {
    const q = query(req);
    const stdout = bool(q, 'stdout');
    const stderr = bool(q, 'stderr');
    if (!stdout && !stderr) throw new EngineError('invalid-argument', 'Bad parameters: you must choose at least one stream');
    const tail = str(q, 'tail');
    const since = timestampNs(str(q, 'since'));
    const until = timestampNs(str(q, 'until'));
    const signal = requestSignal(req, reply);
    const { tty, entries } = containerIo.logs(req.params.id, {
      stdout,
      stderr,
      follow: bool(q, 'follow'),
      ...(tail !== undefined && tail !== 'all' && Number(tail) >= 0 ? { tail: Number(tail) } : {}),
      ...(since !== undefined && since > 0n ? { since } : {}),
      ...(until !== undefined && until > 0n ? { until } : {}),
      signal,
    });
    const timestamps = bool(q, 'timestamps');
    const contentType = tty || apiVersionBefore(apiVersion(req), '1.42') ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
    const { res } = startStream(req, reply, ctx.identity, { 'Content-Type': contentType });
    try {
      for await (const e of entries) {
        if (res.destroyed) break;
        const line = timestamps ? Buffer.concat([Buffer.from(`${rfc3339NanoFixed(e)} `), e.line]) : e.line;
        res.write(tty ? line : Buffer.concat([frameHeader(e.stream, line.length), line]));
      }
    } catch (err) {
      if (!tty && !res.destroyed) {
        const msg = Buffer.from(`Error grabbing logs: ${(err as Error).message}`);
        res.write(Buffer.concat([frameHeader('system', msg.length), msg]));
      }
    }
    res.end();
  });

  app.get<Params>('/containers/:id/top', async (req, reply) => {
    const r = await containerIo.top(req.params.id, str(query(req), 'ps_args') || undefined);
    return sendJson(reply, { Titles: r.titles, Processes: r.processes });
  });

  app.get<Params>('/containers/:id/stats', async (req, reply) => {
    const q = query(req);
    const rec = containers.resolve(req.params.id);
    const stream = bool(q, 'stream', true);
    const oneShot = bool(q, 'one-shot');
    const memTotal = system.info().memTotal;
    if (!stream) {
      const signal = requestSignal(req, reply);
      let pre: StatsSample | undefined;
      if (!oneShot) {
        pre = await containerIo.stats(rec.id);
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (signal.aborted) return reply;
      const cur = await containerIo.stats(rec.id);
      return sendJson(reply, statsWire(rec.id, rec.name, cur, pre, memTotal));
    }
    const { res, signal } = startStream(req, reply, ctx.identity, { 'Content-Type': JSON_CONTENT_TYPE });
    let pre: StatsSample | undefined;
    while (!signal.aborted && !res.destroyed) {
      const cur = await containerIo.stats(rec.id).catch(() => undefined);
      res.write(`${JSON.stringify(statsWire(rec.id, rec.name, cur, pre, memTotal))}\n`);
      if (!cur) break;
      pre = cur;
      await new Promise((r) => setTimeout(r, 1000));
    }
    res.end();
  });
}

function stopOptions(req: ApiRequest): { timeout?: number; signal?: string } {
  const q = query(req);
  const t = int(q, 't');
  const signal = apiVersionBefore(apiVersion(req), '1.42') ? undefined : str(q, 'signal') || undefined;
  return { ...(t !== undefined ? { timeout: t } : {}), ...(signal ? { signal } : {}) };
}

export function attachOptions(q: Record<string, string | string[] | undefined>): {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  logs: boolean;
  stream: boolean;
} {
  return {
    stdin: bool(q, 'stdin'),
    stdout: bool(q, 'stdout'),
    stderr: bool(q, 'stderr'),
    logs: bool(q, 'logs'),
    stream: bool(q, 'stream'),
  };
}

/** `since`/`until` as the clients send them: Unix seconds, optionally with a fraction. */
function timestampNs(v: string | undefined): bigint | undefined {
  if (v === undefined || v === '') return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(v.trim());
  if (!m) throw new EngineError('invalid-argument', `invalid value for since or until: ${JSON.stringify(v)}`);
  return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** RFC 3339 with nine fraction digits in UTC, as moby's log timestamps. */
function rfc3339NanoFixed(e: LogEntry): string {
  const ms = Number(e.time / 1_000_000n);
  const nanos = String(e.time % 1_000_000_000n).padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${nanos}Z`;
}

function cpuWire(s: StatsSample | undefined): Record<string, unknown> {
  if (!s) {
    return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  }
  return {
    cpu_usage: {
      total_usage: Number(s.cpu.totalNs),
      ...(s.cpu.perCpuNs ? { percpu_usage: s.cpu.perCpuNs.map(Number) } : {}),
      usage_in_kernelmode: Number(s.cpu.kernelNs),
      usage_in_usermode: Number(s.cpu.userNs),
    },
    system_cpu_usage: Number(s.systemCpuNs),
    online_cpus: s.onlineCpus,
    throttling_data: {
      periods: s.throttling.periods,
      throttled_periods: s.throttling.throttledPeriods,
      throttled_time: Number(s.throttling.throttledTimeNs),
    },
  };
}

function statsWire(
  id: string,
  name: string,
  cur: StatsSample | undefined,
  pre: StatsSample | undefined,
  memTotal: number,
): Record<string, unknown> {
  const zero = '0001-01-01T00:00:00Z';
  return {
    name: `/${name}`,
    id,
    read: cur ? cur.read.toISOString() : zero,
    preread: pre ? pre.read.toISOString() : zero,
    num_procs: 0,
    pids_stats: cur ? { current: cur.pids.current, ...(cur.pids.limit !== undefined ? { limit: cur.pids.limit } : {}) } : {},
    blkio_stats: {
      io_service_bytes_recursive: cur && cur.blkio.length > 0 ? cur.blkio : null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    cpu_stats: cpuWire(cur),
    precpu_stats: cpuWire(pre),
    memory_stats: cur
      ? {
          usage: cur.memory.usage,
          ...(cur.memory.maxUsage !== undefined ? { max_usage: cur.memory.maxUsage } : {}),
          stats: cur.memory.stats,
          ...(cur.memory.failcnt !== undefined ? { failcnt: cur.memory.failcnt } : {}),
          limit: cur.memory.limit || memTotal,
        }
      : {},
    storage_stats: {},
    ...(cur && Object.keys(cur.networks).length > 0
      ? {
          networks: Object.fromEntries(
            Object.entries(cur.networks).map(([name, n]) => [
              name,
              {
                rx_bytes: n.rxBytes,
                rx_packets: n.rxPackets,
                rx_errors: n.rxErrors,
                rx_dropped: n.rxDropped,
                tx_bytes: n.txBytes,
                tx_packets: n.txPackets,
                tx_errors: n.txErrors,
                tx_dropped: n.txDropped,
              },
            ]),
          ),
        }
      : {}),
  };
}

