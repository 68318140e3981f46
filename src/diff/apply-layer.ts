// Applying an image layer (a tar stream, maybe gzipped) onto the mounts of an active snapshot.
//
// The snapshotter hands out mounts as data (core/mount.ts); this module never mounts anything.
// It writes straight into the directory behind them:
//   - one `bind` mount: its source holds the full tree, and whiteouts delete;
//   - one `overlay` mount: its upperdir receives the layer with whiteouts in overlayfs form
//     (char device 0:0, trusted.overlay.opaque=y); the lowerdirs are only read.
// Work happens in worker threads, so the daemon's event loop stays free and the per-file cost
// stays close to GNU tar's: apply-layer-worker.ts decompresses, parses and makes synchronous fs
// calls; for uncompressed input hash-worker.ts computes the sha256 beside it.
//
// Example (unpacking one layer of a pull):
//   const mounts = await sn.prepare(key, parent);
//   const { diffId } = await applyLayer(mounts, blobStream, { compression: 'gzip', signal });
//   if (diffId !== config.rootfs.diff_ids[i]) throw dataLoss(…);
//   await sn.commit(chainId, key);
//
// On failure the target may hold part of the layer: the caller removes the active snapshot.
// The input is always read to its end or destroyed.

import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { canceled, EngineError, internal, invalidArgument, notFound } from '../core/errors.js';
import type { Digest } from '../core/digest.js';
import { mountOption, type Mount } from '../core/mount.js';
import type { LayerTarget } from './layer-writer.js';
import type { ApplyWorkerInit, FromWorker, ToWorker } from './worker-protocol.js';

export interface ApplyOptions {
  /** Default 'none'. 'zstd' is refused as not-implemented: Node 20 has no zstd. */
  compression?: 'none' | 'gzip' | 'zstd';
  signal?: AbortSignal;
  /** Called now and then with the uncompressed bytes applied so far, and once at the end. */
  onProgress?: (uncompressedBytes: number) => void;
  /**
   * The sha256 of the uncompressed stream when it is already known and verified (an
   * uncompressed blob from the content store, whose digest is its diff ID): the stream is
   * then not hashed again, which spares a worker and a core.
   */
  trustedDigest?: Digest;
  /** Refuse to replace a directory with a non-directory or the reverse (cp's PUT). */
  noOverwriteDirNonDir?: boolean;
}

export interface ApplyResult {
  /** sha256 of the whole uncompressed stream, including anything after the tar end marker. */
  diffId: Digest;
  /** Its length in bytes. */
  size: number;
  /** Bytes of file content and symlink targets (Docker's layer size). */
  contentSize: number;
}

const APPLY_WORKER_URL = new URL('./apply-layer-worker.js', import.meta.url);
const HASH_WORKER_URL = new URL('./hash-worker.js', import.meta.url);
/** Bytes per message to the worker: large enough that messaging costs nothing. */
const BATCH_SIZE = 1 << 20;
/** Batches in the pool; reading pauses when all are in use (about 4 MiB per layer). */
const MAX_IN_FLIGHT = 4;
const PROGRESS_STEP = 1 << 20;

/** Where the layer goes, from the mounts a snapshotter returned. */
export function layerTarget(mounts: readonly Mount[]): LayerTarget {
  const m = mounts[0];
  if (mounts.length !== 1 || m === undefined) {
    throw new EngineError('not-implemented', `applying a layer to ${mounts.length} mounts is not supported`);
  }
  if (m.options.includes('ro')) throw invalidArgument('cannot apply a layer to a read-only mount');
  if (m.type === 'bind') {
    return { root: absolute(m.source, 'bind source'), lowers: [], overlay: false };
  }
  if (m.type === 'overlay') {
    if (m.options.includes('userxattr')) {
      throw new EngineError('not-implemented', 'applying a layer to an overlay mount with userxattr is not supported');
    }
    const upper = mountOption(m, 'upperdir');
    if (upper === undefined) {
      throw invalidArgument('cannot apply a layer to an overlay mount without upperdir (read-only view)');
    }
    const lowerOpt = mountOption(m, 'lowerdir');
    // overlayfs escapes ':' in a path as '\:'.
    const lowers = lowerOpt === undefined || lowerOpt === '' ? [] : lowerOpt.split(/(?<!\\):/);
    return {
      root: absolute(upper, 'upperdir'),
      lowers: lowers.map((p) => absolute(p.replaceAll('\\:', ':'), 'lowerdir')),
      overlay: true,
    };
  }
  throw new EngineError('not-implemented', `applying a layer to a ${JSON.stringify(m.type)} mount is not supported`);
}

async function requireDir(p: string): Promise<void> {
  const st = await stat(p).catch((err: unknown) => {
    throw notFound(`layer target ${JSON.stringify(p)} does not exist`, err);
  });
  if (!st.isDirectory()) throw invalidArgument(`layer target ${JSON.stringify(p)} is not a directory`);
}

function absolute(p: string, what: string): string {
  if (!p.startsWith('/')) throw invalidArgument(`${what} must be an absolute path: ${JSON.stringify(p)}`);
  // Trailing slashes would double up when joined with relative names.
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export async function applyLayer(mounts: Mount[], input: Readable, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const compression = opts.compression ?? 'none';
  let target: LayerTarget;
  try {
    if (compression === 'zstd') {
      throw new EngineError('not-implemented', 'zstd-compressed layers are not supported: Node 20 has no zstd');
    }
    if (compression !== 'none' && compression !== 'gzip') {
      throw invalidArgument(`unknown compression ${JSON.stringify(compression)}`);
    }
    target = layerTarget(mounts);
    if (opts.noOverwriteDirNonDir) target.noOverwriteDirNonDir = true;
    await Promise.all([target.root, ...target.lowers].map(requireDir));
    if (opts.signal?.aborted) throw canceled('layer apply canceled');
  } catch (err) {
    input.destroy();
    throw err;
  }
  // Uncompressed input is hashed by a second worker in parallel; gzip input by the apply
  // worker, which waits on decompression anyway.
  const init: ApplyWorkerInit = { target, compression, hash: compression === 'gzip' };
  const workers = [new Worker(APPLY_WORKER_URL, { workerData: init })];
  if (!init.hash && opts.trustedDigest === undefined) workers.push(new Worker(HASH_WORKER_URL));
  return await runWorkers(workers, input, opts);
}

interface Batch {
  id: number;
  buf: SharedArrayBuffer;
  view: Uint8Array;
  /** Workers that have not acknowledged it yet; 0 when free. */
  refs: number;
}

/**
 * Feeds `input` to the workers in pooled batches and gathers their results. workers[0] applies
 * the layer; the result's digest comes from whichever worker hashed (the last to report it).
 */
function runWorkers(workers: Worker[], input: Readable, opts: ApplyOptions): Promise<ApplyResult> {
  const { signal, onProgress } = opts;
  const applier = workers[0] as Worker;
  return new Promise<ApplyResult>((resolve, reject) => {
    let settled = false;
    let diffId: Digest | undefined;
    let size = 0;
    let running = workers.length;
    let lastProgress = 0;
    let sent = 0;
    let contentSize = 0;
    const batches: Batch[] = [];
    const free: Batch[] = [];
    let wake: (() => void) | undefined;

    const stopWaiting = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      input.destroy();
      stopWaiting();
      // Reject only once the workers have stopped: the caller removes the snapshot next, and
      // no write may land after that.
      void Promise.allSettled(workers.map((w) => w.terminate())).then(() => reject(err));
    };
    const onAbort = (): void => fail(canceled('layer apply canceled'));
    // A throwing callback must fail this apply, not crash the daemon from an event handler.
    const progress = (n: number): void => {
      if (onProgress === undefined) return;
      try {
        onProgress(n);
      } catch (err) {
        fail(err);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    for (const w of workers) {
      let done = false;
      w.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ack': {
            const b = batches[m.id];
            if (b !== undefined && --b.refs === 0) free.push(b);
            if (w === applier && m.uncompressed - lastProgress >= PROGRESS_STEP) {
              lastProgress = m.uncompressed;
              progress(m.uncompressed);
            }
            stopWaiting();
            break;
          }
          case 'done':
            done = true;
            if (m.contentSize !== undefined) contentSize = m.contentSize;
            if (m.diffId !== undefined) {
              diffId = m.diffId;
              size = m.size;
            }
            break;
          case 'error':
            fail(new EngineError(m.kind, m.message));
            break;
        }
      });
      w.on('error', (err) => fail(internal(`layer worker failed: ${err.message}`, err)));
      w.on('exit', (code) => {
        if (settled) return;
        if (!done) {
          fail(internal(`layer worker exited with code ${code} before finishing`));
          return;
        }
        if (--running > 0) return;
        if (diffId === undefined && opts.trustedDigest !== undefined && (opts.compression ?? 'none') === 'none') {
          diffId = opts.trustedDigest;
          size = sent;
        }
        if (diffId === undefined) {
          fail(internal('layer workers finished without a digest'));
          return;
        }
        signal?.removeEventListener('abort', onAbort);
        progress(size);
        if (settled) return;
        settled = true;
        resolve({ diffId, size, contentSize });
      });
    }

    const takeBatch = async (): Promise<Batch | undefined> => {
      while (free.length === 0 && batches.length >= MAX_IN_FLIGHT) {
        if (settled) return undefined;
        await new Promise<void>((r) => (wake = r));
      }
      if (settled) return undefined;
      const reused = free.pop();
      if (reused !== undefined) return reused;
      const buf = new SharedArrayBuffer(BATCH_SIZE);
      const b: Batch = { id: batches.length, buf, view: new Uint8Array(buf), refs: 0 };
      batches.push(b);
      return b;
    };
    const send = (b: Batch, length: number): void => {
      sent += length;
      b.refs = workers.length;
      const msg: ToWorker = { type: 'data', id: b.id, buf: b.buf, length };
      for (const w of workers) w.postMessage(msg);
    };

    const pump = async (): Promise<void> => {
      let b = await takeBatch();
      let fill = 0;
      for await (const chunk of input as AsyncIterable<unknown>) {
        if (b === undefined) return;
        if (!(chunk instanceof Uint8Array)) throw invalidArgument('layer input must be a byte stream');
        // One copy into shared memory that every worker reads; the caller keeps its chunks.
        let off = 0;
        while (off < chunk.length) {
          const n = Math.min(BATCH_SIZE - fill, chunk.length - off);
          b.view.set(chunk.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === BATCH_SIZE) {
            send(b, fill);
            b = await takeBatch();
            if (b === undefined) return;
            fill = 0;
          }
        }
      }
      if (b === undefined || settled) return;
      if (fill > 0) send(b, fill);
      const end: ToWorker = { type: 'end' };
      for (const w of workers) w.postMessage(end);
    };
    pump().catch(fail);
  });
}
