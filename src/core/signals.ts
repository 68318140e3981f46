// Linux signal names and numbers, parsed the way Docker accepts them: `SIGTERM`, `TERM`,
// `term`, `15`; `SIGRTMIN+3` too.

import { EngineError } from './errors.js';

const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21,
  TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};
const RTMIN = 34;
const RTMAX = 64;

/** The signal's number; throws Docker's `Invalid signal: X` for anything else. */
export function parseSignal(s: string | number): number {
  if (typeof s === 'number') {
    if (Number.isInteger(s) && s > 0 && s <= RTMAX) return s;
    throw new EngineError('invalid-argument', `Invalid signal: ${s}`);
  }
  const t = s.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n > 0 && n <= RTMAX) return n;
    throw new EngineError('invalid-argument', `Invalid signal: ${s}`);
  }
  const name = t.toUpperCase().replace(/^SIG/, '');
  const n = SIGNALS[name];
  if (n !== undefined) return n;
  const rt = /^RTMIN(?:\+(\d+))?$|^RTMAX(?:-(\d+))?$/.exec(name);
  if (rt) {
    const v = rt[1] !== undefined || name.startsWith('RTMIN') ? RTMIN + Number(rt[1] ?? 0) : RTMAX - Number(rt[2] ?? 0);
    if (v >= RTMIN && v <= RTMAX) return v;
  }
  throw new EngineError('invalid-argument', `Invalid signal: ${s}`);
}

/** The name Docker prints for a signal number (`SIGTERM`), or the number as text. */
export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNALS)) if (num === n && name !== 'IOT' && name !== 'POLL') return `SIG${name}`;
  if (n >= RTMIN && n <= RTMAX) return n === RTMIN ? 'SIGRTMIN' : `SIGRTMIN+${n - RTMIN}`;
  return String(n);
}
