// The progress text of Docker's JSON messages (`[=====>     ]  12.35MB/45.68MB 3s`), shared by
// the server (the `progress` field) and the CLI (bars redrawn from `progressDetail`): the same
// layout as moby's JSONProgress.String().

import { humanSizeWithPrecision } from './units.js';

export interface JsonProgressDetail {
  readonly current?: number;
  readonly total?: number;
  /** Unix seconds when the operation started; enables the time-left estimate. */
  readonly start?: number;
  readonly hidecounts?: boolean;
  /** Unit of current/total; bytes when empty. */
  readonly units?: string;
}

/** Go's Duration.String() for a whole number of seconds. */
function durationString(seconds: bigint): string {
  if (seconds === 0n) return '0s';
  const sign = seconds < 0n ? '-' : '';
  const u = seconds < 0n ? -seconds : seconds;
  const h = u / 3600n;
  const m = (u % 3600n) / 60n;
  const s = u % 60n;
  if (h > 0n) return `${sign}${h}h${m}m${s}s`;
  if (m > 0n) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

/** Nanoseconds to whole seconds, halfway away from zero (Duration.Round(time.Second)). */
function roundToSeconds(ns: bigint): bigint {
  const second = 1_000_000_000n;
  const q = ns / second;
  const r = ns % second;
  if (r >= 0n) return r * 2n < second ? q : q + 1n;
  return -r * 2n < second ? q : q - 1n;
}

/**
 * The progress text docker prints after the status on a terminal, e.g.
 * `[=====>        ]  12.35MB/45.68MB 3s`: the bar only when the terminal is wider than 110
 * columns, the time left only with `start`, wider than 50 columns and below 100%.
 */
export function renderProgress(p: JsonProgressDetail, terminalWidth = 200, nowMs: number = Date.now()): string {
  const current = p.current ?? 0;
  const total = p.total ?? 0;
  const units = p.units ?? '';
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return units === '' ? humanSizeWithPrecision(current, 4).padStart(8) : `${current} ${units}`;
  const percentage = Math.min(Math.trunc(Math.trunc((current / total) * 100) / 2), 50);
  let bar = '';
  if (terminalWidth > 110) {
    bar = `[${'='.repeat(Math.max(percentage, 0))}>${' '.repeat(Math.max(50 - percentage, 0))}] `;
  }
  let numbers = '';
  if (p.hidecounts) {
    numbers = '';
  } else if (units === '') {
    const cur = humanSizeWithPrecision(current, 4).padStart(8);
    // A current beyond the total is wonky data: show only the current.
    numbers = current > total ? cur : `${cur}/${humanSizeWithPrecision(total, 4)}`;
  } else {
    numbers = current > total ? `${current} ${units}` : `${current}/${total} ${units}`;
  }
  let timeLeft = '';
  const start = p.start ?? 0;
  if (terminalWidth > 50 && current > 0 && start > 0 && percentage < 50) {
    const fromStart = BigInt(Math.trunc(nowMs)) * 1_000_000n - BigInt(Math.trunc(start)) * 1_000_000_000n;
    const perEntry = fromStart / BigInt(Math.trunc(current));
    const left = BigInt(Math.trunc(total - current)) * perEntry;
    timeLeft = ` ${durationString(roundToSeconds(left))}`;
  }
  return bar + numbers + timeLeft;
}

