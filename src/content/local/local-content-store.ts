// LocalContentStore: the content store on a local filesystem, in containerd's layout.
//
//   blobs/sha256/<hex>          committed blobs, mode 0444; created only by rename from an ingest
//   ingest/<sha256(ref)>/       one in-progress write: `ref`, `data`, `startedat`, `updatedat`,
//                               and `total` and `expected` when the writer was given a descriptor
//   labels/sha256/<hex>.json    a blob's labels, replaced atomically; absent when never set
//
// Crash safety: commit fsyncs the data, renames it into blobs/ and fsyncs blobs/sha256, so after
// a crash a blob is either absent or whole. Everything else a crash can leave is invisible to
// readers: an ingest is resumed by `writer(ref)` (the data is re-read through the hasher, since a
// Node Hash cannot be saved) or dropped by `abort`/`cleanupIngests`; `.tmp-*` names are removed by
// `open`. An ingest whose files are missing or unreadable counts as absent and is recreated.
//
// Concurrency: one store instance owns a root. Within it, a ref has at most one live writer, and
// the steps that make a digest appear or disappear (commit, delete, label update) run one at a
// time per digest, so two writers committing the same bytes end with one blob and one
// `already-exists`. Separate processes on one root are not coordinated; a new instance taking
// over a root whose previous owner died (the crash case) is.
//
// Digests from callers are validated with isDigest before any path is built from them, so a
// string like `sha256:../../x` never reaches the filesystem.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { digestAlgorithm, digestHex, isDigest, type Digest } from '../../core/digest.js';
import { dataLoss, EngineError, internal } from '../../core/errors.js';
import { fsyncDir, isTempName, TEMP_PREFIX, writeJsonAtomic } from '../../util/atomic-write.js';
import { KeyedMutex } from '../../util/keyed-mutex.js';
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
  storedHex,
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

const HEX64 = /^[a-f0-9]{64}$/;
const READ_CHUNK = 1 << 20;

export class LocalContentStore implements ContentStore {
  readonly root: string;
  readonly #blobsDir: string;
  readonly #ingestDir: string;
  readonly #labelsDir: string;
  /** Refs with a live writer; `null` while writer() or abort() is working on the ref. */
  readonly #writers = new Map<string, LocalContentWriter | null>();
  readonly #digestLocks = new KeyedMutex();

  private constructor(root: string) {
    this.root = root;
    this.#blobsDir = join(root, 'blobs', 'sha256');
    this.#ingestDir = join(root, 'ingest');
    this.#labelsDir = join(root, 'labels', 'sha256');
  }

  /** Creates the layout under `root` if needed and removes temp files left by a crash. */
  static async open(root: string): Promise<LocalContentStore> {
    const store = new LocalContentStore(resolve(root));
    for (const dir of [store.#blobsDir, store.#ingestDir, store.#labelsDir]) {
      await mkdir(dir, { recursive: true, mode: 0o755 });
      for (const name of await readdir(dir)) {
        if (isTempName(name)) await rm(join(dir, name), { recursive: true, force: true });
      }
    }
    return store;
  }

  // --- ContentProvider -------------------------------------------------------------------------

  async open(digest: Digest): Promise<BlobReader> {
    const hex = storedHex(digest);
    const path = this.#blobPath(hex);
    const { size } = await this.#statBlob(digest, path);
    return {
      size,
      stream: (range) => {
        const { start, end } = resolveRange(size, range);
        return Readable.from(readRange(path, digest, start, end), { objectMode: false });
      },
      readAll: async () => {
        const data = await readFile(path).catch((err: unknown) => {
          throw mapMissing(err, (cause) => digestNotFound(digest, cause));
        });
        if (data.length !== size) throw dataLoss(`blob ${digest} holds ${data.length} bytes, expected ${size}`);
        return data;
      },
    };
  }

  // --- ContentManager --------------------------------------------------------------------------

  async info(digest: Digest): Promise<ContentInfo> {
    const hex = storedHex(digest);
    return this.#info(`sha256:${hex}`, hex);
  }

  async update(info: ContentInfo, fieldPaths?: string[]): Promise<ContentInfo> {
    const hex = storedHex(info.digest);
    const digest: Digest = `sha256:${hex}`;
    checkFieldPaths(digest, fieldPaths);
    return this.#digestLocks.run(digest, async () => {
      await this.#statBlob(digest, this.#blobPath(hex));
      const { labels } = await this.#readLabels(digest, hex);
      const next = applyLabelUpdate(labels, info.labels ?? {}, fieldPaths);
      await writeJsonAtomic(this.#labelsPath(hex), next);
      return this.#info(digest, hex);
    });
  }

  async *list(): AsyncGenerator<ContentInfo> {
    for (const name of await readdir(this.#blobsDir)) {
      if (!HEX64.test(name)) continue;
      let info: ContentInfo;
      try {
        info = await this.#info(`sha256:${name}`, name);
      } catch (err) {
        // Deleted between readdir and stat: it is simply no longer listed.
        if (err instanceof EngineError && err.kind === 'not-found') continue;
        throw err;
      }
      yield info;
    }
  }

  async delete(digest: Digest): Promise<void> {
    const hex = storedHex(digest);
    const d: Digest = `sha256:${hex}`;
    await this.#digestLocks.run(d, async () => {
      await unlink(this.#blobPath(hex)).catch((err: unknown) => {
        throw mapMissing(err, (cause) => digestNotFound(d, cause));
      });
      await rm(this.#labelsPath(hex), { force: true });
    });
  }

  // --- ContentIngester -------------------------------------------------------------------------

  async writer(ref: string, opts: WriterOptions = {}): Promise<ContentWriter> {
    checkRef(ref);
    const expected = opts.expected === undefined ? undefined : checkExpectation(opts.expected);
    // Taken before the first await, so two calls racing for one ref cannot both pass.
    if (this.#writers.has(ref)) throw refLocked(ref);
    this.#writers.set(ref, null);
    try {
      if (expected !== undefined && (await exists(this.#blobPath(digestHex(expected.digest))))) {
        throw contentExists(expected.digest);
      }
      const writer = await this.#openIngest(ref, expected);
      this.#writers.set(ref, writer);
      return writer;
    } catch (err) {
      this.#writers.delete(ref);
      throw err;
    }
  }

  // --- IngestManager ---------------------------------------------------------------------------

  async status(ref: string): Promise<IngestStatus> {
    checkRef(ref);
    const record = await readIngest(this.#ingestPath(ref));
    if (record === undefined || record.ref !== ref) throw ingestNotFound(ref);
    return toStatus(record);
  }

  async listStatuses(): Promise<IngestStatus[]> {
    const out: IngestStatus[] = [];
    for (const name of await readdir(this.#ingestDir)) {
      if (!HEX64.test(name)) continue;
      const record = await readIngest(join(this.#ingestDir, name));
      if (record !== undefined) out.push(toStatus(record));
    }
    return out;
  }

  /**
   * Drops the ingest `ref`. A live writer on it is stopped first: an operation it is running
   * finishes, and those not yet started (and any later call) fail with `canceled`.
   */
  async abort(ref: string): Promise<void> {
    checkRef(ref);
    const live = this.#writers.get(ref);
    if (live === null) throw refLocked(ref);
    if (live !== undefined) await live.abandon();
    // Another writer(ref) may have started while the live one was stopping.
    if (this.#writers.has(ref)) throw refLocked(ref);
    this.#writers.set(ref, null);
    try {
      if (!(await removeIngestDir(this.#ingestDir, this.#ingestPath(ref)))) throw ingestNotFound(ref);
    } finally {
      this.#writers.delete(ref);
    }
  }

  // --- Outside the interface -------------------------------------------------------------------

  /**
   * Removes ingests whose last write is older than `olderThanMs`, except those with a live writer
   * and those whose ref `keep` accepts. Unreadable ingests (no `ref` file) go by directory age.
   * Returns the refs removed (unreadable ingests are removed but not named).
   */
  async cleanupIngests(olderThanMs: number, keep?: (ref: string) => boolean): Promise<string[]> {
    const cutoff = Date.now() - olderThanMs;
    const liveNames = (): Set<string> => new Set([...this.#writers.keys()].map(ingestName));
    const removed: string[] = [];
    for (const name of await readdir(this.#ingestDir)) {
      const dir = join(this.#ingestDir, name);
      if (isTempName(name)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (!HEX64.test(name) || liveNames().has(name)) continue;
      const ref = await readText(join(dir, 'ref'));
      if (ref !== undefined && keep?.(ref) === true) continue;
      const lastActive = await ingestLastActive(dir);
      if (lastActive === undefined || lastActive.getTime() > cutoff) continue;
      // A writer may have claimed the ingest during the awaits above.
      if (liveNames().has(name)) continue;
      if (ref !== undefined) this.#writers.set(ref, null);
      try {
        if ((await removeIngestDir(this.#ingestDir, dir)) && ref !== undefined) removed.push(ref);
      } finally {
        if (ref !== undefined) this.#writers.delete(ref);
      }
    }
    return removed;
  }

  // --- Internals -------------------------------------------------------------------------------

  #blobPath(hex: string): string {
    return join(this.#blobsDir, hex);
  }

  #labelsPath(hex: string): string {
    return join(this.#labelsDir, `${hex}.json`);
  }

  #ingestPath(ref: string): string {
    return join(this.#ingestDir, ingestName(ref));
  }

  async #statBlob(digest: Digest, path: string): Promise<Stats> {
    return stat(path).catch((err: unknown) => {
      throw mapMissing(err, (cause) => digestNotFound(digest, cause));
    });
  }

  async #info(digest: Digest, hex: string): Promise<ContentInfo> {
    const st = await this.#statBlob(digest, this.#blobPath(hex));
    const { labels, mtime } = await this.#readLabels(digest, hex);
    // createdAt is the commit time (set on the data before the rename); a label update is the
    // only later change, and the labels file's mtime records it.
    const updatedAt = mtime !== undefined && mtime > st.mtime ? mtime : st.mtime;
    return { digest, size: st.size, createdAt: st.mtime, updatedAt, labels };
  }

  async #readLabels(digest: Digest, hex: string): Promise<{ labels: Record<string, string>; mtime?: Date }> {
    let fh: FileHandle;
    try {
      fh = await open(this.#labelsPath(hex), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return { labels: {} };
      throw err;
    }
    try {
      const st = await fh.stat();
      const text = await fh.readFile('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw internal(`labels of ${digest} are unreadable`, err);
      }
      if (!isStringRecord(parsed)) throw internal(`labels of ${digest} are not a map of strings`);
      return { labels: parsed, mtime: st.mtime };
    } finally {
      await fh.close();
    }
  }

  /** Resumes the ingest when it is usable and matches `expected`; otherwise starts it afresh. */
  async #openIngest(ref: string, expected: Expectation | undefined): Promise<LocalContentWriter> {
    const dir = this.#ingestPath(ref);
    const found = await readIngest(dir);
    const prior = found !== undefined && resumable(found, ref, expected) ? found : undefined;
    const now = new Date();
    if (prior === undefined) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: 0o755 });
      await writeFile(join(dir, 'ref'), ref);
      await writeFile(join(dir, 'startedat'), now.toISOString());
      await writeFile(join(dir, 'updatedat'), now.toISOString());
    }
    if (expected !== undefined && prior?.expected === undefined) {
      await writeFile(join(dir, 'total'), String(expected.size));
      await writeFile(join(dir, 'expected'), expected.digest);
    }
    const fh = await open(join(dir, 'data'), 'a+', 0o644);
    const hash = createHash('sha256');
    let offset = 0;
    try {
      if (prior !== undefined) offset = await hashFile(fh, hash);
    } catch (err) {
      await fh.close();
      throw err;
    }
    return new LocalContentWriter({
      ref,
      dir,
      fh,
      hash,
      offset,
      expected: expected ?? prior?.expectation,
      startedAt: prior?.startedAt ?? now,
      updatedAt: prior?.updatedAt ?? now,
      commitBlob: (digest, commit) => this.#commitBlob(digest, commit),
      removeIngest: async () => {
        await removeIngestDir(this.#ingestDir, dir);
      },
      release: (w) => {
        if (this.#writers.get(ref) === w) this.#writers.delete(ref);
      },
    });
  }

  /**
   * The step that makes a blob visible, run under the digest's lock so that a concurrent commit
   * of the same digest sees this one's result. Labels are written first: the blob appears with
   * them, and a stale labels file from a deleted blob is never inherited.
   */
  async #commitBlob(digest: Digest, commit: CommitStep): Promise<void> {
    const hex = digestHex(digest);
    const target = this.#blobPath(hex);
    await this.#digestLocks.run(digest, async () => {
      if (await exists(target)) {
        await commit.discard();
        throw contentExists(digest);
      }
      if (commit.labels !== undefined && Object.keys(commit.labels).length > 0) {
        await writeJsonAtomic(this.#labelsPath(hex), commit.labels);
      } else {
        await rm(this.#labelsPath(hex), { force: true });
      }
      await rename(commit.dataPath, target);
      await commit.fh.chmod(0o444);
      await fsyncDir(this.#blobsDir);
    });
  }
}

/** What a writer hands the store for the rename step. */
interface CommitStep {
  dataPath: string;
  fh: FileHandle;
  labels: Record<string, string> | undefined;
  discard(): Promise<void>;
}

interface WriterInit {
  ref: string;
  dir: string;
  fh: FileHandle;
  hash: Hash;
  offset: number;
  expected: Expectation | undefined;
  startedAt: Date;
  updatedAt: Date;
  commitBlob(digest: Digest, commit: CommitStep): Promise<void>;
  removeIngest(): Promise<void>;
  release(writer: LocalContentWriter): void;
}

type WriterState = 'open' | 'failed' | 'closed' | 'committed' | 'aborted';

/**
 * A live writer. Operations run one at a time in call order (a caller that does not await each
 * write still gets its bytes in order). Lifecycle: `open` → `committed` | `closed` | `aborted`;
 * a failed append moves it to `failed`, where only close() (keeping the ingest) is useful.
 */
class LocalContentWriter implements ContentWriter {
  readonly ref: string;
  readonly #init: WriterInit;
  readonly #fh: FileHandle;
  readonly #hash: Hash;
  #offset: number;
  #updatedAt: Date;
  #state: WriterState = 'open';
  #failure: unknown;
  /** Set by commit, which consumes the hash. */
  #final: Digest | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(init: WriterInit) {
    this.ref = init.ref;
    this.#init = init;
    this.#fh = init.fh;
    this.#hash = init.hash;
    this.#offset = init.offset;
    this.#updatedAt = init.updatedAt;
  }

  async write(chunk: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      this.#assertOpen();
      try {
        for (let done = 0; done < chunk.byteLength; ) {
          const { bytesWritten } = await this.#fh.write(chunk, done, chunk.byteLength - done);
          done += bytesWritten;
        }
      } catch (err) {
        // Part of the chunk may be on disk and none of it is hashed: this writer is done, but a
        // resume re-reads the data and so stays consistent.
        this.#state = 'failed';
        this.#failure = err;
        throw err;
      }
      this.#hash.update(chunk);
      this.#offset += chunk.byteLength;
      this.#updatedAt = new Date();
    });
  }

  async status(): Promise<IngestStatus> {
    const e = this.#init.expected;
    return {
      ref: this.ref,
      offset: this.#offset,
      ...(e !== undefined ? { total: e.size, expected: e.digest } : {}),
      startedAt: new Date(this.#init.startedAt),
      updatedAt: new Date(this.#updatedAt),
    };
  }

  digest(): Digest {
    // copy(): digest() finalizes a Hash, and writing continues after this call.
    return this.#final ?? `sha256:${this.#hash.copy().digest('hex')}`;
  }

  async commit(opts: { size?: number; expected?: Digest; labels?: Record<string, string> } = {}): Promise<Digest> {
    // Arguments are checked before anything changes, so a bad call leaves the writer usable.
    const { size, expected, labels } = checkCommitOptions(opts);
    return this.#serial(async () => {
      this.#assertOpen();
      // Whatever happens next the hash is consumed, so this writer cannot continue.
      this.#state = 'committed';
      try {
        return await this.#commit(size ?? this.#init.expected?.size, expected ?? this.#init.expected?.digest, labels);
      } finally {
        await this.#fh.close().catch(() => undefined);
        this.#init.release(this);
      }
    });
  }

  async close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state !== 'open' && this.#state !== 'failed') return;
      this.#state = 'closed';
      try {
        try {
          await this.#fh.sync();
        } finally {
          await this.#fh.close();
        }
        await writeFile(join(this.#init.dir, 'updatedat'), this.#updatedAt.toISOString());
      } finally {
        this.#init.release(this);
      }
    });
  }

  /** Used by the store's abort(): stops the writer after its current operation, keeps the files. */
  async abandon(): Promise<void> {
    const live = this.#state === 'open' || this.#state === 'failed';
    if (live) this.#state = 'aborted';
    await this.#serial(async () => {
      if (!live) return;
      await this.#fh.close().catch(() => undefined);
      this.#init.release(this);
    });
  }

  async #commit(size: number | undefined, expected: Digest | undefined, labels: Record<string, string> | undefined): Promise<Digest> {
    const fh = this.#fh;
    await fh.sync();
    const onDisk = (await fh.stat()).size;
    const digest: Digest = `sha256:${this.#hash.digest('hex')}`;
    this.#final = digest;
    const discard = async (): Promise<void> => {
      await fh.close().catch(() => undefined);
      // The caller must see the reason for the failure, not a cleanup error; a leftover ingest
      // is still abortable.
      await this.#init.removeIngest().catch(() => undefined);
    };
    if (onDisk !== this.#offset) {
      await discard();
      throw dataLoss(`ingest ${this.ref} holds ${onDisk} bytes but its writer wrote ${this.#offset}`);
    }
    if (size !== undefined && size !== this.#offset) {
      await discard();
      throw dataLoss(`unexpected commit size ${this.#offset}, expected ${size}`);
    }
    if (expected !== undefined && expected !== digest) {
      await discard();
      throw dataLoss(`unexpected commit digest ${digest}, expected ${expected}: failed precondition`);
    }
    const now = new Date();
    await fh.utimes(now, now);
    await this.#init.commitBlob(digest, { dataPath: join(this.#init.dir, 'data'), fh, labels, discard });
    // The blob is in place. What is left of the ingest (metadata files) is harmless: the next
    // writer(ref) finds no data and starts afresh, and cleanupIngests drops it.
    await this.#init.removeIngest().catch(() => undefined);
    return digest;
  }

  #assertOpen(): void {
    switch (this.#state) {
      case 'open':
        return;
      case 'failed':
        throw internal(`writer for ref ${this.ref} failed; close it and resume`, this.#failure);
      case 'aborted':
        throw new EngineError('canceled', `ingest ref ${this.ref} was aborted`);
      default:
        throw new EngineError('conflict', `writer for ref ${this.ref} is closed`);
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

// --- Ingest files ------------------------------------------------------------------------------

interface IngestRecord {
  ref: string;
  offset: number;
  startedAt: Date;
  updatedAt: Date;
  expectation?: Expectation;
  /** Recorded on their own so a status can show them; both or neither in practice. */
  total?: number;
  expected?: Digest;
}

/** The ingest in `dir`, or undefined when it is absent or unusable (missing ref or data). */
async function readIngest(dir: string): Promise<IngestRecord | undefined> {
  const ref = await readText(join(dir, 'ref'));
  if (ref === undefined) return undefined;
  let data: Stats;
  try {
    data = await stat(join(dir, 'data'));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  const totalText = await readText(join(dir, 'total'));
  const expectedText = await readText(join(dir, 'expected'));
  const total = totalText === undefined ? undefined : Number(totalText.trim());
  const expectedRaw = expectedText?.trim();
  // A torn or foreign `total`/`expected` means we cannot tell what the data was for.
  if (total !== undefined && !(Number.isSafeInteger(total) && total >= 0)) return undefined;
  let expected: Digest | undefined;
  if (expectedRaw !== undefined) {
    if (!isDigest(expectedRaw) || digestAlgorithm(expectedRaw) !== 'sha256') return undefined;
    expected = expectedRaw;
  }
  // Timestamps are informational: a torn one falls back to the data's mtime.
  const startedAt = (await readTime(join(dir, 'startedat'))) ?? data.mtime;
  const written = (await readTime(join(dir, 'updatedat'))) ?? data.mtime;
  // `updatedat` is only written on close; the data's mtime is newer while a writer is live.
  const updatedAt = data.mtime > written ? data.mtime : written;
  return {
    ref,
    offset: data.size,
    startedAt,
    updatedAt,
    ...(total !== undefined ? { total } : {}),
    ...(expected !== undefined ? { expected } : {}),
    ...(total !== undefined && expected !== undefined ? { expectation: { digest: expected, size: total } } : {}),
  };
}

function resumable(prior: IngestRecord, ref: string, expected: Expectation | undefined): boolean {
  if (prior.ref !== ref) return false;
  if (expected === undefined) return true;
  if (prior.expected !== undefined && prior.expected !== expected.digest) return false;
  if (prior.total !== undefined && prior.total !== expected.size) return false;
  return prior.offset <= expected.size;
}

function toStatus(r: IngestRecord): IngestStatus {
  return {
    ref: r.ref,
    offset: r.offset,
    ...(r.total !== undefined ? { total: r.total } : {}),
    ...(r.expected !== undefined ? { expected: r.expected } : {}),
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
  };
}

/** Newest of `updatedat`, the data's mtime and the directory's mtime; undefined if it is gone. */
async function ingestLastActive(dir: string): Promise<Date | undefined> {
  const times: Date[] = [];
  for (const name of ['', 'data']) {
    try {
      times.push((await stat(join(dir, name))).mtime);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  const written = await readTime(join(dir, 'updatedat'));
  if (written !== undefined) times.push(written);
  if (times.length === 0) return undefined;
  return new Date(Math.max(...times.map((t) => t.getTime())));
}

/**
 * Renames the ingest directory to a temp name, then removes it: a crash in the middle leaves a
 * `.tmp-*` directory (removed at open), never a half-deleted ingest. False when it did not exist.
 */
async function removeIngestDir(ingestRoot: string, dir: string): Promise<boolean> {
  const tmp = join(ingestRoot, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  try {
    await rename(dir, tmp);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  await rm(tmp, { recursive: true, force: true });
  return true;
}

/** The ingest directory name: a digest of the ref keeps paths short and free of the ref's characters. */
function ingestName(ref: string): string {
  return createHash('sha256').update(ref).digest('hex');
}

async function hashFile(fh: FileHandle, hash: Hash): Promise<number> {
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return pos;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

async function* readRange(path: string, digest: Digest, start: number, end: number): AsyncGenerator<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw mapMissing(err, (cause) => digestNotFound(digest, cause));
  }
  try {
    for (let pos = start; pos < end; ) {
      const want = Math.min(READ_CHUNK, end - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw dataLoss(`blob ${digest} is shorter than its recorded size`);
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

// --- Small helpers ---------------------------------------------------------------------------

function isStringRecord(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string');
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/** ENOENT becomes the store's own not-found error; anything else passes through. */
function mapMissing(err: unknown, make: (cause: unknown) => EngineError): unknown {
  return isErrno(err, 'ENOENT') ? make(err) : err;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

async function readTime(path: string): Promise<Date | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  const t = new Date(text.trim());
  return Number.isNaN(t.getTime()) ? undefined : t;
}
