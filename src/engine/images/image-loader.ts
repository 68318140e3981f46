// `docker load`: reads a docker-archive (manifest.json, as `docker save` writes it) or an OCI
// image layout (index.json) from a tar stream, plain or gzip.
//
// Every file of the archive streams into the content store as it arrives (the archive's order
// is arbitrary: manifest.json usually comes last), so nothing large is held in memory. Once the
// archive has ended, the manifests say which blobs are configs and layers; layers are unpacked
// into snapshots and only then does the image record (with its tags) appear, in one write.
// A failure or a crash before that leaves verified but unreferenced blobs and snapshots, which
// the garbage collector removes.

import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContentStore } from '../../content/content-store.js';
import { type Digest, isDigest, shortId } from '../../core/digest.js';
import { EngineError } from '../../core/errors.js';
import type { ProgressSink } from '../../core/progress.js';
import { type Reference, familiarString, parseNormalizedNamed, withDefaultTag } from '../../core/reference.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { type Index, type Manifest, parseImageConfig, parseIndex, parseManifest } from '../../oci/image.js';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_DOCKER_LAYER,
  MEDIA_TYPE_DOCKER_LAYER_GZIP,
  isIndexMediaType,
} from '../../oci/media-types.js';
import { hostPlatform, platformMatches } from '../../oci/platform.js';
import type { Snapshotter } from '../../snapshots/snapshotter.js';
import type { GarbageCollector } from '../gc/garbage-collector.js';
import type { ImageRecord } from './image-record.js';
import type { ImageService } from './image-service.js';
import { type IngestResult, ingestStream, uncompressedUpload, uploadError } from './ingest.js';
import { type LayerApplier, sniffCompression, unpackLayers } from './unpacker.js';

export interface ImageCreateDeps {
  content: ContentStore;
  snapshotter: Snapshotter;
  applyLayer: LayerApplier;
  images: ImageService;
  gc: GarbageCollector;
}

export interface LoadOptions {
  signal?: AbortSignal;
  progress?: ProgressSink;
}

export interface LoadResult {
  images: { id: Digest; refs: string[] }[];
}

/** Files small enough to parse (manifests, configs, index.json) are also kept in memory. */
const SMALL_FILE = 4 << 20;
const INGEST_PREFIX = 'load-';

/** A file of the archive, stored as a blob (small ones kept in memory too). */
type ArchiveFile = IngestResult;

interface LoadedArchive {
  files: Map<string, ArchiveFile>;
  links: Map<string, string>;
}

interface ImageToAdd {
  config: ArchiveFile;
  layers: ArchiveFile[];
  refs: Reference[];
  manifest?: Descriptor;
  manifestLayers?: Descriptor[];
}

export async function loadImages(deps: ImageCreateDeps, input: Readable, opts: LoadOptions = {}): Promise<LoadResult> {
  return deps.gc.protect(async () => {
    const archive = await readArchive(deps.content, input, opts.signal);
    const toAdd = archive.files.has('manifest.json')
      ? fromDockerManifest(archive)
      : archive.files.has('index.json')
        ? fromOciLayout(archive)
        : undefined;
    if (!toAdd) {
      throw new EngineError('invalid-argument', 'invalid archive: it holds neither manifest.json nor index.json');
    }
    const result: LoadResult = { images: [] };
    for (const img of toAdd) {
      opts.signal?.throwIfAborted();
      result.images.push(await addImage(deps, img, opts));
    }
    return result;
  });
}

async function readArchive(content: ContentStore, input: Readable, signal?: AbortSignal): Promise<LoadedArchive> {
  // tar-stream is loaded on first use, to keep an idle daemon small. Load it before the
  // decompressor exists: its errors need a listener from the moment it starts.
  const { extract: tarExtract } = await import('tar-stream');
  const plain = await uncompressedUpload(input, 'archives');
  const files = new Map<string, ArchiveFile>();
  const links = new Map<string, string>();
  const extract = tarExtract();
  const onAbort = (): void => {
    extract.destroy(new EngineError('canceled', 'load canceled'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  plain.on('error', (err) => extract.destroy(err));
  plain.pipe(extract);
  const ingestId = randomBytes(8).toString('hex');
  let n = 0;
  try {
    for await (const entry of extract) {
      const name = cleanName(entry.header.name);
      const type = entry.header.type;
      if (type === 'symlink' && entry.header.linkname) {
        links.set(name, posix.join(posix.dirname(name), entry.header.linkname));
      } else if (type === 'link' && entry.header.linkname) {
        links.set(name, cleanName(entry.header.linkname));
      } else if (type === 'file' || type === 'contiguous-file') {
        files.set(
          name,
          await ingestStream(content, `${INGEST_PREFIX}${ingestId}-${n++}`, entry as AsyncIterable<Buffer>, {
            keepUpTo: SMALL_FILE,
            expectedSize: entry.header.size ?? 0,
          }),
        );
        continue;
      }
      entry.resume();
    }
  } catch (err) {
    if (signal?.aborted) throw new EngineError('canceled', 'load canceled', { cause: err });
    throw uploadError(err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { files, links };
}

function cleanName(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, '');
}

function lookup(archive: LoadedArchive, name: string): ArchiveFile {
  let n = cleanName(name);
  for (let hops = 0; hops < 16 && !archive.files.has(n); hops++) {
    const target = archive.links.get(n);
    if (target === undefined) break;
    n = cleanName(target);
  }
  const f = archive.files.get(n);
  if (!f) throw new EngineError('invalid-argument', `invalid archive: file ${JSON.stringify(name)} not found`);
  return f;
}

function jsonOf(f: ArchiveFile, what: string): unknown {
  if (!f.data) throw new EngineError('invalid-argument', `invalid archive: ${what} is too large`);
  try {
    return JSON.parse(f.data.toString('utf8'));
  } catch (err) {
    throw new EngineError('invalid-argument', `invalid archive: ${what}: ${(err as Error).message}`, { cause: err });
  }
}

interface DockerManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

function fromDockerManifest(archive: LoadedArchive): ImageToAdd[] {
  const doc = jsonOf(lookup(archive, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(doc)) throw new EngineError('invalid-argument', 'invalid archive: manifest.json is not an array');
  return (doc as DockerManifestEntry[]).map((e) => {
    if (typeof e !== 'object' || e === null || typeof e.Config !== 'string' || !Array.isArray(e.Layers)) {
      throw new EngineError('invalid-argument', 'invalid archive: manifest.json entry without Config and Layers');
    }
    const tags = Array.isArray(e.RepoTags) ? e.RepoTags : [];
    return {
      config: lookup(archive, e.Config),
      layers: e.Layers.map((l) => {
        if (typeof l !== 'string') throw new EngineError('invalid-argument', 'invalid archive: layer path is not a string');
        return lookup(archive, l);
      }),
      refs: tags.map((t) => {
        if (typeof t !== 'string') throw new EngineError('invalid-argument', 'invalid archive: RepoTags entry is not a string');
        return withDefaultTag(parseNormalizedNamed(t));
      }),
    };
  });
}

function blobFile(archive: LoadedArchive, digest: Digest): ArchiveFile {
  const name = `blobs/${digest.replace(':', '/')}`;
  const f = lookup(archive, name);
  // In an OCI layout a blob's name is its digest; a mismatch is a forged or corrupt archive.
  if (f.digest !== digest) {
    throw new EngineError('invalid-argument', `invalid archive: ${name} has digest ${f.digest}`);
  }
  return f;
}

function fromOciLayout(archive: LoadedArchive): ImageToAdd[] {
  const indexFile = lookup(archive, 'index.json');
  if (!indexFile.data) throw new EngineError('invalid-argument', 'invalid archive: index.json is too large');
  const index = parseIndex(indexFile.data);
  const out: ImageToAdd[] = [];
  for (const desc of index.manifests) {
    const manifest = pickManifest(archive, desc);
    if (!manifest) continue;
    const configFile = blobFile(archive, manifest.manifest.config.digest);
    const refs: Reference[] = [];
    const name = desc.annotations?.[ANNOTATION_IMAGE_NAME] ?? desc.annotations?.[ANNOTATION_REF_NAME];
    if (name && !isDigest(name)) {
      try {
        refs.push(withDefaultTag(parseNormalizedNamed(name)));
      } catch {
        // A bare tag in ref.name without a repository names nothing we can store.
      }
    }
    const layers = manifest.manifest.layers.map((l) => blobFile(archive, l.digest));
    out.push({
      config: configFile,
      layers,
      refs,
      manifest: manifest.desc,
      manifestLayers: manifest.manifest.layers,
    });
  }
  return out;
}

function pickManifest(
  archive: LoadedArchive,
  desc: Descriptor,
  depth = 0,
): { desc: Descriptor; manifest: Manifest } | undefined {
  if (depth > 4) throw new EngineError('invalid-argument', 'invalid archive: indexes nested too deep');
  const f = blobFile(archive, desc.digest);
  if (!f.data) throw new EngineError('invalid-argument', `invalid archive: manifest ${desc.digest} is too large`);
  if (isIndexMediaType(desc.mediaType)) {
    const idx: Index = parseIndex(f.data);
    const want = hostPlatform();
    for (const m of idx.manifests) {
      if (m.platform && !platformMatches(want, m.platform)) continue;
      // Attestation manifests (unknown/unknown) are skipped by the platform check above.
      const found = pickManifest(archive, m, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  return { desc, manifest: parseManifest(f.data, desc.mediaType) };
}

async function addImage(
  deps: ImageCreateDeps,
  img: ImageToAdd,
  opts: LoadOptions,
): Promise<{ id: Digest; refs: string[] }> {
  if (!img.config.data) throw new EngineError('invalid-argument', 'invalid archive: image config is too large');
  const config = parseImageConfig(img.config.data);
  const id = img.config.digest;
  const layerDescs: Descriptor[] = [];
  for (let i = 0; i < img.layers.length; i++) {
    const f = img.layers[i]!;
    const known = img.manifestLayers?.[i];
    let mediaType = known?.mediaType;
    if (mediaType === undefined) {
      // manifest.json names no media types: docker load accepts plain and gzip layer tars.
      const c = await sniffCompression(deps.content, f.digest);
      if (c === 'zstd') throw new EngineError('not-implemented', `layer ${f.digest} is zstd-compressed, which is not supported yet`);
      mediaType = c === 'gzip' ? MEDIA_TYPE_DOCKER_LAYER_GZIP : MEDIA_TYPE_DOCKER_LAYER;
    }
    layerDescs.push({ mediaType, digest: f.digest, size: f.size });
  }
  const progress = opts.progress;
  const unpackOpts: Parameters<typeof unpackLayers>[3] = {
    progress: {
      bytes: (i, chainId, n) =>
        progress?.({ status: 'Loading layer', id: shortId(chainId), current: n, total: img.layers[i]?.size ?? 0 }),
      done: (i, chainId) => {
        const total = img.layers[i]?.size ?? 0;
        progress?.({ status: 'Loading layer', id: shortId(chainId), current: total, total });
      },
    },
  };
  if (opts.signal) unpackOpts.signal = opts.signal;
  const layers = await unpackLayers(deps, layerDescs, config.rootfs.diff_ids, unpackOpts);
  const record: ImageRecord = {
    id,
    configSize: img.config.size,
    layers,
    manifests: img.manifest ? [img.manifest] : [],
    created: config.created ?? new Date(0).toISOString(),
    labels: config.config?.Labels ?? {},
    size: layers.reduce((a, l) => a + l.contentSize, 0),
  };
  const existing = deps.images.find(id);
  if (existing) {
    // Same content loaded again: keep what we know (parent, other manifests).
    record.manifests = [...existing.manifests, ...record.manifests.filter((m) => !existing.manifests.some((e) => e.digest === m.digest))];
    if (existing.parent) record.parent = existing.parent;
  }
  const movedFrom = img.refs
    .map((r) => ({ r, old: deps.images.find(familiarString(r)) }))
    .filter((x) => x.old !== undefined && x.old.id !== id);
  await deps.images.add(record, img.refs);
  for (const { r, old } of movedFrom) {
    progress?.({
      stream: `The image ${familiarString(r)} already exists, renaming the old one with ID ${old!.id} to empty string\n`,
    });
  }
  deps.images.publish(id, 'load', id);
  const refs = img.refs.map((r) => familiarString(r));
  if (refs.length === 0) progress?.({ stream: `Loaded image ID: ${id}\n` });
  for (const r of refs) progress?.({ stream: `Loaded image: ${r}\n` });
  return { id, refs };
}
