// AttachStreams over conmon's attach socket (SOCK_SEQPACKET, `<socketDir>/<cuuid>/attach`).
//
// Each packet from conmon is one byte naming the stream (2 stdout, 3 stderr; a terminal's
// output is all stdout) followed by the data. Packets we send are copied to the process's
// stdin as they are; conmon reads at most 32767 bytes per packet, so writes are cut to that.
// Half-closing our side (shutdown SHUT_WR) makes conmon close the process's stdin, unless it
// runs with --leave-stdin-open. The socket ends when the process has exited and conmon has
// sent everything; a 'data' event can come in the same tick as that end, so output is only
// finished on 'end', never when the exit is seen elsewhere.
//
// node-unix-socket is a CommonJS native addon; it is loaded on the first attach so that an
// idle daemon does not pay for it.

import { createRequire } from 'node:module';
import { EngineError } from '../core/errors.js';
import type { AttachStreams, OutputChunk } from './task-service.js';

/** The part of node-unix-socket's SeqpacketSocket used here. */
interface SeqpacketSocket {
  connect(path: string, cb?: () => void): void;
  write(buf: Buffer, offset: number, length: number, cb?: () => void): void;
  end(cb?: () => void): void;
  destroy(): void;
  on(event: 'data', fn: (buf: Buffer) => void): void;
  on(event: 'end', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}

interface SeqpacketModule {
  SeqpacketSocket: new () => SeqpacketSocket;
}

let seqpacketModule: SeqpacketModule | undefined;

function loadSeqpacket(): SeqpacketModule {
  if (seqpacketModule === undefined) {
    const require = createRequire(import.meta.url);
    const mod: SeqpacketModule = require('node-unix-socket');
    seqpacketModule = mod;
  }
  return seqpacketModule;
}

/** conmon's receive buffer for attach packets, minus the byte it keeps for a terminator. */
export const MAX_STDIN_PACKET = 32 * 1024 - 1;

const STREAM_STDOUT = 2;
const STREAM_STDERR = 3;

/** Connects to an attach socket; rejects with `conflict` when nobody listens (the monitor is gone). */
export async function connectAttach(socketPath: string): Promise<AttachStreams> {
  const { SeqpacketSocket: Socket } = loadSeqpacket();
  const sock = new Socket();
  const attach = new SeqpacketAttach(sock);
  await new Promise<void>((resolve, reject) => {
    attach.onConnectError = reject;
    try {
      sock.connect(socketPath, () => {
        attach.onConnectError = undefined;
        resolve();
      });
    } catch (err) {
      sock.destroy();
      reject(notListening(socketPath, err));
    }
  });
  return attach;
}

function notListening(socketPath: string, cause: unknown): EngineError {
  return new EngineError('conflict', `the process is not running (no monitor at ${socketPath})`, { cause });
}

class SeqpacketAttach implements AttachStreams {
  readonly output: AsyncIterable<OutputChunk>;
  onConnectError: ((err: Error) => void) | undefined;
  private readonly queue = new AsyncQueue<OutputChunk>();
  private closed = false;
  private inputClosed = false;
  /** Writes and half-close waiting for the socket: settled when it goes away. */
  private readonly pending = new Set<(err?: Error) => void>();

  constructor(private readonly sock: SeqpacketSocket) {
    this.output = this.queue;
    sock.on('data', (buf) => {
      if (buf.length < 1) return;
      const id = buf[0];
      if (id !== STREAM_STDOUT && id !== STREAM_STDERR) return;
      if (buf.length === 1) return;
      this.queue.push({ stream: id === STREAM_STDERR ? 'stderr' : 'stdout', data: buf.subarray(1) });
    });
    sock.on('end', () => {
      this.queue.end();
      this.shutdown();
    });
    sock.on('error', (err) => {
      const connectError = this.onConnectError;
      if (connectError !== undefined) {
        this.onConnectError = undefined;
        connectError(notListening('the attach socket', err));
        return;
      }
      // After the process has gone a pending write can fail; the output still ends normally.
      if (this.closed) return;
      this.queue.end();
      this.shutdown();
    });
  }

  async write(data: Buffer): Promise<void> {
    if (this.closed || this.inputClosed) throw new EngineError('conflict', 'the attach connection is closed');
    for (let off = 0; off < data.length; off += MAX_STDIN_PACKET) {
      const len = Math.min(MAX_STDIN_PACKET, data.length - off);
      await this.track((done) => this.sock.write(data, off, len, () => done()));
    }
  }

  async closeStdin(): Promise<void> {
    if (this.closed || this.inputClosed) return;
    this.inputClosed = true;
    await this.track((done) => this.sock.end(() => done()));
  }

  close(): void {
    this.queue.end();
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.destroy();
    const gone = new EngineError('conflict', 'the attach connection is closed');
    for (const settle of this.pending) settle(gone);
    this.pending.clear();
  }

  /** Runs a socket call whose callback may never come if the socket goes away first. */
  private track(call: (done: () => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        this.pending.delete(settle);
        if (err === undefined) resolve();
        else reject(err);
      };
      this.pending.add(settle);
      try {
        call(() => settle());
      } catch (err) {
        settle(new EngineError('conflict', 'the attach connection is closed', { cause: err }));
      }
    });
  }
}

/** A single-consumer queue that is also its own async iterable. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private done = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.done) return;
    this.items.push(item);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
