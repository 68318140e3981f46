// Sizes, durations and timestamps with the exact behaviour of the Go code Docker uses for them:
// docker/go-units (`HumanSize`, `BytesSize`, `FromHumanSize`, `RAMInBytes`, `HumanDuration`),
// Go's `time.ParseDuration`, and dockerd's `since`/`until` timestamp parsing. The CLI prints
// these strings and scripts parse them, so the rounding and the error words must match.
//
// Units used throughout: sizes are byte counts as numbers; `humanDuration` takes milliseconds;
// `parseGoDuration` returns nanoseconds as a bigint (Go's `time.Duration`, exact over its whole
// int64 range, and the unit the API uses for durations such as `HealthConfig.Interval`);
// timestamps are `UnixTime` values, seconds plus nanoseconds, as dockerd keeps them.

import { invalidArgument } from '../core/errors.js';
import { formatGoFloat, goQuote, goQuoteRune } from './go-format.js';

/** A point in time as Unix seconds plus nanoseconds in [0, 1e9). */
export interface UnixTime {
  readonly seconds: number;
  readonly nanos: number;
}

export interface ParseTimestampOptions {
  /**
   * Offset from UTC, in seconds, for date-times that carry no zone (`2024-05-01T10:00`). dockerd
   * uses the zone of the reference time; the default is this process's offset at `now`.
   */
  readonly localOffsetSeconds?: number;
}

const DECIMAL_ABBRS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const;
const BINARY_ABBRS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] as const;
const DECIMAL_MULTIPLIERS: Readonly<Record<string, number>> = {
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  p: 1e15,
};
const BINARY_MULTIPLIERS: Readonly<Record<string, number>> = {
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};
const INT64_LIMIT = 2 ** 63;

// ---------------------------------------------------------------------------------------------
// Sizes

/** go-units `HumanSize`: decimal units, 4 significant digits (`1.024kB`, `2MB`, `1e+04YB`). */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** go-units `HumanSizeWithPrecision`: Go's `%.<precision>g` of the scaled size, then the unit. */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const { value, unit } = scaleSize(size, 1000, DECIMAL_ABBRS);
  // A precision below 1 reads as 1.
  return formatGoFloat(value, 'g', Math.max(precision, 1)) + unit;
}

/** go-units `BytesSize`: binary units, 4 significant digits (`1KiB`, `3.42GiB`). */
export function bytesSize(size: number): string {
  const { value, unit } = scaleSize(size, 1024, BINARY_ABBRS);
  return formatGoFloat(value, 'g', 4) + unit;
}

/**
 * go-units `FromHumanSize`: a size with an optional decimal suffix (`32`, `32kb`, `1.5 GB`) in
 * bytes, truncated to an integer. Suffixes are case-insensitive: b, k, kb, m, mb, … p, pb.
 */
export function fromHumanSize(size: string): number {
  return parseSize(size, DECIMAL_MULTIPLIERS);
}

/**
 * go-units `RAMInBytes`: like `fromHumanSize` but every suffix is binary (`64m` = 64 MiB;
 * `k`, `kb` and `kib` all mean 1024). This is how `--memory`, `--shm-size` etc. read.
 */
export function ramInBytes(size: string): number {
  return parseSize(size, BINARY_MULTIPLIERS);
}

function scaleSize(
  size: number,
  base: number,
  abbrs: readonly string[],
): { value: number; unit: string } {
  let value = size;
  let i = 0;
  while (value >= base && i < abbrs.length - 1) {
    value /= base;
    i++;
  }
  return { value, unit: abbrs[i] ?? '' };
}

function parseSize(sizeStr: string, multipliers: Readonly<Record<string, number>>): number {
  const invalidSize = () => invalidArgument(`invalid size: '${sizeStr}'`);
  let num: string;
  let sfx: string;
  const space = sizeStr.indexOf(' ');
  if (space !== -1) {
    num = sizeStr.slice(0, space);
    sfx = sizeStr.slice(space + 1);
  } else {
    // No space: the number runs up to the last digit or period.
    let sep = -1;
    for (let i = sizeStr.length - 1; i >= 0; i--) {
      if ('0123456789.'.includes(sizeStr[i] ?? '')) {
        sep = i;
        break;
      }
    }
    if (sep === -1) throw invalidSize();
    num = sizeStr.slice(0, sep + 1);
    sfx = sizeStr.slice(sep + 1);
  }

  let size = parseGoFloat(num);
  if (size < 0) throw invalidSize();

  if (sfx !== '') {
    const badSuffix = (shown: string) => invalidArgument(`invalid suffix: '${shown}'`);
    // Go measures the suffix in bytes and lowercases it only after this check.
    if (utf8Length(sfx) > 3) throw badSuffix(sfx);
    const lower = sfx.toLowerCase();
    const first = lower[0] ?? '';
    if (first === 'b') {
      if (utf8Length(lower) > 1) throw badSuffix(lower);
    } else {
      const mul = Object.hasOwn(multipliers, first) ? multipliers[first] : undefined;
      if (mul === undefined) throw badSuffix(lower);
      size *= mul;
      const len = utf8Length(lower);
      if (len === 2 && lower[1] !== 'b') throw badSuffix(lower);
      if (len === 3 && lower.slice(1) !== 'ib') throw badSuffix(lower);
    }
  }
  // Go converts with int64(size); beyond int64 (or NaN/Inf from "inf b") that conversion is
  // undefined, so such input is refused rather than mapped to a garbage number.
  if (!Number.isFinite(size) || size >= INT64_LIMIT) throw invalidSize();
  return Math.trunc(size) + 0;
}

// ---------------------------------------------------------------------------------------------
// Durations

/**
 * go-units `HumanDuration`, as in `Up 3 hours` and `Exited (0) 2 minutes ago`. Thresholds:
 * under 1 s, seconds, `About a minute`, minutes, `About an hour` (hours rounded), hours
 * below 48, days below 14, weeks below 60 days, months below 2 years, then years.
 */
export function humanDuration(ms: number): string {
  // Go works on integer nanoseconds and converts to float the way time.Duration does.
  // Go's durations saturate at the int64 range; NaN has no Go counterpart and reads as zero.
  const clamped = Number.isNaN(ms) ? 0 : Math.min(Math.max(ms * 1e6, -(2 ** 63)), 2 ** 63 - 1024);
  const ns = BigInt(Math.round(clamped));
  const seconds = Math.trunc(durationIn(ns, 1_000_000_000n));
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(durationIn(ns, 60_000_000_000n));
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const exactHours = durationIn(ns, 3_600_000_000_000n);
  const hours = Math.trunc(exactHours + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(Math.trunc(exactHours) / 24) / 365)} years`;
}

/** time.Duration's Seconds/Minutes/Hours: whole units plus the remainder as a fraction. */
function durationIn(ns: bigint, unit: bigint): number {
  return Number(ns / unit) + Number(ns % unit) / Number(unit);
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TWO_63 = 1n << 63n;

/**
 * Go's `time.ParseDuration` (`300ms`, `-1.5h`, `2h45m`, `1µs`), returning nanoseconds. Errors
 * carry Go's words: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
 * `time: unknown unit "d" in duration "1d"`.
 */
export function parseGoDuration(s: string): bigint {
  const orig = s;
  const invalid = () => invalidArgument(`time: invalid duration ${quoteTime(orig)}`);
  let rest = s;
  let neg = false;
  if (rest !== '' && (rest[0] === '-' || rest[0] === '+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const c0 = rest[0] ?? '';
    if (!(c0 === '.' || isAsciiDigit(c0))) throw invalid();

    // Integer part; Go's leadingInt allows up to 2^63 and then overflows.
    let i = 0;
    let v = 0n;
    while (i < rest.length && isAsciiDigit(rest[i] ?? '')) {
      if (v > TWO_63 / 10n) throw invalid();
      v = v * 10n + BigInt(rest.charCodeAt(i) - 48);
      if (v > TWO_63) throw invalid();
      i++;
    }
    const pre = i > 0;
    rest = rest.slice(i);

    // Fraction: digits past the point where they would overflow are consumed and ignored.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (rest[0] === '.') {
      rest = rest.slice(1);
      let j = 0;
      let overflow = false;
      while (j < rest.length && isAsciiDigit(rest[j] ?? '')) {
        if (!overflow) {
          if (f > (TWO_63 - 1n) / 10n) {
            overflow = true;
          } else {
            const y = f * 10n + BigInt(rest.charCodeAt(j) - 48);
            if (y > TWO_63) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      rest = rest.slice(j);
    }
    if (!pre && !post) throw invalid();

    let u = 0;
    while (u < rest.length && !(rest[u] === '.' || isAsciiDigit(rest[u] ?? ''))) u++;
    if (u === 0) throw invalidArgument(`time: missing unit in duration ${quoteTime(orig)}`);
    const unitName = rest.slice(0, u);
    rest = rest.slice(u);
    const unit = Object.hasOwn(DURATION_UNITS, unitName) ? DURATION_UNITS[unitName] : undefined;
    if (unit === undefined) {
      throw invalidArgument(
        `time: unknown unit ${quoteTime(unitName)} in duration ${quoteTime(orig)}`,
      );
    }
    if (v > TWO_63 / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // Go computes the fraction in float64, which is what makes "1.1h" exact to the ns.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) throw invalid();
    }
    total += v;
    if (total > TWO_63) throw invalid();
  }
  if (neg) return -total;
  if (total > TWO_63 - 1n) throw invalid();
  return total;
}

// ---------------------------------------------------------------------------------------------
// Timestamps

/**
 * dockerd's `since`/`until` query values (logs, events): Unix seconds with an optional fraction,
 * `1712345678`, `1712345678.000000000`, `1712345678.123`. The fraction is padded or truncated to
 * nanoseconds (at most 20 digits). `""` gives undefined (dockerd's zero time: "not set"; its logs
 * handler also treats `until=0` as not set). Errors read
 * `invalid timestamp "x": invalid seconds "x": invalid syntax`; the handler adds
 * `invalid value for "since": ` in front, as dockerd does.
 */
export function parseUnixTimestamp(value: string): UnixTime | undefined {
  if (value === '') return undefined;
  try {
    return parseUnixSeconds(value);
  } catch (err) {
    throw invalidArgument(`invalid timestamp ${goQuote(value)}: ${(err as Error).message}`, err);
  }
}

/**
 * dockerd's `timestamp.Parse`, used for `until` filters (`image prune --filter until=24h`):
 * a Go duration before `now`, an RFC 3339 date or date-time (complete or cut after the date,
 * hour or minute; without a zone it is read at `localOffsetSeconds`), or Unix seconds.
 */
export function parseTimestampOrDuration(
  value: string,
  now: UnixTime | Date,
  options: ParseTimestampOptions = {},
): UnixTime {
  if (/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(value)) {
    throw invalidArgument('failed to parse value as time or duration: value is empty');
  }
  const reference = now instanceof Date ? unixTimeFromDate(now) : now;
  if (value !== '0') {
    let d: bigint | undefined;
    try {
      d = parseGoDuration(value);
    } catch {
      d = undefined;
    }
    if (d !== undefined) return unixTimeFromNanos(unixTimeToNanos(reference) - d);
  }

  // Without a zone marker (Z, z, +) or the third dash of a negative offset, read local time.
  const inLocation = !/[zZ+]/.test(value) && value.split('-').length - 1 !== 3;
  let layout: string;
  if (value.includes('.')) {
    layout = inLocation ? '2006-01-02T15:04:05.999999999' : '2006-01-02T15:04:05.999999999Z07:00';
  } else if (value.includes('T')) {
    let colons = value.split(':').length - 1;
    // A numeric zone offset brings its own colon.
    if (!inLocation && !/[zZ]/.test(value) && colons > 0) colons--;
    const clock = colons === 0 ? '15' : colons === 1 ? '15:04' : '15:04:05';
    layout = `2006-01-02T${clock}${inLocation ? '' : 'Z07:00'}`;
  } else {
    layout = inLocation ? '2006-01-02' : '2006-01-02Z07:00';
  }

  let localOffset = 0;
  if (inLocation) {
    localOffset =
      options.localOffsetSeconds ??
      -new Date(reference.seconds * 1000 + Math.trunc(reference.nanos / 1e6)).getTimezoneOffset() *
        60;
  }
  try {
    return parseGoTime(layout, value, localOffset);
  } catch (err) {
    // With a dash it was meant as a date: report the date error.
    if (value.includes('-')) throw err;
    try {
      return parseUnixSeconds(value);
    } catch (inner) {
      throw invalidArgument(
        `failed to parse value as time or duration: ${(inner as Error).message}`,
        inner,
      );
    }
  }
}

export function unixTimeFromDate(d: Date): UnixTime {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

/** Milliseconds since the epoch (nanoseconds truncated), for `new Date(…)`. */
export function unixTimeToMillis(t: UnixTime): number {
  return t.seconds * 1000 + Math.trunc(t.nanos / 1e6);
}

function unixTimeToNanos(t: UnixTime): bigint {
  return BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos);
}

function unixTimeFromNanos(ns: bigint): UnixTime {
  let seconds = ns / 1_000_000_000n;
  let nanos = ns % 1_000_000_000n;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    seconds -= 1n;
  }
  return { seconds: Number(seconds), nanos: Number(nanos) };
}

/** dockerd's inner `parseTimestamp`; throws plain errors whose text the callers wrap. */
function parseUnixSeconds(value: string): UnixTime {
  const dot = value.indexOf('.');
  const secText = dot === -1 ? value : value.slice(0, dot);
  const fracText = dot === -1 ? undefined : value.slice(dot + 1);
  const sec = parseGoInt64(secText);
  if (typeof sec === 'string') throw new Error(`invalid seconds ${goQuote(secText)}: ${sec}`);
  const seconds = Number(sec);
  if (fracText === undefined || fracText === '' || fracText === '0' || fracText === '000000000') {
    return { seconds, nanos: 0 };
  }
  const bytes = Buffer.from(fracText, 'utf8');
  if (bytes.length > 20) {
    throw new Error(`invalid nanoseconds: length ${bytes.length} exceeds maximum 20`);
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x30 || b > 0x39) {
      // Go formats the offending byte with %q, i.e. as the rune of that byte value.
      throw new Error(`invalid nanoseconds: invalid character ${goQuoteRune(b)} at position ${i}`);
    }
  }
  const nanos = Number(fracText.slice(0, 9).padEnd(9, '0'));
  // time.Unix adds the nanoseconds even to negative seconds: "-1.5" is half a second before 0.
  return { seconds, nanos };
}

/** strconv.ParseInt(s, 10, 64): the value, or the NumError's reason. */
function parseGoInt64(s: string): bigint | 'invalid syntax' | 'value out of range' {
  let digits = s;
  let neg = false;
  if (digits[0] === '+' || digits[0] === '-') {
    neg = digits[0] === '-';
    digits = digits.slice(1);
  }
  if (digits === '') return 'invalid syntax';
  let n = 0n;
  for (let i = 0; i < digits.length; i++) {
    const c = digits[i] ?? '';
    if (!isAsciiDigit(c)) return 'invalid syntax';
    n = n * 10n + BigInt(c.charCodeAt(0) - 48);
    // Go stops at the first digit that overflows uint64, before looking further.
    if (n > (1n << 64n) - 1n) return 'value out of range';
  }
  if (neg ? n > TWO_63 : n > TWO_63 - 1n) return 'value out of range';
  return neg ? -n : n;
}

// ---------------------------------------------------------------------------------------------
// Go time.Parse, for the handful of numeric layouts dockerd tries.

type LayoutElem =
  | { readonly kind: 'literal'; readonly text: string }
  | {
      readonly kind: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'zone';
      readonly text: string;
    };

const LAYOUT_ELEMS: readonly (readonly [string, LayoutElem['kind']])[] = [
  ['2006', 'year'],
  ['01', 'month'],
  ['02', 'day'],
  ['15', 'hour'],
  ['04', 'minute'],
  ['05', 'second'],
  ['.999999999', 'fraction'],
  ['Z07:00', 'zone'],
];

function splitLayout(layout: string): LayoutElem[] {
  const out: LayoutElem[] = [];
  let i = 0;
  while (i < layout.length) {
    const hit = LAYOUT_ELEMS.find(([text]) => layout.startsWith(text, i));
    if (hit !== undefined) {
      out.push({ kind: hit[1], text: hit[0] });
      i += hit[0].length;
    } else {
      const last = out[out.length - 1];
      const c = layout[i] ?? '';
      if (last?.kind === 'literal') out[out.length - 1] = { kind: 'literal', text: last.text + c };
      else out.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return out;
}

/**
 * Go's `time.Parse` (`localOffset` 0) or `ParseInLocation` with a fixed zone, restricted to the
 * elements in LAYOUT_ELEMS, with Go's error texts (`parsing time "x" as "2006-01-02": cannot
 * parse "x" as "2006"`, `parsing time "2024-13-01": month out of range`, …).
 */
function parseGoTime(layout: string, input: string, localOffset: number): UnixTime {
  const elems = splitLayout(layout);
  const q = quoteTime;
  const cannotParse = (valueElem: string, layoutElem: string) =>
    invalidArgument(
      `parsing time ${q(input)} as ${q(layout)}: cannot parse ${q(valueElem)} as ${q(layoutElem)}`,
    );
  const withMessage = (message: string) => invalidArgument(`parsing time ${q(input)}${message}`);

  let value = input;
  let year = 0;
  let month = -1;
  let day = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let zoneOffset: number | undefined;

  for (let e = 0; e < elems.length; e++) {
    const elem = elems[e];
    if (elem === undefined) break;
    if (elem.kind === 'literal') {
      let k = 0;
      while (k < elem.text.length) {
        if (value === '' || value[0] !== elem.text[k]) throw cannotParse(value, elem.text);
        value = value.slice(1);
        k++;
      }
      continue;
    }
    const hold = value;
    let bad = false;
    let rangeErr = '';
    switch (elem.kind) {
      case 'year': {
        if (value.length < 4 || !/^[0-9]{4}/.test(value)) {
          bad = true;
          break;
        }
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      }
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second': {
        // Hours may have one digit; the other fields must have two.
        const fixed = elem.kind !== 'hour';
        const n = getNum(value, fixed);
        if (n === undefined) {
          bad = true;
          break;
        }
        value = n.rest;
        if (elem.kind === 'month') {
          month = n.value;
          if (month <= 0 || month > 12) rangeErr = 'month';
        } else if (elem.kind === 'day') {
          day = n.value;
        } else if (elem.kind === 'hour') {
          hour = n.value;
          if (hour >= 24) rangeErr = 'hour';
        } else if (elem.kind === 'minute') {
          minute = n.value;
          if (minute >= 60) rangeErr = 'minute';
        } else {
          second = n.value;
          if (second >= 60) {
            rangeErr = 'second';
            break;
          }
          // Go accepts a fraction after the seconds even when the layout has none.
          const nextStd = elems.slice(e + 1).find((x) => x.kind !== 'literal');
          if (
            nextStd?.kind !== 'fraction' &&
            value.length >= 2 &&
            (value[0] === '.' || value[0] === ',') &&
            isAsciiDigit(value[1] ?? '')
          ) {
            let end = 2;
            while (end < value.length && isAsciiDigit(value[end] ?? '')) end++;
            nanos = fractionToNanos(value.slice(1, end));
            value = value.slice(end);
          }
        }
        break;
      }
      case 'fraction': {
        const hasFraction =
          value.length >= 2 &&
          (value[0] === '.' || value[0] === ',') &&
          isAsciiDigit(value[1] ?? '');
        if (!hasFraction) break; // the fraction is optional
        let end = 2;
        while (end < value.length && isAsciiDigit(value[end] ?? '')) end++;
        nanos = fractionToNanos(value.slice(1, end));
        value = value.slice(end);
        break;
      }
      case 'zone': {
        if (value[0] === 'Z') {
          value = value.slice(1);
          zoneOffset = 0;
          break;
        }
        if (value.length < 6 || value[3] !== ':') {
          bad = true;
          break;
        }
        const sign = value[0];
        const hh = getNum(value.slice(1, 3), true);
        const mm = hh === undefined ? undefined : getNum(value.slice(4, 6), true);
        value = value.slice(6);
        if (hh === undefined || mm === undefined) bad = true;
        // Go checks the ranges before it reports a bad field, and allows 24h and 60m.
        if ((hh?.value ?? 0) > 24) rangeErr = 'time zone offset hour';
        if ((mm?.value ?? 0) > 60) rangeErr = 'time zone offset minute';
        if (bad) break;
        const offset = ((hh?.value ?? 0) * 60 + (mm?.value ?? 0)) * 60;
        if (sign === '+') zoneOffset = offset;
        else if (sign === '-') zoneOffset = -offset;
        else bad = true;
        break;
      }
      default:
        break;
    }
    if (rangeErr !== '') throw withMessage(`: ${rangeErr} out of range`);
    if (bad) throw cannotParse(hold, elem.text);
  }
  if (value !== '') throw withMessage(`: extra text: ${q(value)}`);

  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysInMonth(month, year)) throw withMessage(': day out of range');

  const civil = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return { seconds: civil - (zoneOffset ?? localOffset), nanos };
}

/** Go's getnum: one or two leading digits (`fixed` requires two). */
function getNum(s: string, fixed: boolean): { value: number; rest: string } | undefined {
  if (!isAsciiDigit(s[0] ?? '')) return undefined;
  if (!isAsciiDigit(s[1] ?? '')) {
    if (fixed) return undefined;
    return { value: s.charCodeAt(0) - 48, rest: s.slice(1) };
  }
  return { value: (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), rest: s.slice(2) };
}

/** Fractional-second digits to nanoseconds; digits past the ninth are dropped. */
function fractionToNanos(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}

function daysInMonth(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (any year, no Date quirks for 0–99). */
function daysFromCivil(year: number, month: number, day: number): number {
  // Count from March so that the leap day falls at the end of the counting year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

// ---------------------------------------------------------------------------------------------
// Go number parsing

/**
 * strconv.ParseFloat(s, 64): Go's float syntax (decimal with `_` digit separators, hex with a
 * `p` exponent, `inf`/`infinity`/`nan`), errors as `strconv.ParseFloat: parsing "x": …`.
 */
function parseGoFloat(s: string): number {
  const fail = (reason: string) =>
    invalidArgument(`strconv.ParseFloat: parsing ${goQuote(s)}: ${reason}`);
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;

  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9][0-9_]*)$/.exec(s);
  let value: number;
  if (hex !== null) {
    const intDigits = (hex[2] ?? '').replaceAll('_', '');
    const fracDigits = (hex[3] ?? '').replaceAll('_', '');
    if (intDigits + fracDigits === '' || !goUnderscoresOk(s)) throw fail('invalid syntax');
    const mantissa = BigInt(`0x${intDigits}${fracDigits}`);
    const exp = Number((hex[4] ?? '0').replaceAll('_', '')) - 4 * fracDigits.length;
    value = Number(mantissa) * 2 ** exp;
    if (hex[1] === '-') value = -value;
  } else {
    if (!/^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?$/.test(s)) {
      throw fail('invalid syntax');
    }
    const mantissa = s.replace(/[eE].*$/, '');
    if (!/[0-9]/.test(mantissa) || !goUnderscoresOk(s)) throw fail('invalid syntax');
    value = Number(s.replaceAll('_', ''));
  }
  if (!Number.isFinite(value)) throw fail('value out of range');
  return value;
}

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function goUnderscoresOk(s: string): boolean {
  if (!s.includes('_')) return true;
  let rest = s;
  if (rest[0] === '+' || rest[0] === '-') rest = rest.slice(1);
  let saw: '^' | '0' | '_' | '!' = '^';
  let hex = false;
  let i = 0;
  if (rest.length >= 2 && rest[0] === '0' && /[bBoOxX]/.test(rest[1] ?? '')) {
    i = 2;
    saw = '0';
    hex = /[xX]/.test(rest[1] ?? '');
  }
  for (; i < rest.length; i++) {
    const c = rest[i] ?? '';
    if (isAsciiDigit(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

// ---------------------------------------------------------------------------------------------
// Go quoting, for error texts that must read as dockerd's (strconv's Quote is goQuote).

/** The time package's own quote: non-ASCII and control characters as `\x` UTF-8 bytes. */
function quoteTime(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (r >= 0x80 || r < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else {
      out += r === 0x22 || r === 0x5c ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

function isAsciiDigit(c: string): boolean {
  return c.length === 1 && c >= '0' && c <= '9';
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
