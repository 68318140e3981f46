// `docker commit`: a new image made of a parent image and one more layer (a container's
// changes, as diff/layer-from-upper.ts writes them). The layer is stored uncompressed (its
// digest is its diff ID), unpacked on the parent's chain like any pulled layer, and described
// by the parent's config with the new runtime config, history entry and rootfs.

import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type Reference, parseRepoTag } from '../../core/reference.js';
import type { ImageConfig, ImageRuntimeConfig } from '../../oci/image.js';
import { MEDIA_TYPE_DOCKER_LAYER } from '../../oci/media-types.js';
import { applyConfigChanges } from './config-changes.js';
import type { ImageCreateDeps } from './image-loader.js';
import type { ImageRecord } from './image-record.js';
import { storeImage } from './image-importer.js';
import { ingestStream } from './ingest.js';
import { unpackLayers } from './unpacker.js';

export interface CommitImageOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  /** `--change` lines, applied last. */
  changes?: string[];
  /** The runtime config before the changes (the container's, merged with the request's). */
  config: ImageRuntimeConfig;
  /** The history's `created_by` (the container's command). */
  createdBy: string;
}

/** Checks what can be checked before a byte of the layer is read. */
export async function prepareCommit(opts: CommitImageOptions): Promise<{ ref?: Reference; config: ImageRuntimeConfig }> {
  const ref = opts.repo ? parseRepoTag(opts.repo, opts.tag) : undefined;
  const config = await applyConfigChanges(opts.config, opts.changes ?? []);
  return { ...(ref ? { ref } : {}), config };
}

export async function commitImage(
  deps: ImageCreateDeps,
  parent: ImageRecord | undefined,
  layer: Readable,
  opts: CommitImageOptions,
): Promise<ImageRecord> {
  const { ref, config: runtimeConfig } = await prepareCommit(opts);
  const parentConfig: ImageConfig | undefined = parent ? await deps.images.config(parent) : undefined;
  return deps.gc.protect(async () => {
    const blob = await ingestStream(deps.content, `commit-${randomBytes(8).toString('hex')}`, layer);
    const desc = { mediaType: MEDIA_TYPE_DOCKER_LAYER, digest: blob.digest, size: blob.size };
    const parentLayers = parent?.layers ?? [];
    const descs = [...parentLayers.map((l) => l.blob ?? { mediaType: MEDIA_TYPE_DOCKER_LAYER, digest: l.diffId, size: l.size }), desc];
    const unpacked = await unpackLayers(deps, descs, [...parentLayers.map((l) => l.diffId), blob.digest]);
    const layers = [...parentLayers, unpacked[unpacked.length - 1]!];

    const created = new Date().toISOString();
    const config: ImageConfig = {
      ...(parentConfig ?? { architecture: 'amd64', os: 'linux' }),
      created,
      config: runtimeConfig,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: [
        ...(parentConfig?.history ?? []),
        {
          created,
          created_by: opts.createdBy,
          ...(opts.author ? { author: opts.author } : {}),
          ...(opts.comment ? { comment: opts.comment } : {}),
        },
      ],
    };
    // Docker's top-level fields describe this step, not the parent's.
    delete config.author;
    delete config.comment;
    if (opts.author) config.author = opts.author;
    if (opts.comment) config.comment = opts.comment;
    const record = await storeImage(deps, config, layers, ref ? [ref] : [], parent?.id);
    return record;
  });
}
