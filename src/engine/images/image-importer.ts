// `docker import`: a root filesystem tarball (plain or gzip) becomes a one-layer image. The
// uncompressed tar is stored as the layer blob (its digest is the diff ID), unpacked, and
// described by a new config carrying the `--change` edits.

import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ProgressSink } from '../../core/progress.js';
import { type Reference, parseRepoTag } from '../../core/reference.js';
import { type ImageConfig, canonicalJson } from '../../oci/image.js';
import { MEDIA_TYPE_DOCKER_LAYER } from '../../oci/media-types.js';
import { type Platform, hostPlatform } from '../../oci/platform.js';
import { applyConfigChanges } from './config-changes.js';
import type { ImageCreateDeps } from './image-loader.js';
import type { Digest } from '../../core/digest.js';
import type { ImageRecord, LayerRecord } from './image-record.js';
import { ingestStream, putBlob, uncompressedUpload, uploadError } from './ingest.js';
import { unpackLayers } from './unpacker.js';

export interface ImportOptions {
  repo?: string;
  tag?: string;
  /** The history comment; Docker's default is `Imported from <source>`. */
  message?: string;
  changes?: string[];
  platform?: Platform;
  /** Where the tarball came from, for the default message (`-` for the request body). */
  source?: string;
  signal?: AbortSignal;
  progress?: ProgressSink;
}

export async function importImage(deps: ImageCreateDeps, input: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
  // Check the name and the changes before reading a byte, so bad input costs nothing.
  const ref: Reference | undefined = opts.repo ? parseRepoTag(opts.repo, opts.tag) : undefined;
  const runtimeConfig = await applyConfigChanges({}, opts.changes ?? []);
  return deps.gc.protect(async () => {
    const plain = await uncompressedUpload(input, 'tarballs');
    const layer = await ingestStream(deps.content, `import-${randomBytes(8).toString('hex')}`, plain).catch((err: unknown) => {
      throw uploadError(err);
    });
    const desc = { mediaType: MEDIA_TYPE_DOCKER_LAYER, digest: layer.digest, size: layer.size };
    const unpackOpts: Parameters<typeof unpackLayers>[3] = {};
    if (opts.signal) unpackOpts.signal = opts.signal;
    const layers = await unpackLayers(deps, [desc], [layer.digest], unpackOpts);

    const platform = opts.platform ?? hostPlatform();
    const created = new Date().toISOString();
    const config: ImageConfig = {
      architecture: platform.architecture,
      os: platform.os,
      created,
      config: runtimeConfig,
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created, comment: opts.message || `Imported from ${opts.source ?? '-'}` }],
    };
    if (platform.variant) config.variant = platform.variant;
    const record = await storeImage(deps, config, layers, ref ? [ref] : []);
    const id = record.id;
    deps.images.publish(id, 'import', id);
    opts.progress?.({ status: id });
    return record;
  });
}

/** Stores a new image's config and catalogues it (import, commit) with its names. */
export async function storeImage(
  deps: ImageCreateDeps,
  config: ImageConfig,
  layers: LayerRecord[],
  refs: Reference[],
  parent?: Digest,
): Promise<ImageRecord> {
  const configBytes = canonicalJson(config);
  const id = await putBlob(deps.content, configBytes);
  const record: ImageRecord = {
    id,
    configSize: configBytes.length,
    layers,
    manifests: [],
    ...(parent ? { parent } : {}),
    created: config.created ?? new Date().toISOString(),
    labels: config.config?.Labels ?? {},
    size: layers.reduce((a, l) => a + l.contentSize, 0),
  };
  await deps.images.add(record, refs);
  return record;
}
