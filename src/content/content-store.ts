// The content store: immutable blobs addressed by their digest (containerd's model).
//
// Lifecycle of a write: `writer(ref)` opens (or resumes) an ingest named `ref`; `write()` appends
// bytes; `commit()` fsyncs, checks size and digest, and renames the data into
// `blobs/<alg>/<hex>`, where it becomes visible to `info()`/`open()`. Until commit nothing is
// visible; a crash leaves only the ingest, which `writer(ref)` resumes at `status().offset` or
// `abort(ref)` drops. Committing a digest that already exists is `already-exists`; callers that
// only want the blob present treat that as success.
//
// Example:
//   const w = await cs.writer('layer-sha256:ab…', { expected: desc });
//   for await (const chunk of body) await w.write(chunk);
//   await w.commit({ size: desc.size, expected: desc.digest });
//
// Consumers ask for the role they use: a function that only reads takes a ContentProvider.

import type { Readable } from 'node:stream';
import type { Digest } from '../core/digest.js';
import type { Descriptor } from '../oci/descriptor.js';

export interface ContentInfo {
  digest: Digest;
  size: number;
  createdAt: Date;
  updatedAt: Date;
  labels: Record<string, string>;
}

export interface IngestStatus {
  ref: string;
  /** Bytes written so far: where a resumed write continues. */
  offset: number;
  /** Expected total, when the writer was opened with an expected descriptor. */
  total?: number;
  expected?: Digest;
  startedAt: Date;
  updatedAt: Date;
}

export interface BlobReader {
  readonly size: number;
  /** A stream of the blob, or of `[start, end]` (inclusive, as HTTP ranges). */
  stream(range?: { start: number; end?: number }): Readable;
  /** The whole blob in memory; for small blobs (manifests, configs). */
  readAll(): Promise<Buffer>;
}

export interface ContentProvider {
  open(digest: Digest): Promise<BlobReader>;
}

export interface ContentWriter {
  readonly ref: string;
  write(chunk: Uint8Array): Promise<void>;
  status(): Promise<IngestStatus>;
  /** The digest of everything written so far (what commit will check). */
  digest(): Digest;
  /**
   * fsync, check size and digest, rename into place. Throws `data-loss` on a mismatch (the
   * ingest is removed), `already-exists` when the blob is present (the ingest is removed).
   */
  commit(opts?: { size?: number; expected?: Digest; labels?: Record<string, string> }): Promise<Digest>;
  /** Releases the writer and keeps the ingest, so a later writer(ref) resumes it. */
  close(): Promise<void>;
}

export interface WriterOptions {
  /** When given, the ingest records it and commit checks against it by default. */
  expected?: Descriptor;
}

export interface ContentIngester {
  /** Opens or resumes the ingest `ref`. Two live writers on one ref: `unavailable`. */
  writer(ref: string, opts?: WriterOptions): Promise<ContentWriter>;
}

export interface ContentManager {
  info(digest: Digest): Promise<ContentInfo>;
  update(info: ContentInfo, fieldPaths?: string[]): Promise<ContentInfo>;
  list(): AsyncIterable<ContentInfo>;
  delete(digest: Digest): Promise<void>;
}

export interface IngestManager {
  status(ref: string): Promise<IngestStatus>;
  listStatuses(): Promise<IngestStatus[]>;
  abort(ref: string): Promise<void>;
}

export type ContentStore = ContentProvider & ContentIngester & ContentManager & IngestManager;
