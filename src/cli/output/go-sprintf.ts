// The part of Go's fmt package that Docker format templates reach: printf, print, println
// and the %v printer that text/template uses for {{.X}}. Values are JS values read as Go
// would see them after JSON decoding: a string is a string, an integral number an int, any
// other number a float64, an array a slice, a Map or a plain object a map, null/undefined nil.
// Integral numbers also accept the float verbs (%f, %e, %g): JS cannot tell 2.0 from 2, and
// a user who writes %.2f means a float.

import { formatGoFloat, goQuote, goQuoteRune } from '../../util/go-format.js';

const textEncoder = new TextEncoder();

/** Go's name for the type of a JS value, as `%T` and error messages print it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return isIntegral(v) ? 'int' : 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func()';
    default:
      break;
  }
  if (Array.isArray(v)) {
    return v.length > 0 && v.every((e) => typeof e === 'string') ? '[]string' : '[]interface {}';
  }
  if (v instanceof Map || isPlainObject(v)) return 'map[string]interface {}';
  const obj = v as object;
  const tag = (obj as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag === 'string') return tag;
  return obj.constructor?.name ?? 'object';
}

/**
 * Whether a JS number reads as a Go int. Integral values beyond int64 can only have come
 * from a float (1e21), so they print as floats.
 */
export function isIntegral(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Entries of a Go map (a JS Map or plain object) in fmt's order: keys sorted. */
export function sortedEntries(m: Map<unknown, unknown> | Record<string, unknown>): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  return entries.sort(([a], [b]) => compareKeys(a, b));
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Formatting state of one verb: flags, width, precision. */
interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const plainSpec: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  width: undefined,
  prec: undefined,
};

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Pads to the width, counted in runes as Go does. */
function pad(s: string, spec: Spec): string {
  if (spec.width === undefined) return s;
  const n = spec.width - runeCount(s);
  if (n <= 0) return s;
  if (spec.minus) return s + ' '.repeat(n);
  return (spec.zero ? '0' : ' ').repeat(n) + s;
}

// ---------------------------------------------------------------------------------------------
// Floats (strconv's part lives in util/go-format.ts).

function fmtFloat(x: number, verb: string, spec: Spec): string {
  let prec = spec.prec ?? -1;
  let kind: 'e' | 'E' | 'f' | 'g' | 'G';
  switch (verb) {
    case 'v':
    case 'g':
      kind = 'g';
      break;
    case 'G':
      kind = 'G';
      break;
    case 'e':
    case 'E':
      kind = verb;
      if (spec.prec === undefined) prec = 6;
      break;
    default:
      kind = 'f';
      if (spec.prec === undefined) prec = 6;
  }
  let num = formatGoFloat(x, kind, prec);
  if (!num.startsWith('-') && !num.startsWith('+')) num = `+${num}`;
  if (spec.space && num.startsWith('+') && !spec.plus) num = ` ${num.slice(1)}`;
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !spec.space && !spec.plus) num = num.slice(1);
    return pad(num, { ...spec, zero: false });
  }
  if (spec.plus || !num.startsWith('+')) {
    // Zero padding goes between the sign and the digits.
    if (spec.zero && !spec.minus && spec.width !== undefined && spec.width > num.length) {
      return num[0] + '0'.repeat(spec.width - num.length) + num.slice(1);
    }
    return pad(num, spec);
  }
  return pad(num.slice(1), spec);
}

// ---------------------------------------------------------------------------------------------
// Integers.

function fmtInteger(n: bigint, base: number, verb: string, spec: Spec): string {
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = 0;
  if (spec.prec !== undefined) {
    prec = spec.prec;
    if (prec === 0 && n === 0n) return pad('', { ...spec, zero: false });
  } else if (spec.zero && !spec.minus && spec.width !== undefined) {
    // Zero padding is written as precision so the sign stays in front.
    prec = spec.width;
    if (negative || spec.plus || spec.space) prec--;
  }
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (spec.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = `0o${digits}`;
  if (negative) digits = `-${digits}`;
  else if (spec.plus) digits = `+${digits}`;
  else if (spec.space) digits = ` ${digits}`;
  return pad(digits, { ...spec, zero: false });
}

function fmtInt(v: number | bigint, verb: string, spec: Spec): string | undefined {
  const n = typeof v === 'bigint' ? v : BigInt(v);
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(n, 10, verb, spec);
    case 'b':
      return fmtInteger(n, 2, verb, spec);
    case 'o':
    case 'O':
      return fmtInteger(n, 8, verb, spec);
    case 'x':
    case 'X':
      return fmtInteger(n, 16, verb, spec);
    case 'c':
      return pad(String.fromCodePoint(Number(n) >= 0 && Number(n) <= 0x10ffff ? Number(n) : 0xfffd), spec);
    case 'q':
      return pad(goQuoteRune(Number(n), spec.plus), spec);
    case 'U': {
      let s = `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
      if (spec.sharp) s += ` '${String.fromCodePoint(Number(n))}'`;
      return pad(s, spec);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return fmtFloat(Number(n), verb, spec);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Strings.

function truncateRunes(s: string, n: number | undefined): string {
  if (n === undefined) return s;
  return Array.from(s).slice(0, n).join('');
}

function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
      if (spec.sharp) return pad(goQuote(s), spec);
      return pad(truncateRunes(s, spec.prec), spec);
    case 's':
      return pad(truncateRunes(s, spec.prec), spec);
    case 'q': {
      const t = truncateRunes(s, spec.prec);
      if (spec.sharp && !t.includes('`') && !/[\0-\x08\x0a-\x1f\x7f]/.test(t)) return pad(`\`${t}\``, spec);
      return pad(goQuote(t, spec.plus), spec);
    }
    case 'x':
    case 'X': {
      let bytes = textEncoder.encode(s);
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      const parts = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
      let out = '';
      parts.forEach((p, i) => {
        if (spec.space && i > 0) out += ' ';
        if (spec.sharp && (spec.space || i === 0)) out += '0x';
        out += p;
      });
      return pad(verb === 'X' ? out.toUpperCase() : out, spec);
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Values.

function fmtBool(b: boolean, verb: string, spec: Spec): string | undefined {
  return verb === 't' || verb === 'v' ? pad(String(b), spec) : undefined;
}

/** Own enumerable data of a class instance, printed like a Go struct. */
function structFields(obj: object): unknown[] {
  return Object.values(obj).filter((v) => typeof v !== 'function');
}

function hasCustomToString(obj: object): boolean {
  if (obj instanceof Error) return true;
  const toString = (obj as { toString?: unknown }).toString;
  return typeof toString === 'function' && toString !== Object.prototype.toString;
}

function stringerText(obj: object): string {
  return obj instanceof Error ? obj.message : String(obj);
}

function badVerb(verb: string, arg: unknown, spec: Spec): string {
  if (arg === null || arg === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(arg)}=${printArg(arg, 'v', spec, 0)})`;
}

function printArg(arg: unknown, verb: string, spec: Spec, depth: number): string {
  if (arg === null || arg === undefined) {
    // A nil element inside a slice or map prints as <nil> whatever the verb.
    if (depth > 0) return '<nil>';
    return verb === 'v' || verb === 'T' ? pad('<nil>', spec) : badVerb(verb, arg, spec);
  }
  if (verb === 'T') return pad(goTypeName(arg), spec);
  let out: string | undefined;
  switch (typeof arg) {
    case 'string':
      out = fmtString(arg, verb, spec);
      break;
    case 'number':
      out = isIntegral(arg) ? fmtInt(arg, verb, spec) : fmtFloatVerb(arg, verb, spec);
      break;
    case 'bigint':
      out = fmtInt(arg, verb, spec);
      break;
    case 'boolean':
      out = fmtBool(arg, verb, spec);
      break;
    case 'function':
      out = verb === 'v' ? pad('func()', spec) : undefined;
      break;
    default:
      out = printComposite(arg as object, verb, spec, depth);
  }
  return out ?? badVerb(verb, arg, spec);
}

function fmtFloatVerb(x: number, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return fmtFloat(x, verb, spec);
    default:
      return undefined;
  }
}

function printComposite(obj: object, verb: string, spec: Spec, depth: number): string | undefined {
  if (Array.isArray(obj)) {
    return `[${obj.map((e) => printArg(e, verb, spec, depth + 1)).join(' ')}]`;
  }
  if (obj instanceof Map || isPlainObject(obj)) {
    const parts = sortedEntries(obj as Map<unknown, unknown> | Record<string, unknown>)
      .filter(([, v]) => typeof v !== 'function')
      .map(([k, v]) => `${printArg(k, verb, spec, depth + 1)}:${printArg(v, verb, spec, depth + 1)}`);
    return `map[${parts.join(' ')}]`;
  }
  if (hasCustomToString(obj)) return fmtString(stringerText(obj), verb, spec);
  return `{${structFields(obj)
    .map((v) => printArg(v, verb, spec, depth + 1))
    .join(' ')}}`;
}

/** fmt.Sprint(v) for one operand: %v. */
export function formatGoValue(v: unknown): string {
  return printArg(v, 'v', plainSpec, 0);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function goSprint(args: readonly unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatGoValue(arg);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands and a newline at the end. */
export function goSprintln(args: readonly unknown[]): string {
  return `${args.map(formatGoValue).join(' ')}\n`;
}

function isGoInt(v: unknown): v is number | bigint {
  return (typeof v === 'number' && isIntegral(v)) || typeof v === 'bigint';
}

/** fmt.Sprintf, with Go's in-band error notation (%!d(string=x), %!s(MISSING), …). */
export function goSprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const end = format.length;

  // Parses "[n]" at i; returns the new argument number or undefined for a bad index.
  const argIndex = (): { ok: boolean } => {
    if (format[i] !== '[') return { ok: true };
    reordered = true;
    const close = format.indexOf(']', i);
    if (close < 0) {
      i = end;
      return { ok: false };
    }
    const text = format.slice(i + 1, close);
    i = close + 1;
    const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!(n >= 1 && n <= args.length)) return { ok: false };
    argNum = n - 1;
    return { ok: true };
  };

  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...plainSpec };
    flags: while (i < end) {
      switch (format[i]) {
        case '#':
          spec.sharp = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        case '+':
          spec.plus = true;
          break;
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case ' ':
          spec.space = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    let goodIndex = argIndex().ok;
    if (format[i] === '*') {
      i++;
      const w = args[argNum];
      if (goodIndex && isGoInt(w)) {
        argNum++;
        spec.width = Number(w);
        if (spec.width < 0) {
          spec.minus = true;
          spec.zero = false;
          spec.width = -spec.width;
        }
      } else {
        if (goodIndex && argNum < args.length) argNum++;
        out += '%!(BADWIDTH)';
      }
    } else {
      const m = /^[0-9]+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      goodIndex = argIndex().ok && goodIndex;
      if (format[i] === '*') {
        i++;
        const p = args[argNum];
        if (goodIndex && isGoInt(p) && Number(p) >= 0) {
          argNum++;
          spec.prec = Number(p);
        } else {
          if (goodIndex && argNum < args.length) argNum++;
          out += '%!(BADPREC)';
        }
      } else {
        const m = /^[0-9]+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (format[i] === '[') goodIndex = argIndex().ok && goodIndex;
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
    } else if (!goodIndex) {
      out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
    } else {
      out += printArg(args[argNum], verb, spec, 0);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatGoValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
