// The `filters` query parameter of the Engine API, with the semantics of moby's filters package.
//
// Lifecycle: a handler calls `parseFilters(query.filters)` once, then `f.validateKeys([...])`
// with the keys its endpoint supports, and passes the `Filters` value to the engine, which asks
// it questions (`exactMatch`, `matchKVList`, `getBoolOrDefault`…) per object. A key that is not
// present never filters anything out: every matcher returns true for it.
//
// Two JSON shapes arrive and both are accepted:
//   {"label":{"a=b":true}}   docker CLI (a set encoded as a map to true)
//   {"label":["a=b"]}        dockerode, docker-py, testcontainers (docker-py sends bools as
//                            strings: {"dangling":["true"]})
//
// Example:
//   const f = parseFilters('{"label":["com.example=1"],"status":{"running":true}}');
//   f.validateKeys(['label', 'status']);
//   f.exactMatch('status', 'running');                        // true
//   f.matchKVList('label', { 'com.example': '1', x: 'y' });   // true

import { invalidArgument } from './errors.js';

export type FilterLabels = Readonly<Record<string, string>>;

/**
 * A mapping from filter key to a set of values. Keys and values keep their arrival order (except
 * that a JSON object lists integer-like keys first); Go's order is random, so nothing relies on it.
 */
export class Filters {
  readonly #fields = new Map<string, Set<string>>();

  constructor(init?: Iterable<readonly [string, Iterable<string>]>) {
    if (init === undefined) return;
    for (const [key, values] of init) {
      const set = this.#ensure(key);
      for (const v of values) set.add(v);
    }
  }

  /** Number of keys (moby `Len`). */
  get size(): number {
    return this.#fields.size;
  }

  keys(): string[] {
    return [...this.#fields.keys()];
  }

  /** Whether the key was given at all, even with no values (moby `Contains`). */
  has(key: string): boolean {
    return this.#fields.has(key);
  }

  /** The values of a key; empty when absent. */
  get(key: string): string[] {
    return [...(this.#fields.get(key) ?? [])];
  }

  add(key: string, value: string): this {
    this.#ensure(key).add(value);
    return this;
  }

  /** Removes one value; the key goes too when it has no values left. */
  delete(key: string, value: string): this {
    const set = this.#fields.get(key);
    if (set !== undefined) {
      set.delete(value);
      if (set.size === 0) this.#fields.delete(key);
    }
    return this;
  }

  /** True when the key has no values, or when one value equals `source`. */
  exactMatch(key: string, source: string): boolean {
    const set = this.#fields.get(key);
    if (set === undefined || set.size === 0) return true;
    return set.has(source);
  }

  /** True when the key has no values, or exactly one value and it equals `source`. */
  uniqueExactMatch(key: string, source: string): boolean {
    const set = this.#fields.get(key);
    if (set === undefined || set.size === 0) return true;
    return set.size === 1 && set.has(source);
  }

  /** `exactMatch`, or some value is a prefix of `source` (ID filters: `id=4f3a`). */
  fuzzyMatch(key: string, source: string): boolean {
    if (this.exactMatch(key, source)) return true;
    for (const prefix of this.#fields.get(key) ?? []) {
      if (source.startsWith(prefix)) return true;
    }
    return false;
  }

  /**
   * `exactMatch`, or some value, read as an unanchored regular expression, matches `source`
   * (the `name` filters). Values that are not valid expressions are skipped, as moby does. Go's
   * RE2 and JavaScript differ in corners; a leading `(?i)`, `(?s)` or `(?m)` is translated.
   */
  match(key: string, source: string): boolean {
    if (this.exactMatch(key, source)) return true;
    for (const pattern of this.#fields.get(key) ?? []) {
      const re = compileGoRegExp(pattern);
      if (re?.test(source) === true) return true;
    }
    return false;
  }

  /**
   * Label semantics (moby `MatchKVList`): every value must hold against `sources`: `k` requires
   * the key to exist, `k=v` requires it to equal `v`. No values: true. Values but no labels:
   * false. Negation is not part of this; see `matchLabels`.
   */
  matchKVList(key: string, sources: FilterLabels): boolean {
    const set = this.#fields.get(key);
    if (set === undefined || set.size === 0) return true;
    if (Object.keys(sources).length === 0) return false;
    for (const value of set) {
      const { key: k, value: v } = cutEquals(value);
      if (!Object.hasOwn(sources, k)) return false;
      if (v !== undefined && sources[k] !== v) return false;
    }
    return true;
  }

  /**
   * The `label` and `label!` filters together, as dockerd's image list applies them: each value
   * is its own condition and all must hold. Under `label`, `k` means present, `k=v` means equal
   * and `k!=v` means not equal (or absent); under `label!` each of these is negated
   * (`label!=k` means absent). With neither key present, everything matches.
   */
  matchLabels(labels: FilterLabels): boolean {
    for (const filterKey of ['label', 'label!'] as const) {
      for (const raw of this.#fields.get(filterKey) ?? []) {
        const { key, value } = cutEquals(raw);
        let negate = filterKey === 'label!';
        let labelKey = key;
        if (labelKey.endsWith('!')) {
          labelKey = labelKey.slice(0, -1);
          negate = !negate;
        }
        const exists = Object.hasOwn(labels, labelKey);
        if (value === undefined) {
          if (exists === negate) return false;
          continue;
        }
        if (!exists) {
          if (negate) continue;
          return false;
        }
        if ((labels[labelKey] === value) === negate) return false;
      }
    }
    return true;
  }

  /** Throws moby's `invalid filter '<key>'` for the first key not in `allowed`. */
  validateKeys(allowed: readonly string[]): void {
    for (const key of this.#fields.keys()) {
      if (!allowed.includes(key)) throw invalidFilter(key);
    }
  }

  /**
   * A boolean filter such as `dangling`: absent → `dflt`; values `true`/`1` or `false`/`0`.
   * No values, neither, or both throw moby's `invalid filter 'dangling=[maybe]'`.
   */
  getBoolOrDefault(key: string, dflt: boolean): boolean {
    const set = this.#fields.get(key);
    if (set === undefined) return dflt;
    if (set.size === 0) throw invalidFilter(key);
    const isFalse = set.has('0') || set.has('false');
    const isTrue = set.has('1') || set.has('true');
    if (isFalse === isTrue) throw invalidFilter(key, [...set]);
    return isTrue;
  }

  /** The CLI's wire shape, `{"key":{"value":true}}`; see `formatFilters`. */
  toJSON(): Record<string, Record<string, boolean>> {
    // fromEntries defines own properties, so a key such as `__proto__` survives.
    return Object.fromEntries(
      [...this.#fields].map(([key, set]) => [
        key,
        Object.fromEntries([...set].map((v) => [v, true])),
      ]),
    );
  }

  #ensure(key: string): Set<string> {
    let set = this.#fields.get(key);
    if (set === undefined) {
      set = new Set();
      this.#fields.set(key, set);
    }
    return set;
  }
}

/**
 * Parses the `filters` query value. Empty or absent gives empty filters; the JSON literal `null`
 * too. Anything that is neither shape throws moby's bare `invalid filter`. A map-shape value
 * of `false` is dropped: the client did not ask for it (moby keeps such entries but treats them
 * inconsistently; no client sends them). A `null` list element reads as `""`, as in Go.
 */
export function parseFilters(raw: string | null | undefined): Filters {
  if (raw === undefined || raw === null || raw === '') return new Filters();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalidArgument('invalid filter', err);
  }
  if (parsed === null) return new Filters();
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidArgument('invalid filter');
  const entries = Object.entries(parsed);
  // Go decodes the whole value as one shape, then falls back to the other: no mixing.
  if (entries.every(([, v]) => isBoolMap(v))) {
    return new Filters(
      entries.map(([key, v]) => [
        key,
        Object.entries((v ?? {}) as Record<string, boolean | null>)
          .filter(([, on]) => on === true)
          .map(([value]) => value),
      ]),
    );
  }
  if (entries.every(([, v]) => isStringList(v))) {
    return new Filters(
      entries.map(([key, v]) => [key, ((v ?? []) as (string | null)[]).map((x) => x ?? '')]),
    );
  }
  throw invalidArgument('invalid filter');
}

/** The same check as `filters.validateKeys(allowed)`, as a function. */
export function validateKeys(filters: Filters, allowed: readonly string[]): void {
  filters.validateKeys(allowed);
}

/** The query value a client sends: `""` when empty (moby `ToJSON`), else the CLI shape. */
export function formatFilters(filters: Filters): string {
  return filters.size === 0 ? '' : JSON.stringify(filters.toJSON());
}

/** moby's `invalidFilter` text: `invalid filter 'key'` or `invalid filter 'key=[v1 v2]'`. */
function invalidFilter(key: string, values?: readonly string[]) {
  const shown = values === undefined ? key : `${key}=[${values.join(' ')}]`;
  return invalidArgument(`invalid filter '${shown}'`);
}

function cutEquals(s: string): { key: string; value?: string } {
  const eq = s.indexOf('=');
  return eq === -1 ? { key: s } : { key: s.slice(0, eq), value: s.slice(eq + 1) };
}

function isBoolMap(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every((x) => x === null || typeof x === 'boolean');
}

function isStringList(v: unknown): boolean {
  if (v === null) return true;
  return Array.isArray(v) && v.every((x) => x === null || typeof x === 'string');
}

/** Go RE2 inline flags at the start become JavaScript flags; invalid patterns give undefined. */
function compileGoRegExp(pattern: string): RegExp | undefined {
  let source = pattern;
  let flags = '';
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (m !== null) {
    flags = [...new Set(m[1])].join('');
    source = source.slice(m[0].length);
  }
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}
