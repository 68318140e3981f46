// MemoryContentStore: the content store kept in memory, for fast tests of code that uses one.
// It follows LocalContentStore's rules (the conformance suite runs against both): one live writer
// per ref, nothing visible before commit, `data-loss` on a size or digest mismatch, resume after
// close() by re-hashing what the ingest holds. Nothing persists, so there is no crash case.
//
// Bytes are copied in and out: a caller may reuse a chunk after write() resolves, and a reader
// cannot change a stored blob by writing to the Buffer it was given.

import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Digest } from '../../core/digest.js';
import { dataLoss, EngineError } from '../../core/errors.js';
import {
  applyLabelUpdate,
  checkCommitOptions,
  checkExpectation,
  checkFieldPaths,
  checkRef,
  contentExists,
  digestNotFound,
  ingestNotFound,
  refLocked,
  resolveRange,
  storedDigest,
  type Expectation,
} from '../content-checks.js';
import type {
  BlobReader,
  ContentInfo,
  ContentStore,
  ContentWriter,
  IngestStatus,
  WriterOptions,
} from '../content-store.js';

const READ_CHUNK = 1 << 20;

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
    const { size, expected, labels } = checkCommitOptions(opts);
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
