// Hijacked connections: `attach` and `exec start` turn the HTTP connection into a raw duplex
// stream (engine-api.md §3). With `Upgrade: tcp` (the docker CLI, docker-py) Node hands us the
// socket in the server's 'upgrade' event and we answer `101 UPGRADED`; without it (dockerode's
// default) the route answers a bare `200 OK` with no length and closes at the end.
//
// Output is framed with stdcopy headers unless the process has a TTY. Client bytes are the
// process's stdin, watched for the detach keys; the client's half-close (FIN) closes stdin and
// keeps the output flowing until the process is done.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AttachSession } from '../engine/containers/attach-session.js';
import { errorMessage } from '../core/errors.js';
import { httpStatusOf } from './errors.js';

export interface PumpOptions {
  tty: boolean;
  /** Forward client bytes to the process. */
  stdin: boolean;
  /** Detach sequence as bytes (default ctrl-p ctrl-q); empty disables. */
  detachKeys: Buffer;
  /** Stdin bytes that arrived with the request (after its body). */
  initialStdin?: Buffer;
  /**
   * Awaited after the output ends and before the stream is closed: an exec's exit code must
   * be recorded first, because clients inspect it as soon as they see the end.
   */
  beforeEnd?: Promise<unknown>;
  /** Called once the stream is over (output ended, detached, or client gone). */
  onDone?: (why: 'ended' | 'detached' | 'client-gone') => void;
}

const STREAM_IDS = { stdout: 1, stderr: 2 } as const;

/** The multiplexed frame header: stream id, three zero bytes, big-endian size. */
export function frameHeader(stream: 'stdout' | 'stderr' | 'system', size: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream === 'system' ? 3 : STREAM_IDS[stream];
  h.writeUInt32BE(size, 4);
  return h;
}

/** Parses Docker's detach-keys format (`ctrl-p,ctrl-q`, `a`, `ctrl-@`). */
export function parseDetachKeys(spec: string | undefined): Buffer {
  if (spec === undefined || spec === '') return Buffer.from([0x10, 0x11]);
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    const ctrl = /^ctrl-(.)$/i.exec(k);
    if (ctrl) {
      const c = ctrl[1]!.toLowerCase();
      if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
      else if (c === '@') out.push(0);
      else if (c === '[') out.push(27);
      else if (c === '\\') out.push(28);
      else if (c === ']') out.push(29);
      else if (c === '^') out.push(30);
      else if (c === '_') out.push(31);
      else throw new Error(`Unknown character: '${c}'`);
    } else if (k.length === 1) {
      out.push(k.charCodeAt(0));
    } else {
      throw new Error(`Unknown character: '${k}'`);
    }
  }
  return Buffer.from(out);
}

/** Watches stdin for the detach sequence; bytes of a partial match are held back. */
export class DetachWatcher {
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  /** The bytes to forward, and whether the sequence completed. */
  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detach: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // A mismatch releases what was held back.
      for (let i = 0; i < this.matched; i++) out.push(this.keys[i]!);
      this.matched = 0;
      if (b === this.keys[0]) this.matched = 1;
      else out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}

/** Streams a session over a raw socket until the output ends, the client detaches or goes. */
export function pumpSession(socket: Duplex, session: AttachSession, opts: PumpOptions): void {
  let done = false;
  const finish = (why: 'ended' | 'detached' | 'client-gone'): void => {
    if (done) return;
    done = true;
    session.close();
    if (why !== 'client-gone') socket.end();
    opts.onDone?.(why);
  };
  const watcher = new DetachWatcher(opts.tty || opts.stdin ? opts.detachKeys : Buffer.alloc(0));
  if (opts.stdin) {
    const onStdin = (chunk: Buffer): void => {
      const { forward, detach } = watcher.feed(chunk);
      if (forward.length > 0) void session.write(forward).catch(() => undefined);
      if (detach) finish('detached');
    };
    if (opts.initialStdin && opts.initialStdin.length > 0) onStdin(opts.initialStdin);
    socket.on('data', onStdin);
    // The client's FIN: end of stdin, not of the session.
    socket.on('end', () => void session.closeStdin().catch(() => undefined));
  } else {
    socket.on('data', () => undefined);
    socket.on('end', () => undefined);
  }
  socket.resume();
  socket.on('close', () => finish('client-gone'));
  socket.on('error', () => finish('client-gone'));
  void (async () => {
    try {
      for await (const c of session.output) {
        if (socket.destroyed) break;
        if (opts.tty) socket.write(c.data);
        else socket.write(Buffer.concat([frameHeader(c.stream, c.data.length), c.data]));
      }
    } catch (err) {
      if (!opts.tty && !socket.destroyed) {
        const msg = Buffer.from(errorMessage(err));
        socket.write(Buffer.concat([frameHeader('system', msg.length), msg]));
      }
    }
    if (opts.beforeEnd) await Promise.race([opts.beforeEnd.catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    finish('ended');
  })();
}

/** Writes an HTTP error on a raw socket (before any 101/200 was sent) and closes it. */
export function writeSocketError(socket: Duplex, err: unknown, headers: Record<string, string>): void {
  const status = httpStatusOf(err);
  const body = Buffer.from(JSON.stringify({ message: errorMessage(err) }));
  const head = [`HTTP/1.1 ${status} ${statusText(status)}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]));
}

function statusText(status: number): string {
  return (
    { 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable' }[
      status
    ] ?? 'Error'
  );
}

export function streamContentType(tty: boolean, apiVersionAtLeast142: boolean): string {
  return tty || !apiVersionAtLeast142 ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
}

/** Reads exactly `length` body bytes from the head buffer and the socket; the rest is stdin. */
export async function readUpgradeBody(socket: Duplex, head: Buffer, length: number): Promise<{ body: Buffer; rest: Buffer }> {
  let buf = head;
  while (buf.length < length) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (c: Buffer): void => {
        cleanup();
        resolve(c);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(null);
      };
      const cleanup = (): void => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.pause();
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.resume();
    });
    if (chunk === null) break;
    buf = Buffer.concat([buf, chunk]);
  }
  return { body: buf.subarray(0, length), rest: buf.subarray(length) };
}

export function isUpgrade(req: IncomingMessage): boolean {
  return (req.headers.connection ?? '').toLowerCase().includes('upgrade') && (req.headers.upgrade ?? '').toLowerCase() === 'tcp';
}

/**
 * An exec that could not start, reported in the stream as moby does: the error text on
 * stdout (a stdout frame unless the session has a TTY); the exit code comes from inspect.
 */
export function startErrorBytes(err: unknown, tty: boolean): Buffer {
  const text = Buffer.from(`${errorMessage(err)}\r\n`);
  return tty ? text : Buffer.concat([frameHeader('stdout', text.length), text]);
}
