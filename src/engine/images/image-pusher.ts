// `docker push`: an image's layers, config and manifest into a registry repository.
//
// Order and why:
//   1. The layers to send are chosen first. A layer that came compressed (pulled) goes as it
//      is; an uncompressed one (loaded, imported, committed) is gzipped once into the content
//      store and remembered on the layer record (`compressed`), so the next push of any image
//      with that diff ID sends the same blob and does not compress again.
//   2. Each layer: HEAD in the target repository ("Layer already exists"), else a mount from
//      another repository of the same registry that is known to hold it ("Mounted from"), else
//      an upload. Uploads run in parallel (max-concurrent-uploads, 5 by default).
//   3. The config, then the manifest under the tag. When the image was pulled and its stored
//      manifest names exactly these blobs, that manifest goes byte for byte (same digest);
//      otherwise a Docker schema2 manifest is written.
//   4. The image gets the `name@digest` reference (RepoDigests).

import { randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';
import type { ContentStore } from '../../content/content-store.js';
import { type Digest, shortId } from '../../core/digest.js';
import { EngineError, kindOf } from '../../core/errors.js';
import type { ProgressSink } from '../../core/progress.js';
import { type Reference, familiarName, fullName, trimNamed, withDigest, withTag } from '../../core/reference.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { type Manifest, canonicalJson, parseManifest } from '../../oci/image.js';
import {
  MEDIA_TYPE_DOCKER_CONFIG,
  MEDIA_TYPE_DOCKER_LAYER_GZIP,
  MEDIA_TYPE_DOCKER_MANIFEST,
  isManifestMediaType,
} from '../../oci/media-types.js';
import type { RegistryCredentials } from '../../remote/registry-auth.js';
import type { RegistryClient, Repository } from '../../remote/registry-client.js';
import type { ImageCreateDeps } from './image-loader.js';
import type { ImageRecord, LayerRecord } from './image-record.js';
import { hasBlob, ingestStream, putBlob } from './ingest.js';
import { blobCompression } from './unpacker.js';

export interface PushDeps extends ImageCreateDeps {
  registry: RegistryClient;
  maxConcurrentUploads: number;
}

export interface PushOptions {
  /** Push only this tag; all tags of the repository when undefined. */
  tag?: string;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  progress?: ProgressSink;
}

/** Content label naming a repository of a registry that holds the blob (containerd's). */
export const LABEL_SOURCE_PREFIX = 'containerd.io/distribution.source.';

export async function pushImage(deps: PushDeps, name: Reference, opts: PushOptions): Promise<void> {
  const progress = opts.progress ?? (() => undefined);
  const repoRef = trimNamed(name);
  progress({ status: `The push refers to repository [${fullName(repoRef)}]` });
  const tags = opts.tag !== undefined ? [opts.tag] : deps.images.tagsOf(repoRef);
  const targets: { tag: string; rec: ImageRecord }[] = [];
  for (const tag of tags) {
    const rec = deps.images.find(`${fullName(repoRef)}:${tag}`);
    if (!rec) throw new EngineError('not-found', `An image does not exist locally with the tag: ${familiarName(repoRef)}`);
    targets.push({ tag, rec });
  }
  if (targets.length === 0) throw new EngineError('not-found', `An image does not exist locally with the tag: ${familiarName(repoRef)}`);
  await deps.gc.protect(async () => {
    const repo = deps.registry.repository(repoRef, { push: true, ...(opts.credentials ? { credentials: opts.credentials } : {}) });
    for (const t of targets) await pushOne(deps, repo, withTag(repoRef, t.tag), t.rec, opts, progress);
  });
}

async function pushOne(
  deps: PushDeps,
  repo: Repository,
  target: Reference,
  rec: ImageRecord,
  opts: PushOptions,
  progress: ProgressSink,
): Promise<void> {
  const signal = opts.signal;
  // Docker lists the layers top first.
  const order = rec.layers.map((_, i) => i).reverse();
  for (const i of order) progress({ status: 'Preparing', id: shortId(rec.layers[i]!.diffId) });
  const limit = Math.max(1, deps.maxConcurrentUploads);
  let running = 0;
  const queue: (() => void)[] = [];
  const blobs: Descriptor[] = new Array<Descriptor>(rec.layers.length);
  const results = await Promise.allSettled(
    order.map(async (i) => {
      const layer = rec.layers[i]!;
      const id = shortId(layer.diffId);
      if (running >= limit) {
        progress({ status: 'Waiting', id });
        await new Promise<void>((r) => queue.push(r));
      }
      running++;
      try {
        signal?.throwIfAborted();
        const blob = await layerBlob(deps, rec, layer);
        blobs[i] = blob;
        await pushLayer(deps.content, repo, blob, id, progress, signal);
      } finally {
        running--;
        queue.shift()?.();
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  // The config and the manifest.
  const configDesc: Descriptor = { mediaType: MEDIA_TYPE_DOCKER_CONFIG, digest: rec.id, size: rec.configSize };
  const manifestOut = await chooseManifest(deps.content, rec, blobs, configDesc);
  if ((await repo.statBlob(rec.id, signal)) === undefined) {
    const reader = await deps.content.open(rec.id);
    await repo.pushBlob(manifestOut.config, () => reader.stream(), signal ? { signal } : {});
  }
  const tag = target.tag ?? 'latest';
  const digest = await repo.putManifest(tag, manifestOut.mediaType, manifestOut.bytes, signal);
  await putBlob(deps.content, manifestOut.bytes);
  const current = deps.images.find(rec.id) ?? rec;
  const manifests = current.manifests.some((m) => m.digest === digest)
    ? current.manifests
    : [...current.manifests, { mediaType: manifestOut.mediaType, digest, size: manifestOut.bytes.length }];
  await deps.images.add({ ...current, manifests }, [withDigest(trimNamed(target), digest)]);
  deps.images.publish(rec.id, 'push', `${familiarName(target)}:${tag}`);
  progress({ status: `${tag}: digest: ${digest} size: ${manifestOut.bytes.length}` });
  progress({ aux: { Tag: tag, Digest: digest, Size: manifestOut.bytes.length } });
}

async function pushLayer(
  content: ContentStore,
  repo: Repository,
  blob: Descriptor,
  id: string,
  progress: ProgressSink,
  signal?: AbortSignal,
): Promise<void> {
  const sig = signal ? { signal } : {};
  if ((await repo.statBlob(blob.digest, signal)) !== undefined) {
    progress({ status: 'Layer already exists', id });
    return;
  }
  const mountFrom = await sourceRepository(content, blob.digest, repo);
  const reader = await content.open(blob.digest);
  let sent = 0;
  const body = () => {
    sent = 0;
    const s = reader.stream();
    s.on('data', (c: Buffer) => {
      sent += c.length;
      progress({ status: 'Pushing', id, current: sent, total: blob.size });
    });
    return s;
  };
  const how = await repo.pushBlob(blob, body, { ...sig, ...(mountFrom ? { mountFrom } : {}) });
  if (how === 'mounted') {
    progress({ status: `Mounted from ${mountFrom}`, id });
  } else {
    progress({ status: 'Pushed', id });
  }
  await labelSource(content, blob.digest, repo);
}

/** A repository of the same registry that holds the blob, from what pulls and pushes saw. */
async function sourceRepository(content: ContentStore, digest: Digest, repo: Repository): Promise<string | undefined> {
  try {
    const info = await content.info(digest);
    const from = info.labels[`${LABEL_SOURCE_PREFIX}${repo.ref.domain}`];
    return from && from !== repo.ref.path ? from.split(',')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers that `repo` holds the blob, for cross-repository mounts later. */
export async function labelSource(content: ContentStore, digest: Digest, repo: Repository): Promise<void> {
  const key = `${LABEL_SOURCE_PREFIX}${repo.ref.domain}`;
  try {
    const info = await content.info(digest);
    if (info.labels[key] === repo.ref.path) return;
    await content.update({ ...info, labels: { [key]: repo.ref.path } }, [`labels.${key}`]);
  } catch (err) {
    if (kindOf(err) !== 'not-found') throw err;
  }
}

/**
 * The compressed blob to push for a layer: its own when it came compressed, the one an earlier
 * push made for the same diff ID, or a new gzip of it (remembered on the record).
 */
async function layerBlob(deps: PushDeps, rec: ImageRecord, layer: LayerRecord): Promise<Descriptor> {
  if (!layer.blob) throw new EngineError('data-loss', `layer ${layer.diffId} of image ${rec.id} has no blob`);
  if ((await blobCompression(deps.content, layer.blob)) !== 'none') return layer.blob;
  for (const other of deps.images.records()) {
    for (const l of other.layers) {
      if (l.diffId !== layer.diffId) continue;
      const cand = l.compressed ?? l.blob;
      if (cand && (await hasBlob(deps.content, cand.digest)) && (await blobCompression(deps.content, cand)) === 'gzip') {
        if (!layer.compressed) await rememberCompressed(deps, rec, layer.diffId, cand);
        return cand;
      }
    }
  }
  const reader = await deps.content.open(layer.blob.digest);
  const gz = reader.stream().pipe(createGzip());
  const out = await ingestStream(deps.content, `push-gzip-${randomBytes(8).toString('hex')}`, gz as AsyncIterable<Buffer>);
  const desc: Descriptor = { mediaType: MEDIA_TYPE_DOCKER_LAYER_GZIP, digest: out.digest, size: out.size };
  await rememberCompressed(deps, rec, layer.diffId, desc);
  return desc;
}

async function rememberCompressed(deps: PushDeps, rec: ImageRecord, diffId: Digest, desc: Descriptor): Promise<void> {
  const current = deps.images.find(rec.id) ?? rec;
  const layers = current.layers.map((l) => (l.diffId === diffId ? { ...l, compressed: desc } : l));
  await deps.images.add({ ...current, layers }, []);
}

interface ManifestOut {
  mediaType: string;
  bytes: Buffer;
  config: Descriptor;
}

async function chooseManifest(content: ContentStore, rec: ImageRecord, blobs: Descriptor[], config: Descriptor): Promise<ManifestOut> {
  for (const m of [...rec.manifests].reverse()) {
    if (!isManifestMediaType(m.mediaType)) continue;
    let bytes: Buffer;
    try {
      bytes = await (await content.open(m.digest)).readAll();
    } catch {
      continue;
    }
    const parsed: Manifest = parseManifest(bytes, m.mediaType);
    if (parsed.config.digest !== rec.id) continue;
    if (parsed.layers.length !== blobs.length || parsed.layers.some((l, i) => l.digest !== blobs[i]!.digest)) continue;
    return { mediaType: m.mediaType, bytes, config: parsed.config };
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_DOCKER_MANIFEST,
    config,
    layers: blobs.map((b) => ({ mediaType: MEDIA_TYPE_DOCKER_LAYER_GZIP, size: b.size, digest: b.digest })),
  };
  return { mediaType: MEDIA_TYPE_DOCKER_MANIFEST, bytes: canonicalJson(manifest), config };
}
