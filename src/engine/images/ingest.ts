// Writing blobs into the content store from the engine: streams (layers) and small byte
// buffers (configs, manifests). A blob that is already present counts as written.

import type { Readable } from 'node:stream';
import type { ContentIngester, ContentManager, ContentWriter, IngestManager } from '../../content/content-store.js';
import { type Digest, sha256Digest } from '../../core/digest.js';
import { EngineError, kindOf } from '../../core/errors.js';
import { UnsupportedCompressionError, decompressed } from '../../util/streams.js';

const WRITE_BATCH = 1 << 20;

export interface IngestResult {
  digest: Digest;
  size: number;
  /** The bytes, when asked for and the blob is at most `keepUpTo` long. */
  data?: Buffer;
}

/**
 * Network and tar chunks are small (16–64 KiB); writing them in ~1 MiB batches saves a
 * thread-pool round trip per chunk. `flush()` writes what is pending (also before a writer
 * is closed to be resumed: every byte received should count).
 */
export class BatchedWriter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(private readonly w: Pick<ContentWriter, 'write'>) {}

  /** Bytes received and not yet written. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Adds a chunk; resolves true when that wrote a batch. */
  async add(chunk: Buffer): Promise<boolean> {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < WRITE_BATCH) return false;
    await this.flush();
    return true;
  }

  /** Writes what is pending; resolves with the number of bytes written. */
  async flush(): Promise<number> {
    if (this.#pendingBytes === 0) return 0;
    const n = this.#pendingBytes;
    const batch = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, n);
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.w.write(batch);
    return n;
  }
}

export async function ingestStream(
  content: ContentIngester & IngestManager,
  ref: string,
  source: AsyncIterable<Buffer>,
  opts: { keepUpTo?: number; expectedSize?: number } = {},
): Promise<IngestResult> {
  const keepUpTo = opts.keepUpTo ?? 0;
  let chunks: Buffer[] | undefined = keepUpTo > 0 ? [] : undefined;
  let size = 0;
  const w = await content.writer(ref);
  const batches = new BatchedWriter(w);
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (chunks && size > keepUpTo) chunks = undefined;
      chunks?.push(chunk);
      await batches.add(chunk);
    }
    await batches.flush();
    const digest = w.digest();
    try {
      await w.commit(opts.expectedSize === undefined ? {} : { size: opts.expectedSize });
    } catch (err) {
      if (kindOf(err) !== 'already-exists') throw err;
    }
    const result: IngestResult = { digest, size };
    if (chunks) result.data = Buffer.concat(chunks);
    return result;
  } catch (err) {
    await content.abort(ref).catch(() => undefined);
    throw err;
  }
}

/** Whether the content store holds the blob. */
export async function hasBlob(content: ContentManager, digest: Digest): Promise<boolean> {
  try {
    await content.info(digest);
    return true;
  } catch (err) {
    if (kindOf(err) === 'not-found') return false;
    throw err;
  }
}

export async function putBlob(content: ContentIngester & IngestManager, bytes: Buffer): Promise<Digest> {
  const digest = sha256Digest(bytes);
  const ref = `put-${digest}`;
  let w;
  try {
    w = await content.writer(ref, { expected: { mediaType: 'application/octet-stream', digest, size: bytes.length } });
  } catch (err) {
    if (kindOf(err) === 'already-exists') return digest;
    throw err;
  }
  try {
    await w.write(bytes);
    await w.commit({ size: bytes.length, expected: digest });
  } catch (err) {
    if (kindOf(err) === 'already-exists') return digest;
    await content.abort(ref).catch(() => undefined);
    throw err;
  }
  return digest;
}

/** The uncompressed bytes of an uploaded tar (plain or gzip), as `docker load`/`import` take it. */
export async function uncompressedUpload(input: Readable, what: string): Promise<Readable> {
  try {
    return await decompressed(input);
  } catch (err) {
    if (err instanceof UnsupportedCompressionError) {
      throw new EngineError('invalid-argument', `${err.message}: only plain and gzip ${what} are supported`);
    }
    throw err;
  }
}

/** Docker's words for a broken upload: a truncated tar or gzip stream, corrupt gzip data. */
export function uploadError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  // An entry's stream is destroyed when the archive ends inside it; zlib says Z_BUF_ERROR.
  if (code === 'STREAM_DESTROYED' || code === 'Z_BUF_ERROR' || /unexpected end|premature|truncated/i.test(msg)) {
    return new EngineError('invalid-argument', 'unexpected EOF', { cause: err });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new EngineError('invalid-argument', `gzip: invalid data: ${msg}`, { cause: err });
  }
  if (/invalid tar header|checksum/i.test(msg)) {
    return new EngineError('invalid-argument', 'archive/tar: invalid tar header', { cause: err });
  }
  return err;
}
