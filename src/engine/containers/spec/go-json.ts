// Reading Docker-shaped JSON (a create body, a seccomp profile) the way Go's encoding/json
// reads it into a struct: keys match exactly or, failing that, case-insensitively; `null` is
// the same as absent; unknown keys are ignored; a value of the wrong type is an error in Go's
// words (`json: cannot unmarshal string into Go struct field X.Y of type int64`), which the
// caller wraps with its own prefix. Values come from JSON.parse, so numbers are JS numbers.

export type JsonObject = Record<string, unknown>;

type IntType = 'int' | 'int64' | 'uint' | 'uint16' | 'uint32' | 'uint64';

const INT_RANGE: Record<IntType, [number, number]> = {
  int: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint: [0, Number.MAX_SAFE_INTEGER],
  uint16: [0, 0xffff],
  uint32: [0, 0xffffffff],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** Go's name for a JSON value's kind, as encoding/json prints it (`number 1.5` for a bad number). */
function kindOf(v: unknown, numericTarget: boolean): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return numericTarget ? `number ${String(v)}` : 'number';
  if (typeof v === 'object') return 'object';
  return 'string';
}

export class GoJson {
  /**
   * @param struct Go's name of the outer struct (`CreateRequest`), which starts every field path.
   * @param fail turns a message into the error to throw (the caller adds its prefix and kind).
   */
  constructor(
    private readonly struct: string,
    private readonly fail: (message: string) => Error,
  ) {}

  private mismatch(v: unknown, path: string, type: string, numericTarget = false): Error {
    return this.fail(`json: cannot unmarshal ${kindOf(v, numericTarget)} into Go struct field ${this.struct}.${path} of type ${type}`);
  }

  /** The value of `key` in `o`: the exact key first, then the first case-insensitive match. */
  get(o: JsonObject | undefined, key: string): unknown {
    if (o === undefined) return undefined;
    if (Object.hasOwn(o, key)) return o[key];
    const lower = key.toLowerCase();
    for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
    return undefined;
  }

  /** The whole document, which must be an object (or null: an empty one). */
  root(v: unknown, type: string): JsonObject {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) return this.failRoot(v, type);
    return v as JsonObject;
  }

  private failRoot(v: unknown, type: string): never {
    throw this.fail(`json: cannot unmarshal ${kindOf(v, false)} into Go value of type ${type}`);
  }

  obj(v: unknown, path: string, type = 'struct'): JsonObject | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw this.mismatch(v, path, type);
    return v as JsonObject;
  }

  str(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.mismatch(v, path, 'string');
    return v;
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw this.mismatch(v, path, 'bool');
    return v;
  }

  int(v: unknown, path: string, type: IntType = 'int64'): number | undefined {
    if (v === undefined || v === null) return undefined;
    const [min, max] = INT_RANGE[type];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw this.mismatch(v, path, type, true);
    return v;
  }

  array(v: unknown, path: string, type: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw this.mismatch(v, path, type);
    return v;
  }

  strings(v: unknown, path: string): string[] | undefined {
    const a = this.array(v, path, '[]string');
    // A null element decodes to "" in Go.
    return a?.map((e) => (e === null ? '' : (this.str(e, path) as string)));
  }

  /** Docker's StrSlice (Cmd, Entrypoint, CapAdd…): a JSON string or an array of strings. */
  strSlice(v: unknown, path: string): string[] | undefined {
    if (typeof v === 'string') return [v];
    if (v !== undefined && v !== null && !Array.isArray(v)) throw this.mismatch(v, path, 'strslice.StrSlice');
    return this.strings(v, path);
  }

  stringMap(v: unknown, path: string): Record<string, string> | undefined {
    const o = this.obj(v, path, 'map[string]string');
    if (o === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, e] of Object.entries(o)) out[k] = e === null ? '' : (this.str(e, path) as string);
    return out;
  }

  /** A map whose values are ignored (`map[string]struct{}`: ExposedPorts, Volumes). */
  keySet(v: unknown, path: string): Record<string, object> | undefined {
    const o = this.obj(v, path, 'map[string]struct {}');
    if (o === undefined) return undefined;
    const out: Record<string, object> = {};
    for (const [k, e] of Object.entries(o)) {
      if (e !== null) this.obj(e, path, 'struct {}');
      out[k] = {};
    }
    return out;
  }
}
