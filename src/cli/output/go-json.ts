// JSON as Go's encoding/json writes it, for the `json` template function and `--format json`.
// It differs from JSON.stringify in ways users see: Go escapes U+2028/U+2029 always and
// <, >, & unless HTML escaping is off; it sorts map keys (a JS Map here; plain objects are
// structs and keep their order); it refuses NaN and ±Inf instead of writing null.

export interface GoJsonOptions {
  /** json.Marshal escapes <, > and & as \u003c…; the Docker `json` function turns this off. */
  escapeHtml: boolean;
}

const shortEscapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function quote(s: string, opts: GoJsonOptions): string {
  let out = '"';
  for (const ch of s) {
    const short = shortEscapes[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x2028 || cp === 0x2029 || (opts.escapeHtml && (ch === '<' || ch === '>' || ch === '&'))) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot be UTF-8; Go writes the replacement character.
      out += '\ufffd';
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
  // Go switches to exponent form at the same thresholds as JS (1e-6, 1e21).
  return Object.is(n, -0) ? '-0' : JSON.stringify(n);
}

function sortedKeys(keys: string[]): string[] {
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Encodes a value as Go's json.Encoder would (compact, no trailing newline). */
export function goJson(value: unknown, opts: GoJsonOptions): string {
  const seen = new Set<object>();
  const encode = (v: unknown): string | undefined => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return quote(v, opts);
      case 'number':
        return encodeNumber(v);
      case 'bigint':
        return v.toString();
      case 'boolean':
        return v ? 'true' : 'false';
      case 'function':
      case 'symbol':
        return undefined;
      default:
        break;
    }
    const obj = v as object;
    if (seen.has(obj)) throw new Error('json: unsupported value: encountered a cycle');
    const toJson = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') return encode(toJson.call(obj));
    seen.add(obj);
    try {
      if (Array.isArray(obj)) return `[${obj.map((e) => encode(e) ?? 'null').join(',')}]`;
      let entries: [string, unknown][];
      if (obj instanceof Map) {
        const byKey = new Map<string, unknown>();
        for (const [k, e] of obj) byKey.set(String(k), e);
        entries = sortedKeys([...byKey.keys()]).map((k) => [k, byKey.get(k)]);
      } else {
        entries = Object.entries(obj);
      }
      const parts: string[] = [];
      for (const [k, e] of entries) {
        const encoded = encode(e);
        if (encoded !== undefined) parts.push(`${quote(k, opts)}:${encoded}`);
      }
      return `{${parts.join(',')}}`;
    } finally {
      seen.delete(obj);
    }
  };
  return encode(value) ?? 'null';
}
