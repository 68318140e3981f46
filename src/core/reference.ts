// Image references, normalised exactly the way Docker does it (the grammar and the rules of
// github.com/distribution/reference), so that names, error words and familiar forms match what
// clients see from dockerd.
//
// Lifecycle: a string from a client goes through one parser, chosen by where it came from:
//   - `classifyImageRef(s)` for a lookup (`GET /images/{name}/json`, `rmi`, `create`'s Image):
//     an ID, a digest, a name, or a name that may also be a short ID;
//   - `parseNormalizedNamed(s)` for anything that must be a name (pull, push, tag);
//   - `parsePullReference(fromImage, tag)` and `parseRepoTag(repo, tag)` for the query pairs of
//     `POST /images/create`, `/images/{name}/tag`, `/commit` and import.
// The result is a plain `Reference` value; the helpers below only print or reshape it.
//
// Example:
//   const ref = parseNormalizedNamed('busybox');  // domain 'docker.io', path 'library/busybox'
//   fullString(withDefaultTag(ref));              // 'docker.io/library/busybox:latest'
//   familiarString(withDefaultTag(ref));          // 'busybox:latest'

import type { Digest } from './digest.js';
import { EngineError, invalidArgument } from './errors.js';

/** A normalised reference. `domain` is always set by the parsers here (`docker.io` for Hub). */
export interface Reference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** How the daemon reads an image lookup string; see `classifyImageRef` for the order. */
export type ImageRefClass =
  | { readonly kind: 'id'; readonly id: Digest }
  | {
      readonly kind: 'reference';
      readonly ref: Reference;
      /**
       * Set when the string also reads as a truncated image ID (4 to 64 lowercase hex digits,
       * optionally after `sha256:`): those hex digits, without the prefix. Look the name up
       * first; only if no image has that name, look for the unique image ID starting with them.
       */
      readonly maybeIdPrefix?: string;
    };

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
/** Hub's path length limit; distribution applies it to the path only, not the domain. */
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution's regexp.go, built from the same pieces so each stays readable.
// Path components are lowercase; separators are one period, one or two underscores, or dashes.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
// Domains may be mixed case, IPv4, or bracketed IPv6 (no zone), with an optional port.
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST = `(?:${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*|${IPV6_ADDRESS})`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_TAG_RE = new RegExp(`^${TAG}$`);
const ANCHORED_DIGEST_RE = new RegExp(`^${DIGEST}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
// go-digest's own, stricter, shape for an algorithm it does not know.
const GO_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** Hex lengths of the algorithms berth's `Digest` can hold. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

/**
 * Parses a name as the Docker UI writes it and returns it fully qualified
 * (distribution's `ParseNormalizedNamed`): `busybox` → `docker.io/library/busybox`.
 */
export function parseNormalizedNamed(s: string): Reference {
  if (IDENTIFIER_RE.test(s)) {
    throw invalidArgument(
      `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`,
    );
  }
  const { domain, remainder } = splitDockerDomain(s);
  // Docker checks case only up to the first ':', so a tag may be mixed case.
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw invalidArgument(
      `invalid reference format: repository name (${remote}) must be lowercase`,
    );
  }
  return parseCanonical(`${domain}/${remainder}`);
}

/**
 * Like `parseNormalizedNamed`, but the input must already be in its full form
 * (`docker.io/library/busybox:latest`); used for names read back from storage.
 */
export function parseNamed(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (fullString(ref) !== s) throw invalidArgument('repository name must be canonical');
  return ref;
}

/**
 * The reference a pull resolves (distribution's `ParseDockerRef`): a tag and a digest together
 * keep only the digest, and a bare name gets `latest`.
 */
export function parseDockerRef(s: string): Reference {
  const ref = parseNormalizedNamed(s);
  if (ref.tag !== undefined && ref.digest !== undefined) {
    return withDigest(trimNamed(ref), ref.digest);
  }
  return withDefaultTag(ref);
}

/**
 * Reads an image lookup string the way dockerd does (distribution's `ParseAnyReference`, then
 * the image service's fallback to a truncated ID). The order matters and is:
 *   1. exactly 64 lowercase hex digits → an image ID (never a name);
 *   2. a well-formed digest `<algorithm>:<hex>` (sha256, sha512) → an image ID;
 *   3. otherwise it must parse as a name (or this throws), and if it also looks like a
 *      truncated ID (`^(sha256:)?[a-f0-9]{4,64}$`) the result carries `maybeIdPrefix`: the
 *      caller tries the name first and the ID prefix only when no image has that name.
 * There is no "prefix only" outcome: every candidate prefix is also a valid name.
 */
export function classifyImageRef(s: string): ImageRefClass {
  if (IDENTIFIER_RE.test(s)) return { kind: 'id', id: `sha256:${s}` };
  const digest = tryParseDigest(s);
  if (digest !== undefined) return { kind: 'id', id: digest };
  const ref = parseNormalizedNamed(s);
  const maybeIdPrefix = truncatedId(s);
  return maybeIdPrefix === undefined
    ? { kind: 'reference', ref }
    : { kind: 'reference', ref, maybeIdPrefix };
}

/**
 * The `fromImage` + `tag` pair of `POST /images/create` (a pull). A trailing `:` on the image is
 * dropped (`pull -a` sends one), and `tag` may be a digest. Pulling `scratch` is refused.
 */
export function parsePullReference(fromImage: string, tag?: string): Reference {
  let ref = parseNormalizedNamed(fromImage.endsWith(':') ? fromImage.slice(0, -1) : fromImage);
  if (tag !== undefined && tag !== '') {
    const digest = tryParseDigest(tag);
    ref = digest !== undefined ? withDigest(trimNamed(ref), digest) : withTag(ref, tag);
  }
  if (familiarName(ref) === 'scratch') {
    throw new EngineError('permission-denied', `'scratch' is a reserved name`);
  }
  return ref;
}

/**
 * The `repo` + `tag` pair of `POST /images/{name}/tag`, `POST /commit` and import. The result
 * always has a tag (default `latest`) and never a digest. An empty `repo` is refused here
 * (`invalid reference format`); commit and import make an untagged image when `repo` is empty,
 * so they check for that before calling.
 */
export function parseRepoTag(repo: string, tag?: string): Reference {
  const ref = parseNormalizedNamed(repo);
  // dockerd's words for all three endpoints (httputils.RepoTagReference).
  if (ref.digest !== undefined) throw invalidArgument('cannot import digest reference');
  const tagged = tag !== undefined && tag !== '' ? withTag(ref, tag) : withDefaultTag(ref);
  // `sha256:<hex>` must keep meaning an image ID, so no repository may be called `sha256`.
  if (familiarName(tagged) === 'sha256') {
    throw invalidArgument('refusing to create an ambiguous tag using digest algorithm as name');
  }
  return tagged;
}

export function isNameOnly(ref: Reference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

/** Adds the `latest` tag when the reference has neither a tag nor a digest. */
export function withDefaultTag(ref: Reference): Reference {
  return isNameOnly(ref) ? { domain: ref.domain, path: ref.path, tag: DEFAULT_TAG } : ref;
}

/** Sets the tag, keeping any digest; throws `invalid tag format` as distribution does. */
export function withTag(ref: Reference, tag: string): Reference {
  if (!ANCHORED_TAG_RE.test(tag)) throw invalidArgument('invalid tag format');
  return ref.digest === undefined
    ? { domain: ref.domain, path: ref.path, tag }
    : { domain: ref.domain, path: ref.path, tag, digest: ref.digest };
}

/** Sets the digest, keeping any tag. */
export function withDigest(ref: Reference, digest: Digest): Reference {
  if (!ANCHORED_DIGEST_RE.test(digest)) throw invalidArgument('invalid digest format');
  return ref.tag === undefined
    ? { domain: ref.domain, path: ref.path, digest }
    : { domain: ref.domain, path: ref.path, tag: ref.tag, digest };
}

/** The repository alone, without tag or digest. */
export function trimNamed(ref: Reference): Reference {
  return { domain: ref.domain, path: ref.path };
}

/** `docker.io/library/busybox` */
export function fullName(ref: Reference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** `docker.io/library/busybox:latest@sha256:…` */
export function fullString(ref: Reference): string {
  return fullName(ref) + suffix(ref);
}

/** The name as the Docker UI prints it: `busybox`, `user/app`, `host:5000/a/b`. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    // `library/a/b` stays as it is: only one-level official names are shortened.
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** `busybox:latest`, `busybox@sha256:…`, `host:5000/a/b:tag` */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

/**
 * Whether `pattern` (Go `path.Match` syntax: `*`, `?`, `[a-z]`, `[^…]`, `\` escapes) matches the
 * familiar string, or failing that the familiar name, of `ref`. This is the `reference` filter of
 * `GET /images/json` (`docker images 'ali*'`). A malformed pattern throws
 * `syntax error in pattern`.
 */
export function familiarMatch(pattern: string, ref: Reference): boolean {
  return pathMatch(pattern, familiarString(ref)) || pathMatch(pattern, familiarName(ref));
}

function suffix(ref: Reference): string {
  let out = '';
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Splits off the registry domain; Docker Hub names gain `library/` when they have one level. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash === -1) {
    // A single element is always a Hub name, even `localhost` or `example.com`, so that
    // `name:tag` is never read as `host:port`.
    return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPO_PREFIX + name };
  }
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === 'localhost') {
    domain = first;
    remainder = rest;
  } else if (first === LEGACY_DEFAULT_DOMAIN) {
    domain = DEFAULT_DOMAIN;
    remainder = rest;
  } else if (first.includes('.') || first.includes(':')) {
    domain = first;
    remainder = rest;
  } else if (first.toLowerCase() !== first) {
    // Namespaces cannot be uppercase, so an uppercase first element must be a host name.
    domain = first;
    remainder = rest;
  } else {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) {
    remainder = OFFICIAL_REPO_PREFIX + remainder;
  }
  return { domain, remainder };
}

/** distribution's `Parse`, for a string that already starts with its domain. */
function parseCanonical(s: string): Reference {
  const m = REFERENCE_RE.exec(s);
  if (m === null) {
    const lower = s.toLowerCase();
    if (lower !== s && REFERENCE_RE.test(lower)) {
      throw invalidArgument('repository name must be lowercase');
    }
    throw invalidArgument('invalid reference format');
  }
  const name = m[1] ?? '';
  const nameMatch = ANCHORED_NAME_RE.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? name;
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalidArgument(
      `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
    );
  }
  const tag = m[2];
  const digestText = m[3];
  const digest = digestText === undefined ? undefined : parseGoDigest(digestText);
  return {
    domain,
    path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * go-digest's `Parse` with its error words, for the algorithms berth can hold. An algorithm
 * dockerd knows but `Digest` cannot carry (sha384) is reported as unsupported.
 */
function parseGoDigest(s: string): Digest {
  const colon = s.indexOf(':');
  const algorithm = colon === -1 ? '' : s.slice(0, colon);
  const encoded = colon === -1 ? '' : s.slice(colon + 1);
  if (colon === -1 || encoded === '') throw invalidArgument('invalid checksum digest format');
  const hexLength = Object.hasOwn(DIGEST_HEX_LENGTH, algorithm)
    ? DIGEST_HEX_LENGTH[algorithm]
    : undefined;
  if (hexLength === undefined) {
    if (!GO_DIGEST_RE.test(s)) throw invalidArgument('invalid checksum digest format');
    throw invalidArgument('unsupported digest algorithm');
  }
  if (encoded.length !== hexLength) throw invalidArgument('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw invalidArgument('invalid checksum digest format');
  return s as Digest;
}

function tryParseDigest(s: string): Digest | undefined {
  try {
    return parseGoDigest(s);
  } catch {
    return undefined;
  }
}

/** The image service's truncated-ID test: `^(sha256:)?[a-f0-9]{4,64}$`, minus the prefix. */
function truncatedId(s: string): string | undefined {
  const hex = s.startsWith('sha256:') ? s.slice('sha256:'.length) : s;
  return /^[a-f0-9]{4,64}$/.test(hex) ? hex : undefined;
}

/**
 * Go's `path.Match`. Deliberately the same algorithm rather than a RegExp: Go matches chunk by
 * chunk (a chunk is the text between stars) and commits to the first place a chunk fits, which
 * differs from backtracking when a class such as `[a/]` can match the `/` a star cannot cross.
 * It also validates the rest of the pattern after a mismatch, so a malformed pattern always
 * throws `syntax error in pattern`.
 */
function pathMatch(pattern: string, name: string): boolean {
  let pat = Array.from(pattern);
  let str = Array.from(name);
  while (pat.length > 0) {
    const { star, chunk, rest } = scanChunk(pat);
    pat = rest;
    if (star && chunk.length === 0) return !str.includes('/');
    const here = matchChunk(chunk, str);
    if (here !== undefined && (here.length === 0 || pat.length > 0)) {
      str = here;
      continue;
    }
    let advanced = false;
    if (star) {
      for (let i = 0; i < str.length && str[i] !== '/'; i++) {
        const t = matchChunk(chunk, str.slice(i + 1));
        if (t !== undefined) {
          // The last chunk must consume the whole name; keep looking otherwise.
          if (pat.length === 0 && t.length > 0) continue;
          str = t;
          advanced = true;
          break;
        }
      }
    }
    if (advanced) continue;
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.rest;
      matchChunk(next.chunk, []);
    }
    return false;
  }
  return str.length === 0;
}

function scanChunk(pattern: readonly string[]): {
  star: boolean;
  chunk: string[];
  rest: string[];
} {
  let start = 0;
  let star = false;
  while (pattern[start] === '*') {
    start++;
    star = true;
  }
  let inRange = false;
  let i = start;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 < pattern.length) i++;
    } else if (c === '[') {
      inRange = true;
    } else if (c === ']') {
      inRange = false;
    } else if (c === '*' && !inRange) {
      break;
    }
  }
  return { star, chunk: pattern.slice(start, i), rest: pattern.slice(i) };
}

/** Matches one chunk at the start of `s`; the unmatched rest, or undefined. Throws if malformed. */
function matchChunk(chunk: readonly string[], s: readonly string[]): string[] | undefined {
  const bad = (): EngineError => invalidArgument('syntax error in pattern');
  let c = 0;
  let pos = 0;
  // After a mismatch Go keeps parsing the chunk, only to report a malformed pattern.
  let failed = false;
  // One class member, optionally escaped; '-' and ']' must be escaped, and a member may not
  // end the pattern (the class would be unterminated).
  const classMember = (): number => {
    let m = chunk[c];
    if (m === undefined || m === '-' || m === ']') throw bad();
    if (m === '\\') {
      c++;
      m = chunk[c];
      if (m === undefined) throw bad();
    }
    c++;
    if (c >= chunk.length) throw bad();
    return m.codePointAt(0) ?? 0;
  };
  while (c < chunk.length) {
    if (!failed && pos >= s.length) failed = true;
    const p = chunk[c];
    if (p === '[') {
      const r = failed ? -1 : (s[pos] ?? '').codePointAt(0) ?? -1;
      if (!failed) pos++;
      c++;
      let negated = false;
      if (chunk[c] === '^') {
        negated = true;
        c++;
      }
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (chunk[c] === ']' && ranges > 0) {
          c++;
          break;
        }
        const lo = classMember();
        let hi = lo;
        if (chunk[c] === '-') {
          c++;
          hi = classMember();
        }
        if (lo <= r && r <= hi) matched = true;
        ranges++;
      }
      if (matched === negated) failed = true;
    } else if (p === '?') {
      if (!failed) {
        if (s[pos] === '/') failed = true;
        pos++;
      }
      c++;
    } else {
      let literal = p;
      if (p === '\\') {
        c++;
        literal = chunk[c];
        if (literal === undefined) throw bad();
      }
      if (!failed) {
        if (s[pos] !== literal) failed = true;
        pos++;
      }
      c++;
    }
  }
  return failed ? undefined : s.slice(pos);
}
