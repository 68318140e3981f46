// MemoryContentStore: the content store kept in memory, for fast tests of code that uses one.
// It follows LocalContentStore's rules (the conformance suite runs against both): one live writer
// per ref, nothing visible before commit, `data-loss` on a size or digest mismatch, resume after
// close() by re-hashing what the ingest holds. Nothing persists, so there is no crash case.
//
// Bytes are copied in and out: a caller may reuse a chunk after write() resolves, and a reader
// cannot change a stored blob by writing to the Buffer it was given.

import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { digestAlgorithm, digestHex, isDigest, type Digest } from '../../core/digest.js';
import { alreadyExists, dataLoss, EngineError, invalidArgument, notFound } from '../../core/errors.js';
import type {
  BlobReader,
  ContentInfo,
  ContentStore,
  ContentWriter,
  IngestStatus,
  WriterOptions,
} from '../content-store.js';

const READ_CHUNK = 1 << 20;
/** containerd's limit for one label (key and value together). */
const MAX_LABEL_BYTES = 4096;

interface Expectation {
  digest: Digest;
  size: number;
}

interface StoredBlob {
  data: Buffer;
  createdAt: Date;
  updatedAt: Date;
  labels: Record<string, string>;
}

interface Ingest {
  ref: string;
  chunks: Buffer[];
  offset: number;
  startedAt: Date;
  updatedAt: Date;
  expected?: Expectation;
}

export class MemoryContentStore implements ContentStore {
  readonly #blobs = new Map<Digest, StoredBlob>();
  readonly #ingests = new Map<string, Ingest>();
  readonly #writers = new Map<string, MemoryContentWriter>();

  async open(digest: Digest): Promise<BlobReader> {
    const d = storedDigest(digest);
    const size = this.#blob(d).data.length;
    // Each read looks the blob up again, so a blob deleted after open() reads as not-found.
    const current = (): Buffer => this.#blob(d).data;
    return {
      size,
      stream: (range) => {
        const { start, end } = resolveRange(size, range);
        return Readable.from(sliceChunks(current, start, end), { objectMode: false });
      },
      readAll: async () => Buffer.from(current()),
    };
  }

  async info(digest: Digest): Promise<ContentInfo> {
    const d = storedDigest(digest);
    return toInfo(d, this.#blob(d));
  }

  async update(info: ContentInfo, fieldPaths?: string[]): Promise<ContentInfo> {
    const d = storedDigest(info.digest);
    checkFieldPaths(d, fieldPaths);
    const blob = this.#blob(d);
    blob.labels = applyLabelUpdate(blob.labels, info.labels ?? {}, fieldPaths);
    blob.updatedAt = new Date();
    return toInfo(d, blob);
  }

  async *list(): AsyncGenerator<ContentInfo> {
    for (const [digest, blob] of [...this.#blobs]) {
      // Deleted while the caller was consuming the list: no longer listed.
      if (this.#blobs.get(digest) === blob) yield toInfo(digest, blob);
    }
  }

  async delete(digest: Digest): Promise<void> {
    const d = storedDigest(digest);
    if (!this.#blobs.delete(d)) throw digestNotFound(d);
  }

  async writer(ref: string, opts: WriterOptions = {}): Promise<ContentWriter> {
    checkRef(ref);
    const expected = opts.expected === undefined ? undefined : checkExpectation(opts.expected);
    if (this.#writers.has(ref)) throw refLocked(ref);
    if (expected !== undefined && this.#blobs.has(expected.digest)) throw contentExists(expected.digest);
    const hash = createHash('sha256');
    let ingest = this.#ingests.get(ref);
    if (ingest !== undefined && resumable(ingest, expected)) {
      for (const chunk of ingest.chunks) hash.update(chunk);
      if (expected !== undefined) ingest.expected = expected;
    } else {
      const now = new Date();
      ingest = { ref, chunks: [], offset: 0, startedAt: now, updatedAt: now, ...(expected ? { expected } : {}) };
      this.#ingests.set(ref, ingest);
    }
    const writer = new MemoryContentWriter(ingest, hash, {
      commitBlob: (digest, data, labels) => {
        // No await between the check and the set: two commits of one digest cannot both pass.
        if (this.#blobs.has(digest)) throw contentExists(digest);
        const now = new Date();
        this.#blobs.set(digest, { data, createdAt: now, updatedAt: now, labels: labels ?? {} });
      },
      removeIngest: () => {
        if (this.#ingests.get(ref) === ingest) this.#ingests.delete(ref);
      },
      release: (w) => {
        if (this.#writers.get(ref) === w) this.#writers.delete(ref);
      },
    });
    this.#writers.set(ref, writer);
    return writer;
  }

  async status(ref: string): Promise<IngestStatus> {
    checkRef(ref);
    const ingest = this.#ingests.get(ref);
    if (ingest === undefined) throw ingestNotFound(ref);
    return toStatus(ingest);
  }

  async listStatuses(): Promise<IngestStatus[]> {
    return [...this.#ingests.values()].map(toStatus);
  }

  async abort(ref: string): Promise<void> {
    checkRef(ref);
    this.#writers.get(ref)?.abandon();
    if (!this.#ingests.delete(ref)) throw ingestNotFound(ref);
  }

  #blob(digest: Digest): StoredBlob {
    const blob = this.#blobs.get(digest);
    if (blob === undefined) throw digestNotFound(digest);
    return blob;
  }
}

interface WriterHost {
  commitBlob(digest: Digest, data: Buffer, labels: Record<string, string> | undefined): void;
  removeIngest(): void;
  release(writer: MemoryContentWriter): void;
}

/** Lifecycle: `open` → `committed` | `closed` | `aborted`. Every step is synchronous inside. */
class MemoryContentWriter implements ContentWriter {
  readonly ref: string;
  readonly #ingest: Ingest;
  readonly #hash: Hash;
  readonly #host: WriterHost;
  #state: 'open' | 'closed' | 'committed' | 'aborted' = 'open';
  #final: Digest | undefined;

  constructor(ingest: Ingest, hash: Hash, host: WriterHost) {
    this.ref = ingest.ref;
    this.#ingest = ingest;
    this.#hash = hash;
    this.#host = host;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#assertOpen();
    const copy = Buffer.from(chunk);
    this.#ingest.chunks.push(copy);
    this.#hash.update(copy);
    this.#ingest.offset += copy.length;
    this.#ingest.updatedAt = new Date();
  }

  async status(): Promise<IngestStatus> {
    return toStatus(this.#ingest);
  }

  digest(): Digest {
    return this.#final ?? `sha256:${this.#hash.copy().digest('hex')}`;
  }

  async commit(opts: { size?: number; expected?: Digest; labels?: Record<string, string> } = {}): Promise<Digest> {
    const size = opts.size === undefined ? undefined : checkSize(opts.size);
    const expected = opts.expected === undefined ? undefined : checkWriteDigest(opts.expected);
    const labels = opts.labels === undefined ? undefined : checkLabels(opts.labels);
    this.#assertOpen();
    this.#state = 'committed';
    this.#host.release(this);
    const ingest = this.#ingest;
    const digest: Digest = `sha256:${this.#hash.digest('hex')}`;
    this.#final = digest;
    // Whatever the outcome the ingest goes: a mismatch cannot be fixed by writing more, and a
    // success or an already-exists has no use for it.
    this.#host.removeIngest();
    const wantSize = size ?? ingest.expected?.size;
    const wantDigest = expected ?? ingest.expected?.digest;
    if (wantSize !== undefined && wantSize !== ingest.offset) {
      throw dataLoss(`unexpected commit size ${ingest.offset}, expected ${wantSize}`);
    }
    if (wantDigest !== undefined && wantDigest !== digest) {
      throw dataLoss(`unexpected commit digest ${digest}, expected ${wantDigest}: failed precondition`);
    }
    this.#host.commitBlob(digest, Buffer.concat(ingest.chunks, ingest.offset), labels);
    return digest;
  }

  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    this.#host.release(this);
  }

  /** Used by the store's abort(): later calls on this writer fail with `canceled`. */
  abandon(): void {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    this.#host.release(this);
  }

  #assertOpen(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'aborted') throw new EngineError('canceled', `ingest ref ${this.ref} was aborted`);
    throw new EngineError('conflict', `writer for ref ${this.ref} is closed`);
  }
}

/** As in LocalContentStore: an ingest written for other content is started afresh. */
function resumable(ingest: Ingest, expected: Expectation | undefined): boolean {
  if (expected === undefined) return true;
  const prior = ingest.expected;
  if (prior !== undefined && (prior.digest !== expected.digest || prior.size !== expected.size)) return false;
  return ingest.offset <= expected.size;
}

function toStatus(ingest: Ingest): IngestStatus {
  return {
    ref: ingest.ref,
    offset: ingest.offset,
    ...(ingest.expected !== undefined ? { total: ingest.expected.size, expected: ingest.expected.digest } : {}),
    startedAt: new Date(ingest.startedAt),
    updatedAt: new Date(ingest.updatedAt),
  };
}

function toInfo(digest: Digest, blob: StoredBlob): ContentInfo {
  return {
    digest,
    size: blob.data.length,
    createdAt: new Date(blob.createdAt),
    updatedAt: new Date(blob.updatedAt),
    labels: { ...blob.labels },
  };
}

/** Looks the blob up when reading starts (as the local store opens its file then), then slices it. */
async function* sliceChunks(current: () => Buffer, start: number, end: number): AsyncGenerator<Buffer> {
  const data = current();
  for (let pos = start; pos < end; pos += READ_CHUNK) {
    yield Buffer.from(data.subarray(pos, Math.min(pos + READ_CHUNK, end)));
  }
}

// --- Validation, with the same rules and messages as LocalContentStore ---------------------------

/** A digest the caller asks to read: invalid-argument if malformed, not-found if not sha256. */
function storedDigest(digest: string): Digest {
  if (!isDigest(digest)) throw invalidArgument(`invalid digest format: ${JSON.stringify(digest)}`);
  if (digestAlgorithm(digest) !== 'sha256') throw digestNotFound(digest);
  return `sha256:${digestHex(digest)}`;
}

function checkWriteDigest(digest: string): Digest {
  if (!isDigest(digest)) throw invalidArgument(`invalid digest format: ${JSON.stringify(digest)}`);
  if (digestAlgorithm(digest) !== 'sha256') {
    throw invalidArgument(`unsupported digest algorithm in ${digest}: the content store computes sha256 only`);
  }
  return digest;
}

function checkExpectation(desc: { digest: string; size: number }): Expectation {
  return { digest: checkWriteDigest(desc.digest), size: checkSize(desc.size) };
}

function checkSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw invalidArgument(`invalid size ${String(size)}`);
  return size;
}

function checkRef(ref: string): void {
  if (typeof ref !== 'string' || ref === '') throw invalidArgument('ref must not be empty');
}

function checkLabels(labels: Record<string, string>): Record<string, string> {
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

function checkFieldPaths(digest: Digest, fieldPaths: string[] | undefined): void {
  for (const path of fieldPaths ?? []) {
    if (path === 'labels' || (path.startsWith('labels.') && path.length > 'labels.'.length)) continue;
    throw invalidArgument(`cannot update ${JSON.stringify(path)} field on content info ${digest}`);
  }
}

function applyLabelUpdate(
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

function resolveRange(size: number, range: { start: number; end?: number } | undefined): { start: number; end: number } {
  if (range === undefined) return { start: 0, end: size };
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw invalidArgument(`invalid range start ${String(start)}`);
  if (start > size) throw invalidArgument(`range start ${start} is beyond the blob size ${size}`);
  if (end === undefined) return { start, end: size };
  if (!Number.isSafeInteger(end) || end < start) throw invalidArgument(`invalid range end ${String(end)} for start ${start}`);
  return { start, end: Math.min(end + 1, size) };
}

function digestNotFound(digest: string): EngineError {
  return notFound(`content digest ${digest} not found`);
}

function contentExists(digest: Digest): EngineError {
  return alreadyExists(`content ${digest} already exists`);
}

function ingestNotFound(ref: string): EngineError {
  return notFound(`ingest ref ${ref} not found`);
}

function refLocked(ref: string): EngineError {
  return new EngineError('unavailable', `ref ${ref} locked`);
}
