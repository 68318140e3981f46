// Device nodes, fifos and overlay whiteouts, made in one process: Node has no mknod or mkfifo,
// and one spawn per node would dominate the time of a layer with many whiteouts.
// Ownership, mode, xattrs and times are applied afterwards by the caller, with Node calls.

import { spawnSync } from 'node:child_process';
import { EngineError } from '../core/errors.js';

export interface NodeSpec {
  /** Absolute path; its parent exists and nothing exists at the path itself. */
  path: string;
  type: 'char' | 'block' | 'fifo';
  major: number;
  minor: number;
}

/** A word for /bin/sh that stands for exactly `s`, whatever it contains (no NUL possible). */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The script: `mknod -m 0 <path> c|b <major> <minor>` or `… p`, one line per node. */
export function mknodScript(nodes: readonly NodeSpec[]): string {
  const lines: string[] = [];
  for (const n of nodes) {
    if (n.type === 'fifo') {
      lines.push(`mknod -m 0 -- ${shellQuote(n.path)} p`);
    } else {
      if (!isDeviceNumber(n.major) || !isDeviceNumber(n.minor)) {
        const what = `invalid device number ${n.major}:${n.minor} for ${JSON.stringify(n.path)}`;
        throw new EngineError('invalid-argument', what);
      }
      lines.push(`mknod -m 0 -- ${shellQuote(n.path)} ${n.type === 'char' ? 'c' : 'b'} ${n.major} ${n.minor}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function isDeviceNumber(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** Runs the script with `sh -e`: the first failing line stops it, and its message is the error. */
export function makeNodes(nodes: readonly NodeSpec[]): void {
  if (nodes.length === 0) return;
  const r = spawnSync('/bin/sh', ['-e', '-s'], {
    input: mknodScript(nodes),
    stdio: ['pipe', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.error !== undefined) {
    throw new EngineError('internal', `creating device nodes: ${r.error.message}`, { cause: r.error });
  }
  if (r.status !== 0) {
    const msg = r.stderr.trim() || `/bin/sh exited with ${r.status ?? r.signal}`;
    const kind = /Operation not permitted|Permission denied/.test(msg) ? 'permission-denied' : 'internal';
    throw new EngineError(kind, `creating device nodes: ${msg}`);
  }
}
