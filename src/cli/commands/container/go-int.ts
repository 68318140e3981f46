// Go's strconv integer parsing as pflag's int flags use it, with strconv's error texts.

/** Go's strconv.ParseInt(s, 0, bits): decimal, 0x, 0o, 0b, leading-0 octal, `_` separators. */
export function parseGoInt(s: string, bits = 64): number {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m || /__|_$|^[+-]?_/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const body = (m[2] ?? '').replaceAll('_', '');
  let v: bigint;
  if (/^0[xXoObB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  if (m[1] === '-') v = -v;
  const limit = 1n << BigInt(bits - 1);
  if (v >= limit || v < -limit) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(v);
}

export function parseGoUint(s: string, bits: number): number {
  if (s.startsWith('-') || s.startsWith('+')) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  let v: number;
  try {
    v = parseGoInt(s, 64);
  } catch (err) {
    throw new Error((err as Error).message.replace('ParseInt', 'ParseUint'));
  }
  if (v >= 2 ** bits) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}
