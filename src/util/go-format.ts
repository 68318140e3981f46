// The parts of Go's strconv that both Go emulations need: FormatFloat with Go's exact rounding,
// and Quote / QuoteRune. Used by fmt (cli/output/go-sprintf.ts, behind `--format` templates)
// and by go-units and the time parsing (units.ts: sizes as "%.4g", quoted error texts).

// ---------------------------------------------------------------------------------------------
// Floats. Go rounds exactly (half to even on the exact binary value), so fixed-precision
// output works on the exact decimal expansion of the double rather than on toFixed().

interface Digits {
  /** Significant digits without leading or trailing zeros; '' for zero. */
  d: string;
  /** Position of the decimal point relative to the start of d. */
  dp: number;
}

function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (expBits === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    // m / 2^k == m * 5^k / 10^k
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trimDigits(digits, dp);
}

function trimDigits(digits: string, dp: number): Digits {
  let start = 0;
  while (start < digits.length && digits[start] === '0') start++;
  let end = digits.length;
  while (end > start && digits[end - 1] === '0') end--;
  return { d: digits.slice(start, end), dp: dp - start };
}

/** Shortest digits that read back as x: what JS prints, and what Go's shortest mode prints. */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e');
  return trimDigits(mantissa.replace('.', ''), Number(exponent) + 1);
}

/** Rounds to n digits (half to even on exact ties, as Go's decimal rounding does). */
function roundDigits(v: Digits, n: number): Digits {
  if (n < 0) return { d: '', dp: v.dp };
  if (v.d.length <= n) return v;
  const rest = v.d.slice(n);
  const keep = v.d.slice(0, n);
  let up: boolean;
  if (rest[0] !== '5') {
    up = rest.charCodeAt(0) > 0x35;
  } else if (/[1-9]/.test(rest.slice(1))) {
    up = true;
  } else {
    // Exactly halfway: round to even.
    up = n > 0 && (keep.charCodeAt(n - 1) - 0x30) % 2 === 1;
  }
  if (!up) return trimDigits(keep, v.dp);
  const digits = keep.split('').map(Number);
  let i = n - 1;
  while (i >= 0) {
    const digit = digits[i] ?? 0;
    if (digit < 9) {
      digits[i] = digit + 1;
      break;
    }
    digits[i] = 0;
    i--;
  }
  if (i < 0) return { d: '1', dp: v.dp + 1 };
  return trimDigits(digits.join(''), v.dp);
}

function digitAt(v: Digits, i: number): string {
  return i >= 0 && i < v.d.length ? (v.d[i] ?? '0') : '0';
}

function formatE(v: Digits, prec: number, e: 'e' | 'E'): string {
  let s = v.d.length > 0 ? digitAt(v, 0) : '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(v, i);
  }
  const exp = v.d.length === 0 ? 0 : v.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function formatF(v: Digits, prec: number): string {
  let s = '';
  if (v.dp > 0) {
    for (let i = 0; i < v.dp; i++) s += digitAt(v, i);
  } else {
    s = '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(v, v.dp + i);
  }
  return s;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64): prec -1 means the shortest representation.
 * Used by printf and by go-units' size formatting ("%.4g").
 */
export function formatGoFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let v: Digits;
  if (shortest) {
    v = shortestDigits(x);
  } else {
    const exact = exactDigits(x);
    switch (fmt) {
      case 'e':
      case 'E':
        v = roundDigits(exact, prec + 1);
        break;
      case 'f':
        v = roundDigits(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        v = roundDigits(exact, prec);
    }
  }
  let out: string;
  switch (fmt) {
    case 'e':
    case 'E':
      out = formatE(v, shortest ? Math.max(v.d.length - 1, 0) : prec, fmt);
      break;
    case 'f':
      out = formatF(v, shortest ? Math.max(v.d.length - v.dp, 0) : prec);
      break;
    default: {
      const nd = v.d.length;
      if (shortest) prec = nd;
      let eprec = prec;
      if (eprec > nd && nd >= v.dp) eprec = nd;
      // %e when the exponent is below -4 or at least the precision (6 for shortest).
      if (shortest) eprec = 6;
      const exp = v.dp - 1;
      if (exp < -4 || exp >= eprec) {
        out = formatE(v, Math.min(prec, nd) - 1, fmt === 'g' ? 'e' : 'E');
      } else {
        out = formatF(v, Math.max((prec > v.dp ? nd : prec) - v.dp, 0));
      }
    }
  }
  return neg ? `-${out}` : out;
}

// ---------------------------------------------------------------------------------------------
// Quoting.

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function escapeRune(ch: string, quote: string, asciiOnly: boolean): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (cp < 0x80 ? cp >= 0x20 && cp !== 0x7f : !asciiOnly && printable.test(ch)) return ch;
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
    default:
      break;
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote (asciiOnly: strconv.QuoteToASCII). */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', asciiOnly);
  return `${out}"`;
}

/** strconv.QuoteRune of a code point (asciiOnly: strconv.QuoteRuneToASCII); invalid runes read as U+FFFD. */
export function goQuoteRune(cp: number, asciiOnly = false): string {
  const ch = cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  return `'${escapeRune(ch, "'", asciiOnly)}'`;
}
