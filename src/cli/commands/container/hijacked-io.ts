// docker/cli's hijackedIOStreamer: copies a hijacked attach/exec connection to the terminal
// (raw with a TTY, demultiplexed without) and the CLI's stdin to the connection.
//
// Order of events, as in hijack.go:
// - With a TTY and stdin, stdin goes into raw mode, and the CLI watches it for the detach keys
//   itself (default ctrl-p ctrl-q): on the full sequence it stops and reports 'detached'
//   without half-closing. Raw mode is restored as soon as either side ends, and on exit.
// - Without stdin the connection is half-closed at once (FIN); with stdin, when stdin ends.
// - The session is over when the output ends (the daemon closed its side), or, when there is no
//   output to wait for, when stdin ends.
//
// Example (`docker run -i busybox cat`, no TTY):
//   const end = await streamHijacked(stream, { tty: false, stdin: cli.in, stdout: cli.out, stderr: cli.err });

import { spawnSync } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import type { InputStream } from '../../cli.js';
import { stdCopy, writeTo } from './stdcopy.js';

export type StreamEnd = 'ended' | 'detached';

export interface HijackedIoOptions {
  tty: boolean;
  /** Sent to the process; undefined half-closes at once. */
  stdin?: InputStream;
  stdout?: Writable;
  stderr?: Writable;
  /** Docker's detach-keys format (`ctrl-p,ctrl-q`); watched client-side with a TTY. */
  detachKeys?: string;
  /** For the warning about unusable detach keys. */
  warn?: (message: string) => void;
}

const DEFAULT_ESCAPE = Buffer.from([16, 17]);

export function streamHijacked(conn: Duplex, opts: HijackedIoOptions): Promise<StreamEnd> {
  return new Promise<StreamEnd>((resolve, reject) => {
    let settled = false;
    const cleanups: (() => void)[] = [];
    const finish = (err: unknown, end: StreamEnd = 'ended'): void => {
      if (settled) return;
      settled = true;
      for (const c of cleanups.splice(0).reverse()) c();
      if (err) reject(err);
      else resolve(end);
    };

    // A reset or a write after the daemon closed must not crash berth: the output loop sees
    // errors while it reads, and later ones do not matter any more.
    conn.on('error', () => undefined);

    const stdin = opts.stdin;
    // Raw mode only for a terminal stdin in a TTY session (setupInput).
    let restore = (): void => undefined;
    if (stdin && opts.tty && stdin.isTTY && typeof stdin.setRawMode === 'function') {
      stdin.setRawMode(true);
      rawOutput(stdin);
      const onExit = (): void => void stdin.setRawMode?.(false);
      process.once('exit', onExit);
      let restored = false;
      restore = () => {
        if (restored) return;
        restored = true;
        stdin.setRawMode?.(false);
        process.off('exit', onExit);
      };
      cleanups.push(() => restore());
    }

    const hasOutput = opts.stdout !== undefined || opts.stderr !== undefined;
    let outputDone: Promise<void> | undefined;
    if (hasOutput) {
      outputDone = (async () => {
        if (opts.tty && opts.stdout) {
          for await (const chunk of conn) await writeTo(opts.stdout, typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
          restore();
        } else {
          await stdCopy(conn as AsyncIterable<Buffer>, opts.stdout, opts.stderr);
        }
      })();
      outputDone.then(
        () => finish(undefined),
        (err: unknown) => finish(err),
      );
    } else {
      // Nothing to show, but the daemon's FIN must still be read for the socket to close.
      conn.resume();
    }

    const inputDone = (): void => {
      if (!conn.writableEnded) conn.end();
      if (!hasOutput) finish(undefined);
    };
    if (!stdin) {
      inputDone();
      return;
    }
    const watcher = opts.tty ? new EscapeWatcher(escapeKeys(opts.detachKeys, opts.warn)) : undefined;
    const onDrain = (): void => void stdin.resume();
    const onData = (chunk: Buffer | string): void => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const { forward, escaped } = watcher ? watcher.feed(data) : { forward: data, escaped: false };
      if (forward.length > 0 && conn.writable && !conn.write(forward)) {
        stdin.pause();
        conn.once('drain', onDrain);
      }
      if (escaped) {
        stopInput();
        restore();
        finish(undefined, 'detached');
      }
    };
    const onEnd = (): void => {
      stopInput();
      restore();
      inputDone();
    };
    const stopInput = (): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onEnd);
      conn.off('drain', onDrain);
      // A paused stdin does not keep the process alive.
      stdin.pause();
    };
    cleanups.push(stopInput);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onEnd);
    stdin.resume();
  });
}

/** moby/term's escape proxy: holds back a partial match, releases it when the match breaks. */
export class EscapeWatcher {
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  feed(chunk: Buffer): { forward: Buffer; escaped: boolean } {
    if (this.keys.length === 0) return { forward: chunk, escaped: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), escaped: true };
        continue;
      }
      for (let i = 0; i < this.matched; i++) out.push(this.keys[i] ?? 0);
      this.matched = 0;
      if (b === this.keys[0]) this.matched = 1;
      else out.push(b);
    }
    return { forward: Buffer.from(out), escaped: false };
  }
}

const CTRL_KEYS = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/** moby/term's ToBytes: `ctrl-p,ctrl-q`, single characters, `DEL`. */
export function parseDetachKeys(spec: string): Buffer {
  const codes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/.exec(key);
    const i = m ? CTRL_KEYS.indexOf(m[1] ?? '') : -1;
    if (i >= 0) codes.push(i);
    else if (key === 'DEL') codes.push(127);
    else throw new Error(`Unknown character: '${key}'`);
  }
  return Buffer.from(codes);
}

function escapeKeys(spec: string | undefined, warn: ((message: string) => void) | undefined): Buffer {
  if (!spec) return DEFAULT_ESCAPE;
  try {
    return parseDetachKeys(spec);
  } catch (err) {
    warn?.(`invalid detach escape keys, using default: ${(err as Error).message}`);
    return DEFAULT_ESCAPE;
  }
}

/**
 * docker's raw mode (moby/term MakeRaw) also turns off output processing (OPOST), so that a
 * program's bare "\n" moves down without a carriage return; libuv's raw mode keeps it on.
 * `stty -opost` on the terminal does the rest; setRawMode(false) restores the saved settings.
 */
function rawOutput(stdin: InputStream): void {
  if ((stdin as InputStream & { fd?: number }).fd !== 0) return;
  try {
    spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
  } catch {
    // No stty: output keeps its newline translation.
  }
}
