// Messages between applyLayer (main thread) and its workers. Input travels in pooled
// SharedArrayBuffers of at most BATCH_SIZE bytes, shared (not copied) with every worker that
// reads it; each worker acknowledges a batch once it is done with its bytes, and the batch goes
// back to the pool when all have. That is also the whole backpressure scheme.

import type { ErrorKind } from '../core/errors.js';
import type { LayerTarget } from './layer-writer.js';

export interface ApplyWorkerInit {
  target: LayerTarget;
  compression: 'none' | 'gzip';
  /** Hash the uncompressed bytes here (gzip); otherwise the hash worker does it in parallel. */
  hash: boolean;
}

export type ToWorker = { type: 'data'; id: number; buf: SharedArrayBuffer; length: number } | { type: 'end' };

export type FromWorker =
  /** Batch `id` consumed; `uncompressed` counts all bytes so far. */
  | { type: 'ack'; id: number; uncompressed: number }
  /** `diffId` only when the worker was asked to hash. */
  | { type: 'done'; diffId?: `sha256:${string}`; size: number; contentSize?: number }
  | { type: 'error'; kind: ErrorKind; message: string };
