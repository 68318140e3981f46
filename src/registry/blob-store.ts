// Blobs and uploads on the filesystem. An upload is a staging file under uploads/<id>/ that
// PATCH requests append to while the bytes are hashed; committing checks the digest, fsyncs the
// file and renames it into blobs/, so a blob path either does not exist or holds every byte of
// a verified blob. A server killed mid-upload leaves only the staging file, which the client can
// resume (its size is the offset) and gc removes once it is stale.
//
// Order of a push: startUpload → append (one or more) → commit(digest) → the blob is linked to
// the repository. A blob already stored for another repository is only linked (mount).

import { type Hash, createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Digest, digestAlgorithm } from '../core/digest.js';
import { fsyncDir, writeFileAtomic } from '../util/atomic-write.js';
import { KeyedMutex } from '../util/keyed-mutex.js';
import { RegistryError, blobUnknown, digestInvalid, uploadUnknown } from './errors.js';
import type { RegistryLayout } from './layout.js';

const UPLOAD_ID_RE = /^[a-f0-9-]{36}$/;
/** Bigger reads and writes than fs's defaults: fewer syscalls for multi-hundred-megabyte layers. */
const READ_CHUNK = 1 << 20;
const WRITE_BATCH = 1 << 20;
const SYNC_EVERY = 32 << 20;
/**
 * Running hashes kept at most: uploads that clients abandon would otherwise hold theirs for
 * the life of the process. An upload whose hash was dropped is hashed again from disk at commit.
 */
const MAX_LIVE_HASHES = 1024;

export interface UploadInfo {
  repository: string;
  startedAt: string;
}

/** The running hash of an upload, kept while every byte on disk has gone through it. */
interface LiveHash {
  hash: Hash;
  size: number;
}

export class FsBlobStore {
  private readonly uploadLocks = new KeyedMutex();
  private readonly liveHashes = new Map<string, LiveHash>();

  constructor(private readonly layout: RegistryLayout) {}

  /** The stored size of a blob linked to `repository`, or undefined. */
  async statLinked(repository: string, d: Digest): Promise<number | undefined> {
    if (!(await exists(this.layout.layerLink(repository, d)))) return undefined;
    return this.statBlob(d);
  }

  async statBlob(d: Digest): Promise<number | undefined> {
    try {
      return (await stat(this.layout.blob(d))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  blobPath(d: Digest): string {
    return this.layout.blob(d);
  }

  async link(repository: string, d: Digest): Promise<void> {
    const path = this.layout.layerLink(repository, d);
    if (await exists(path)) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, d);
  }

  /** Takes the blob out of the repository; the bytes stay until gc finds nothing else uses them. */
  async unlink(repository: string, d: Digest): Promise<void> {
    try {
      await unlink(this.layout.layerLink(repository, d));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw blobUnknown(d);
      throw err;
    }
  }

  /** Stores small bytes (a manifest) whose digest the caller computed. */
  async putBytes(d: Digest, data: Buffer): Promise<void> {
    const path = this.layout.blob(d);
    if (await exists(path)) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, data);
  }

  async startUpload(repository: string): Promise<string> {
    const id = randomUUID();
    const dir = this.layout.upload(id);
    await mkdir(dir, { recursive: true });
    const info: UploadInfo = { repository, startedAt: new Date().toISOString() };
    await writeFile(join(dir, 'info.json'), JSON.stringify(info));
    await writeFile(join(dir, 'data'), '');
    this.keepHash(id, { hash: createHash('sha256'), size: 0 });
    return id;
  }

  private keepHash(id: string, live: LiveHash): void {
    this.liveHashes.set(id, live);
    if (this.liveHashes.size > MAX_LIVE_HASHES) {
      const oldest = this.liveHashes.keys().next().value;
      if (oldest !== undefined) this.liveHashes.delete(oldest);
    }
  }

  /** The number of bytes received so far. */
  async uploadSize(repository: string, id: string): Promise<number> {
    await this.uploadInfo(repository, id);
    return (await stat(join(this.layout.upload(id), 'data'))).size;
  }

  /**
   * Appends a request body to the upload. `start`, when the client sent a Content-Range, must
   * be the current size: chunks arrive in order or not at all (416). Returns the new size; on a
   * broken body the bytes that reached the disk stay and the client may resume from there.
   */
  async append(repository: string, id: string, body: Readable, opts: { start?: number } = {}): Promise<number> {
    return this.uploadLocks.run(id, async () => {
      const dataPath = join(this.layout.upload(id), 'data');
      const size = await this.uploadSize(repository, id);
      if (opts.start !== undefined && opts.start !== size) {
        body.resume();
        throw new RegistryError('RANGE_INVALID', `chunk starts at ${opts.start}, upload has ${size} bytes`, { size });
      }
      const known = this.liveHashes.get(id);
      const live = known && known.size === size ? known : undefined;
      this.liveHashes.delete(id);
      let written: number;
      try {
        written = await appendHashed(dataPath, body, live?.hash, size);
      } catch (err) {
        // Some hashed bytes may not have reached the file: the hash is dropped and commit
        // hashes the file again.
        throw new RegistryError('BLOB_UPLOAD_INVALID', 'upload interrupted', undefined, { cause: err });
      }
      if (live) this.keepHash(id, { hash: live.hash, size: written });
      return written;
    });
  }

  /**
   * Checks the upload against `digest` and moves it into the blob store, linked to the
   * repository. A mismatch removes the upload: nothing of it is stored.
   */
  async commit(repository: string, id: string, d: Digest): Promise<number> {
    return this.uploadLocks.run(id, async () => {
      const dir = this.layout.upload(id);
      const dataPath = join(dir, 'data');
      const size = await this.uploadSize(repository, id);
      const live = this.liveHashes.get(id);
      const actual =
        live && live.size === size && digestAlgorithm(d) === 'sha256'
          ? `sha256:${live.hash.digest('hex')}`
          : await hashFile(dataPath, digestAlgorithm(d));
      this.liveHashes.delete(id);
      if (actual !== d) {
        await rm(dir, { recursive: true, force: true });
        throw digestInvalid('provided digest did not match uploaded content', { digest: d, actual });
      }
      const fh = await open(dataPath, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const target = this.layout.blob(d);
      if (!(await exists(target))) {
        await mkdir(dirname(target), { recursive: true });
        await rename(dataPath, target);
        await fsyncDir(dirname(target));
      }
      await rm(dir, { recursive: true, force: true });
      await this.link(repository, d);
      return size;
    });
  }

  async cancel(repository: string, id: string): Promise<void> {
    await this.uploadLocks.run(id, async () => {
      await this.uploadInfo(repository, id);
      this.liveHashes.delete(id);
      await rm(this.layout.upload(id), { recursive: true, force: true });
    });
  }

  async uploadInfo(repository: string, id: string): Promise<UploadInfo> {
    if (!UPLOAD_ID_RE.test(id)) throw uploadUnknown(id);
    let info: UploadInfo;
    try {
      info = JSON.parse(await readFile(join(this.layout.upload(id), 'info.json'), 'utf8')) as UploadInfo;
    } catch {
      throw uploadUnknown(id);
    }
    // An upload belongs to the repository it was started for: no writing into another's.
    if (info.repository !== repository) throw uploadUnknown(id);
    return info;
  }
}

/**
 * Appends `body` to the file at `path`, feeding `hash` on the way, and returns the file's new
 * size. One batch of about 1 MiB is written while the next is read from the socket, and every
 * 32 MiB a datasync is started in the background, so the fsync of commit finds little left to
 * write (on this VM's disk a 200 MB fsync at the end took 60 ms, a third of a loopback push's
 * margin over distribution, which does not fsync).
 */
async function appendHashed(path: string, body: Readable, hash: Hash | undefined, start: number): Promise<number> {
  const fh = await open(path, 'a');
  let written = start;
  let synced = start;
  let writing: Promise<unknown> = Promise.resolve();
  let syncing: Promise<void> | undefined;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    await writing;
    const bufs = batch;
    const n = batchBytes;
    batch = [];
    batchBytes = 0;
    writing = fh.writev(bufs).then(() => {
      written += n;
      if (written - synced >= SYNC_EVERY && syncing === undefined) {
        synced = written;
        syncing = fh.datasync().finally(() => (syncing = undefined));
      }
    });
  };
  try {
    for await (const c of body) {
      const chunk = c as Buffer;
      hash?.update(chunk);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH) await flush();
    }
    if (batchBytes > 0) await flush();
    await writing;
    return written;
  } finally {
    await writing.catch(() => undefined);
    await syncing?.catch(() => undefined);
    await fh.close();
  }
}

export async function hashFile(path: string, algorithm: 'sha256' | 'sha512'): Promise<Digest> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) hash.update(chunk as Buffer);
  return `${algorithm}:${hash.digest('hex')}` as Digest;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
