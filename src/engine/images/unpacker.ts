// Unpacks an image's layers from the content store into committed snapshots named by chain
// ID. A layer already unpacked (by any image) is reused. Each new layer is applied into an
// `extract-…` active snapshot and committed only after its diff ID checks out, so a crash or
// a bad layer never leaves a snapshot under a chain ID that does not hold that layer.

import { randomBytes } from 'node:crypto';
import { type Readable, Transform, pipeline } from 'node:stream';
import type { ContentProvider } from '../../content/content-store.js';
import { chainIds, type Digest } from '../../core/digest.js';
import { EngineError, kindOf } from '../../core/errors.js';
import type { Mount } from '../../core/mount.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { type LayerCompression, layerCompression } from '../../oci/media-types.js';
import type { Snapshotter } from '../../snapshots/snapshotter.js';
import type { LayerRecord } from './image-record.js';

export type LayerApplier = (
  mounts: Mount[],
  input: Readable,
  opts: {
    compression: LayerCompression;
    signal?: AbortSignal;
    onProgress?: (bytes: number) => void;
    /** The uncompressed stream's sha256, when already verified (no need to hash it again). */
    trustedDigest?: Digest;
    noOverwriteDirNonDir?: boolean;
  },
) => Promise<{ diffId: Digest; size: number; contentSize: number }>;

export const EXTRACT_KEY_PREFIX = 'extract-';
/** Snapshot labels that let a later image reuse a layer without reading it again. */
export const LABEL_DIFF_ID = 'berth.diff-id';
export const LABEL_SIZE = 'berth.size';
export const LABEL_CONTENT_SIZE = 'berth.content-size';

export interface UnpackDeps {
  content: ContentProvider;
  snapshotter: Snapshotter;
  applyLayer: LayerApplier;
}

export interface UnpackProgress {
  /** A layer starts (`reused` when its snapshot exists already). */
  start?(index: number, chainId: Digest, reused: boolean): void;
  bytes?(index: number, chainId: Digest, uncompressed: number): void;
  /** Bytes of the layer's blob read so far (compressed, when it is): what pull's bar shows. */
  read?(index: number, chainId: Digest, blobBytes: number): void;
  done?(index: number, chainId: Digest): void;
}

export interface UnpackOptions {
  signal?: AbortSignal;
  progress?: UnpackProgress;
}

/** The compression of a blob: from its media type, or sniffed from its first bytes. */
export async function blobCompression(content: ContentProvider, desc: Descriptor): Promise<LayerCompression> {
  return layerCompression(desc.mediaType) ?? sniffCompression(content, desc.digest);
}

/** Layer compression by magic bytes, for archives that name no media types (docker save). */
export async function sniffCompression(content: ContentProvider, digest: Digest): Promise<LayerCompression> {
  const reader = await content.open(digest);
  if (reader.size < 4) return 'none';
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    reader
      .stream({ start: 0, end: 3 })
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/**
 * Makes sure every layer is unpacked; returns the layer records (with sizes) in order.
 * `layers[i]` is the blob of the layer whose diff ID is `diffIds[i]`.
 */
export async function unpackLayers(
  deps: UnpackDeps,
  layers: readonly Descriptor[],
  diffIds: readonly Digest[],
  opts: UnpackOptions = {},
): Promise<LayerRecord[]> {
  if (layers.length !== diffIds.length) {
    throw new EngineError(
      'invalid-argument',
      `invalid image: ${layers.length} layers but ${diffIds.length} diff IDs in the config`,
    );
  }
  const chains = chainIds(diffIds);
  const records: LayerRecord[] = [];
  for (let i = 0; i < layers.length; i++) {
    opts.signal?.throwIfAborted();
    const blob = layers[i]!;
    const diffId = diffIds[i]!;
    const chainId = chains[i]!;
    const parent = i > 0 ? chains[i - 1] : undefined;
    const existing = await committedSizes(deps.snapshotter, chainId);
    if (existing !== undefined) {
      opts.progress?.start?.(i, chainId, true);
      records.push({ diffId, chainId, ...existing, blob });
      opts.progress?.done?.(i, chainId);
      continue;
    }
    opts.progress?.start?.(i, chainId, false);
    const sizes = await unpackOne(deps, blob, diffId, chainId, parent, i, opts);
    records.push({ diffId, chainId, ...sizes, blob });
    opts.progress?.done?.(i, chainId);
  }
  return records;
}

interface LayerSizes {
  size: number;
  contentSize: number;
}

/** The sizes of a committed layer snapshot, or undefined when it is not unpacked here. */
export async function committedSizes(sn: Snapshotter, chainId: Digest): Promise<LayerSizes | undefined> {
  try {
    const info = await sn.stat(chainId);
    if (info.kind !== 'committed') return undefined;
    const size = Number(info.labels[LABEL_SIZE]);
    const contentSize = Number(info.labels[LABEL_CONTENT_SIZE]);
    if (Number.isFinite(size) && Number.isFinite(contentSize)) return { size, contentSize };
    const usage = (await sn.usage(chainId)).size;
    return { size: Number.isFinite(size) ? size : usage, contentSize: usage };
  } catch (err) {
    if (kindOf(err) === 'not-found') return undefined;
    throw err;
  }
}

async function unpackOne(
  deps: UnpackDeps,
  blob: Descriptor,
  diffId: Digest,
  chainId: Digest,
  parent: Digest | undefined,
  index: number,
  opts: UnpackOptions,
): Promise<LayerSizes> {
  const key = `${EXTRACT_KEY_PREFIX}${randomBytes(6).toString('hex')}-${chainId}`;
  const mounts = await deps.snapshotter.prepare(key, parent);
  try {
    const compression = await blobCompression(deps.content, blob);
    const reader = await deps.content.open(blob.digest);
    const applyOpts: Parameters<LayerApplier>[2] = {
      compression,
      onProgress: (n) => opts.progress?.bytes?.(index, chainId, n),
    };
    if (opts.signal) applyOpts.signal = opts.signal;
    // An uncompressed blob named by its diff ID was verified when the content store took it.
    if (compression === 'none' && blob.digest === diffId) applyOpts.trustedDigest = diffId;
    const result = await deps.applyLayer(mounts, countedStream(reader.stream(), opts.progress?.read, index, chainId), applyOpts);
    if (result.diffId !== diffId) {
      throw new EngineError(
        'invalid-argument',
        `layer ${blob.digest} does not match its diff ID: expected ${diffId}, got ${result.diffId}`,
      );
    }
    try {
      await deps.snapshotter.commit(chainId, key, {
        labels: {
          [LABEL_DIFF_ID]: diffId,
          [LABEL_SIZE]: String(result.size),
          [LABEL_CONTENT_SIZE]: String(result.contentSize),
        },
      });
    } catch (err) {
      // Another unpack committed the same layer first: theirs is as good as ours.
      if (kindOf(err) !== 'already-exists') throw err;
      await deps.snapshotter.remove(key).catch(() => undefined);
    }
    return { size: result.size, contentSize: result.contentSize };
  } catch (err) {
    await deps.snapshotter.remove(key).catch(() => undefined);
    throw err;
  }
}

/** The blob's stream, reporting bytes read when someone listens. */
function countedStream(
  source: Readable,
  onRead: UnpackProgress['read'],
  index: number,
  chainId: Digest,
): Readable {
  if (!onRead) return source;
  let n = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      onRead(index, chainId, n);
      done(null, chunk);
    },
  });
  // pipeline() carries an error either way and destroys both when the applier stops early.
  return pipeline(source, counter, () => undefined);
}
