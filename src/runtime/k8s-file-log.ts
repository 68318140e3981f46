// Reading the log files conmon writes (k8s-file format) the way `docker logs` needs them.
//
// Each line of the file is `<RFC 3339 time, ns, local offset> <stdout|stderr> <F|P> <text>\n`.
// conmon writes what one read(2) of the container's pipe returned: a complete line gets `F`,
// a piece without its newline (the process has not finished the line yet, or it outgrew the
// 8 KiB buffer) gets `P`, and the rest of that line follows in later lines of the same stream,
// the last one `F`. The reader joins the pieces into one entry per line, timed by its last
// piece; lines of the other stream may sit between them.
//
// Rotation is the engine's job: it renames `log` to `log.1` (older ones to `.2`, `.3` …) and
// asks conmon to reopen (ConmonTaskService.reopenLog), and conmon then creates a new `log`. A
// reader starts with the rotated files, oldest first. A follower keeps reading the renamed
// file until a new file appears under the name (conmon has closed the old one by then),
// drains the old one and continues with the new one from its start.
//
// Example:
//   for await (const e of readLog(path, { tail: 100, follow: true, done: task.wait() })) {
//     out.write(e.line); if (!e.partial) out.write('\n');
//   }

import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** When conmon read the line (its last piece), in nanoseconds since the epoch. */
  time: bigint;
  stream: LogStream;
  /** The line without its newline. */
  line: Buffer;
  /** The line has no newline: the output ended without one, or it outgrew MAX_LINE. */
  partial: boolean;
}

export interface ReadLogOptions {
  /** Only the last N entries that exist when reading starts (then, when following, all new ones). */
  tail?: number;
  /** Only entries at or after this time (ns since the epoch). */
  since?: bigint;
  /** Only entries at or before this time (ns); reading stops at the first later one. */
  until?: bigint;
  /** Keep reading as the file grows, until `done` resolves and the file is drained. */
  follow?: boolean;
  /** Resolves (or rejects) once nothing more will be written, e.g. `task.wait()`. */
  done?: Promise<unknown>;
  signal?: AbortSignal;
  /** Read size (tests use small ones to cross chunk boundaries). */
  chunkSize?: number;
}

/** Joined lines longer than this are handed out in pieces marked partial. */
export const MAX_LINE = 1024 * 1024;

const DEFAULT_CHUNK = 64 * 1024;
/** How far before the last N lines tail looks for a stream's unfinished last line. */
const TRAILING_SCAN = 64 * 1024;
const NL = 0x0a;
const SP = 0x20;

/** One parsed line of the file. */
export interface LogRecord {
  time: bigint;
  stream: LogStream;
  partial: boolean;
  text: Buffer;
}

/** Parses one line (without its newline); undefined when it is not in the k8s-file format. */
export function parseLogRecord(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(SP);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(SP, s1 + 1);
  if (s2 < 0) return undefined;
  const streamName = line.toString('latin1', s1 + 1, s2);
  if (streamName !== 'stdout' && streamName !== 'stderr') return undefined;
  const tag = line[s2 + 1];
  if (tag !== 0x46 /* F */ && tag !== 0x50 /* P */) return undefined;
  if (s2 + 2 < line.length && line[s2 + 2] !== SP) return undefined;
  const time = parseTimestamp(line.toString('latin1', 0, s1));
  if (time === undefined) return undefined;
  return { time, stream: streamName, partial: tag === 0x50, text: line.subarray(Math.min(line.length, s2 + 3)) };
}

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time with up to nanoseconds, as nanoseconds since the epoch. */
export function parseTimestamp(s: string): bigint | undefined {
  const m = TS.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const ns = frac === undefined ? 0n : BigInt(frac.padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + ns;
}

/** Joins P pieces per stream into entries. */
class Assembler {
  private readonly open: Record<LogStream, { parts: Buffer[]; size: number }> = {
    stdout: { parts: [], size: 0 },
    stderr: { parts: [], size: 0 },
  };

  /** The entries this record completes (usually none or one). */
  push(r: LogRecord): LogEntry[] {
    const o = this.open[r.stream];
    if (!r.partial && o.parts.length === 0) return [{ time: r.time, stream: r.stream, line: Buffer.from(r.text), partial: false }];
    o.parts.push(Buffer.from(r.text));
    o.size += r.text.length;
    if (!r.partial) return [this.take(r.stream, r.time, false)];
    if (o.size >= MAX_LINE) return [this.take(r.stream, r.time, true)];
    return [];
  }

  /** Lines still missing their end, handed out as partial entries. */
  flush(time: bigint): LogEntry[] {
    const out: LogEntry[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.open[stream].parts.length > 0) out.push(this.take(stream, time, true));
    }
    return out;
  }

  private take(stream: LogStream, time: bigint, partial: boolean): LogEntry {
    const o = this.open[stream];
    const line = o.parts.length === 1 ? (o.parts[0] as Buffer) : Buffer.concat(o.parts, o.size);
    o.parts = [];
    o.size = 0;
    return { time, stream, line, partial };
  }
}

/** Reads complete lines from a file position on, keeping an unfinished last line for later. */
class LineReader {
  private carry: Buffer = Buffer.alloc(0);
  pos: number;

  constructor(
    readonly fh: FileHandle,
    start: number,
    private readonly chunkSize: number,
  ) {
    this.pos = start;
  }

  /** Every complete line from the position to the current end of the file. */
  async *lines(): AsyncGenerator<Buffer> {
    const buf = Buffer.allocUnsafe(this.chunkSize);
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      let data = this.carry.length > 0 ? Buffer.concat([this.carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(NL, start); nl >= 0; nl = data.indexOf(NL, start)) {
        yield data.subarray(start, nl);
        start = nl + 1;
      }
      // Copy: `buf` is reused by the next read.
      data = data.subarray(start);
      this.carry = Buffer.from(data);
    }
  }
}

/**
 * A file offset from which reading forward yields at least the last `n` entries whole: it
 * goes back past the n-th last complete line, then on to the start of any line still being
 * joined across that point (per stream).
 */
export async function tailOffset(fh: FileHandle, size: number, n: number, chunkSize = DEFAULT_CHUNK): Promise<number> {
  if (n <= 0) return size;
  let end = size;
  let carry: Buffer = Buffer.alloc(0); // the start of a line whose beginning is in an earlier chunk
  let complete = 0;
  // After the n-th last line: per stream, whether its nearest earlier line has been seen and
  // whether it was a piece (P) of a line that continues past the boundary.
  let boundaryFound = false;
  const waiting = new Set<LogStream>();
  const settled = new Set<LogStream>();
  const seenAfter = new Set<LogStream>();
  let lastLineEnd = -1; // offset just after the last newline in the file
  let boundary = -1; // offset of the n-th last complete line
  while (end > 0) {
    const start = Math.max(0, end - chunkSize);
    const chunk = Buffer.allocUnsafe(end - start);
    await fh.read(chunk, 0, chunk.length, start);
    const data = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
    let lineEnd = data.length; // exclusive end of the line being examined, relative to `start`
    if (lastLineEnd < 0) {
      const nl = data.lastIndexOf(NL);
      if (nl < 0) {
        carry = data;
        end = start;
        continue;
      }
      lastLineEnd = start + nl + 1;
      lineEnd = nl; // an unfinished last line does not count
    } else {
      lineEnd = data.length - 1; // `carry` ends with the newline of the line after it
    }
    for (;;) {
      const nl = lineEnd > 0 ? data.lastIndexOf(NL, lineEnd - 1) : -1;
      if (nl < 0 && start > 0) break; // the line's start is in an earlier chunk
      const lineStart = nl + 1;
      const rec = parseLogRecord(data.subarray(lineStart, lineEnd));
      if (rec !== undefined) {
        if (!boundaryFound) {
          seenAfter.add(rec.stream);
          if (!rec.partial && ++complete >= n) {
            boundaryFound = true;
            boundary = start + lineStart;
          }
        } else {
          const distance = boundary - (start + lineStart);
          // A line being joined across the boundary that started this far back was handed
          // out in pieces anyway (MAX_LINE): do not read the whole file looking for it.
          if (distance > MAX_LINE) return start + lineEnd + 1;
          if (!settled.has(rec.stream)) {
            if (rec.partial) waiting.add(rec.stream);
            else {
              waiting.delete(rec.stream);
              settled.add(rec.stream);
            }
          }
          // A stream not seen after the boundary may still end in an unfinished line (the
          // newest entry of all): look for one a little way back, not through the whole file.
          const bothKnown = settled.has('stdout') && settled.has('stderr');
          if (waiting.size === 0 && [...seenAfter].every((st) => settled.has(st)) && (bothKnown || distance > TRAILING_SCAN)) {
            return start + lineEnd + 1;
          }
        }
      }
      if (nl < 0) break;
      lineEnd = nl;
    }
    carry = Buffer.from(data.subarray(0, lineEnd + 1));
    end = start;
  }
  return 0;
}

/** Entries of a k8s-file log; see ReadLogOptions. */
export async function* readLog(path: string, opts: ReadLogOptions = {}): AsyncGenerator<LogEntry> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const follow = opts.follow === true;
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !follow) throw err;
    // Following a log that does not exist yet: an empty file until it appears.
    fh = await open('/dev/null', 'r');
  }
  let reader = new LineReader(fh, 0, chunkSize);
  let older: LineReader[] = [];
  let watcher: FSWatcher | undefined;
  const wakeup = new Wakeup();
  const onAbort = (): void => wakeup.wake();
  try {
    const tail = opts.tail !== undefined && opts.tail >= 0 ? opts.tail : undefined;
    if (tail !== undefined) reader.pos = await tailOffset(fh, (await fh.stat()).size, tail, chunkSize);
    // Rotated files hold older entries; with `tail`, only while the newer ones hold too few.
    if (reader.pos === 0) older = await openRotated(path, fh, tail, chunkSize);
    const keep = (e: LogEntry): 'yes' | 'skip' | 'stop' => {
      if (opts.until !== undefined && e.time > opts.until) return 'stop';
      if (opts.since !== undefined && e.time < opts.since) return 'skip';
      return 'yes';
    };
    const asm = new Assembler();

    // Watch before the first read, so that growth during it is not missed.
    let rotated = false;
    let finished = false;
    if (follow) {
      const name = basename(path);
      watcher = watch(dirname(path), { persistent: true }, (event, file) => {
        if (file === null || file === name || file.startsWith(`${name}.`)) {
          if (event === 'rename') rotated = true;
          wakeup.wake();
        }
      });
      const finish = (): void => {
        finished = true;
        wakeup.wake();
      };
      watcher.on('error', finish);
      opts.done?.then(finish, finish);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    }

    // What the file holds now. With `tail`, only the last N entries: the start offset may
    // lie a little early, so a ring keeps the newest N.
    let lastSeen = 0n;
    const ring: LogEntry[] = [];
    const initial = async function* (): AsyncGenerator<LogEntry> {
      for (const r of [...older, reader]) {
        for await (const line of r.lines()) {
          const rec = parseLogRecord(line);
          if (rec === undefined) continue;
          lastSeen = rec.time;
          yield* asm.push(rec);
        }
      }
      if (!follow) yield* asm.flush(lastSeen);
    };
    for await (const e of initial()) {
      if (tail === undefined) {
        const k = keep(e);
        if (k === 'stop') return;
        if (k === 'yes') yield e;
        continue;
      }
      ring.push(e);
      if (ring.length > tail) ring.shift();
    }
    for (const e of ring) {
      const k = keep(e);
      if (k === 'stop') return;
      if (k === 'yes') yield e;
    }
    if (!follow) return;

    for (;;) {
      opts.signal?.throwIfAborted();
      const ending = finished;
      for (;;) {
        for await (const line of reader.lines()) {
          const rec = parseLogRecord(line);
          if (rec === undefined) continue;
          lastSeen = rec.time;
          for (const e of asm.push(rec)) {
            const k = keep(e);
            if (k === 'stop') return;
            if (k === 'yes') yield e;
          }
        }
        // The old file is complete once a new one has taken its name (conmon closes first).
        if (!rotated && !ending) break;
        rotated = false;
        const next = await switchedFile(path, reader.fh);
        if (next === undefined) break;
        await reader.fh.close();
        reader = new LineReader(next, 0, chunkSize);
      }
      if (ending) {
        for (const e of asm.flush(lastSeen)) if (keep(e) === 'yes') yield e;
        return;
      }
      await wakeup.wait();
    }
  } finally {
    watcher?.close();
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all([reader, ...older].map((r) => r.fh.close().catch(() => undefined)));
  }
}

/**
 * Readers of `path.1`, `path.2` … oldest first, each from where `tail` needs it. Opened after
 * the current file: a rotation in between shows up as a file already open, where the walk stops.
 */
async function openRotated(path: string, current: FileHandle, tail: number | undefined, chunkSize: number): Promise<LineReader[]> {
  const key = (s: { dev: number; ino: number }): string => `${s.dev}:${s.ino}`;
  const seen = new Set([key(await current.stat())]);
  const out: LineReader[] = [];
  for (let i = 1; ; i++) {
    const fh = await open(`${path}.${i}`, 'r').catch(() => undefined);
    if (fh === undefined) break;
    const st = await fh.stat();
    if (seen.has(key(st))) {
      await fh.close();
      break;
    }
    seen.add(key(st));
    const pos = tail === undefined ? 0 : await tailOffset(fh, st.size, tail, chunkSize);
    out.unshift(new LineReader(fh, pos, chunkSize));
    if (pos > 0) break;
  }
  return out;
}

/** A handle on the file now at `path` if it is not the one `current` reads. */
async function switchedFile(path: string, current: FileHandle): Promise<FileHandle | undefined> {
  const [now, cur] = await Promise.all([stat(path).catch(() => undefined), current.stat()]);
  if (now === undefined || (now.ino === cur.ino && now.dev === cur.dev)) return undefined;
  return open(path, 'r').catch(() => undefined);
}

/** An edge-triggered wake-up that remembers a wake with nobody waiting. */
class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  wake(): void {
    this.pending = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async wait(): Promise<void> {
    if (!this.pending) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    this.pending = false;
  }
}
