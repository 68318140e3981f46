// `docker save`: writes images as one tar that is both a docker-archive (manifest.json, read
// by `docker load` of any Docker) and an OCI image layout (oci-layout, index.json, blobs/), as
// moby 25+ does. Layers are stored uncompressed under their diff IDs, so the archive's blob
// names are exactly what the configs say; a compressed (pulled) layer is decompressed on the way.

import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Pack } from 'tar-stream';
import type { ContentProvider } from '../../content/content-store.js';
import { type Digest, digestHex, sha256Digest } from '../../core/digest.js';
import { EngineError } from '../../core/errors.js';
import {
  type Reference,
  classifyImageRef,
  familiarName,
  familiarString,
  fullName,
  fullString,
  parseNormalizedNamed,
} from '../../core/reference.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { canonicalJson } from '../../oci/image.js';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_OCI_CONFIG,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_LAYER,
  MEDIA_TYPE_OCI_LAYOUT_VERSION,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../../oci/media-types.js';
import type { ImageRecord } from './image-record.js';
import type { ImageService } from './image-service.js';
import { blobCompression } from './unpacker.js';

interface SaveItem {
  record: ImageRecord;
  refs: Reference[];
}

/** Resolves the names first (so a bad name is a normal 404), then streams the archive. */
export function prepareSave(images: ImageService, names: string[]): SaveItem[] {
  const items = new Map<string, SaveItem>();
  const add = (record: ImageRecord, ref?: Reference): void => {
    let item = items.get(record.id);
    if (!item) {
      item = { record, refs: [] };
      items.set(record.id, item);
    }
    if (ref && !ref.digest && !item.refs.some((r) => fullString(r) === fullString(ref))) item.refs.push(ref);
  };
  for (const name of names) {
    const c = classifyImageRef(name);
    if (c.kind === 'reference' && !c.ref.tag && !c.ref.digest) {
      // A bare repository name saves every tag of that repository, as Docker does.
      const tagged = images
        .list({ all: true })
        .flatMap((s) => s.repoTags.map((t) => ({ s, r: parseNormalizedNamed(t) })))
        .filter(({ r }) => fullName(r) === fullName(c.ref));
      if (tagged.length > 0) {
        for (const { s, r } of tagged) add(images.resolve(s.id), r);
        continue;
      }
    }
    const record = images.resolve(name);
    add(record, c.kind === 'reference' ? c.ref : undefined);
  }
  return [...items.values()];
}

export function saveImages(
  content: ContentProvider,
  images: ImageService,
  items: SaveItem[],
  opts: { signal?: AbortSignal } = {},
): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const write = async (): Promise<void> => {
    // tar-stream is loaded on first use, to keep an idle daemon small.
    const { pack: tarPack } = await import('tar-stream');
    const pack = tarPack();
    pipeline(pack as unknown as Readable, out).catch(() => undefined);
    await writeArchive(pack, content, images, items, opts.signal);
  };
  write().catch((err: unknown) => {
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return out;
}

async function writeArchive(
  pack: Pack,
  content: ContentProvider,
  images: ImageService,
  items: SaveItem[],
  signal?: AbortSignal,
): Promise<void> {
  const written = new Set<string>();
  const mtime = new Date(0);
  const dir = (name: string): Promise<void> => entry(pack, { name, type: 'directory', mode: 0o755, mtime });
  const file = async (name: string, data: Buffer): Promise<void> => {
    if (written.has(name)) return;
    written.add(name);
    await entry(pack, { name, mode: 0o644, mtime, size: data.length }, data);
  };
  await dir('blobs/');
  await dir('blobs/sha256/');

  const index: Descriptor[] = [];
  const manifestJson: unknown[] = [];
  for (const item of items) {
    signal?.throwIfAborted();
    const { record } = item;
    const layerPaths: string[] = [];
    for (const layer of record.layers) {
      const path = `blobs/sha256/${digestHex(layer.diffId)}`;
      layerPaths.push(path);
      if (written.has(path)) continue;
      written.add(path);
      if (!layer.blob) throw new EngineError('data-loss', `layer ${layer.diffId} of image ${record.id} has no blob`);
      const compression = await blobCompression(content, layer.blob);
      if (compression === 'zstd') throw new EngineError('not-implemented', 'saving zstd layers is not supported');
      const reader = await content.open(layer.blob.digest);
      const sink = pack.entry({ name: path, mode: 0o644, mtime, size: layer.size });
      const source = compression === 'gzip' ? reader.stream().pipe(createGunzip()) : reader.stream();
      await pipeline(source, sink as unknown as NodeJS.WritableStream, signal ? { signal } : {});
    }
    const configBytes = await (await content.open(record.id)).readAll();
    await file(`blobs/sha256/${digestHex(record.id)}`, configBytes);

    const manifest = canonicalJson({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      config: { mediaType: MEDIA_TYPE_OCI_CONFIG, digest: record.id, size: configBytes.length },
      layers: record.layers.map((l) => ({ mediaType: MEDIA_TYPE_OCI_LAYER, digest: l.diffId, size: l.size })),
    });
    const manifestDigest: Digest = sha256Digest(manifest);
    await file(`blobs/sha256/${digestHex(manifestDigest)}`, manifest);
    const desc: Descriptor = { mediaType: MEDIA_TYPE_OCI_MANIFEST, digest: manifestDigest, size: manifest.length };
    if (item.refs.length === 0) index.push(desc);
    for (const ref of item.refs) {
      index.push({
        ...desc,
        annotations: { [ANNOTATION_IMAGE_NAME]: fullString(ref), [ANNOTATION_REF_NAME]: ref.tag ?? 'latest' },
      });
    }
    manifestJson.push({
      Config: `blobs/sha256/${digestHex(record.id)}`,
      RepoTags: item.refs.length > 0 ? item.refs.map((r) => familiarString(r)) : null,
      Layers: layerPaths,
    });
    images.publish(record.id, 'save', item.refs[0] ? familiarName(item.refs[0]) : record.id);
  }
  await file('index.json', canonicalJson({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests: index }));
  await file('manifest.json', canonicalJson(manifestJson));
  await file('oci-layout', canonicalJson({ imageLayoutVersion: MEDIA_TYPE_OCI_LAYOUT_VERSION }));
  pack.finalize();
}

function entry(pack: Pack, header: Parameters<Pack['entry']>[0], data?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (data === undefined) pack.entry(header, cb);
    else pack.entry(header, data, cb);
  });
}
