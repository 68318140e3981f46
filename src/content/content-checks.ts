// Argument checks and errors shared by the content stores. Both stores use these, so they
// accept, refuse and word their errors alike (the conformance suite runs against both).

import { digestAlgorithm, digestHex, isDigest, type Digest } from '../core/digest.js';
import { alreadyExists, EngineError, invalidArgument, notFound } from '../core/errors.js';

/** containerd's limit for one label (key and value together). */
const MAX_LABEL_BYTES = 4096;

/** The expectation a writer was opened with: what commit checks by default. */
export interface Expectation {
  digest: Digest;
  size: number;
}

/** The hex of a digest the caller asks to read: invalid-argument if malformed, not-found if not sha256. */
export function storedHex(digest: string): string {
  if (!isDigest(digest)) throw invalidArgument(`invalid digest format: ${JSON.stringify(digest)}`);
  if (digestAlgorithm(digest) !== 'sha256') throw digestNotFound(digest);
  return digestHex(digest);
}

/** As storedHex, as the sha256 digest. */
export function storedDigest(digest: string): Digest {
  return `sha256:${storedHex(digest)}`;
}

/** A digest the caller expects a write to produce: only sha256 can ever match. */
export function checkWriteDigest(digest: string): Digest {
  if (!isDigest(digest)) throw invalidArgument(`invalid digest format: ${JSON.stringify(digest)}`);
  if (digestAlgorithm(digest) !== 'sha256') {
    throw invalidArgument(`unsupported digest algorithm in ${digest}: the content store computes sha256 only`);
  }
  return digest;
}

export function checkExpectation(desc: { digest: string; size: number }): Expectation {
  return { digest: checkWriteDigest(desc.digest), size: checkSize(desc.size) };
}

export function checkSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw invalidArgument(`invalid size ${String(size)}`);
  return size;
}

/** ContentWriter.commit's options; all optional. */
export interface CommitOptions {
  size?: number;
  expected?: Digest;
  labels?: Record<string, string>;
}

/** Each option given, checked in turn (size, then digest, then labels); an absent one stays absent. */
export function checkCommitOptions(opts: CommitOptions): CommitOptions {
  return {
    size: opts.size === undefined ? undefined : checkSize(opts.size),
    expected: opts.expected === undefined ? undefined : checkWriteDigest(opts.expected),
    labels: opts.labels === undefined ? undefined : checkLabels(opts.labels),
  };
}

export function checkRef(ref: string): void {
  if (typeof ref !== 'string' || ref === '') throw invalidArgument('ref must not be empty');
}

/** A copy without empty values (an empty value removes a label); invalid-argument on bad input. */
export function checkLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (key === '') throw invalidArgument('label key must not be empty');
    if (typeof value !== 'string') throw invalidArgument(`label ${key} must be a string`);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
    if (bytes > MAX_LABEL_BYTES) {
      throw invalidArgument(`label ${key} is ${bytes} bytes, more than the maximum of ${MAX_LABEL_BYTES}`);
    }
    if (value !== '') out[key] = value;
  }
  return out;
}

export function checkFieldPaths(digest: Digest, fieldPaths: string[] | undefined): void {
  for (const path of fieldPaths ?? []) {
    if (path === 'labels' || (path.startsWith('labels.') && path.length > 'labels.'.length)) continue;
    throw invalidArgument(`cannot update ${JSON.stringify(path)} field on content info ${digest}`);
  }
}

/** containerd's rule: no paths or `labels` replaces all labels; `labels.<key>` sets or removes one. */
export function applyLabelUpdate(
  current: Record<string, string>,
  given: Record<string, string>,
  fieldPaths: string[] | undefined,
): Record<string, string> {
  if (fieldPaths === undefined || fieldPaths.length === 0 || fieldPaths.includes('labels')) return checkLabels(given);
  const next = { ...current };
  for (const path of fieldPaths) {
    const key = path.slice('labels.'.length);
    const value = given[key];
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
  }
  return checkLabels(next);
}

/** `[start, end)` for a range with an inclusive end, clamped to the blob as HTTP ranges are. */
export function resolveRange(size: number, range: { start: number; end?: number } | undefined): { start: number; end: number } {
  if (range === undefined) return { start: 0, end: size };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw invalidArgument(`invalid range start ${String(start)}`);
  if (start > size) throw invalidArgument(`range start ${start} is beyond the blob size ${size}`);
  if (end === undefined) return { start, end: size };
  if (!Number.isSafeInteger(end) || end < start) throw invalidArgument(`invalid range end ${String(end)} for start ${start}`);
  return { start, end: Math.min(end + 1, size) };
}

export function digestNotFound(digest: string, cause?: unknown): EngineError {
  return notFound(`content digest ${digest} not found`, cause);
}

export function contentExists(digest: Digest): EngineError {
  return alreadyExists(`content ${digest} already exists`);
}

export function ingestNotFound(ref: string): EngineError {
  return notFound(`ingest ref ${ref} not found`);
}

export function refLocked(ref: string): EngineError {
  return new EngineError('unavailable', `ref ${ref} locked`);
}
