// `docker pull`: resolve the reference against its registry, pick the platform's manifest,
// download the config and layers (several at once) into the content store, unpack the layers
// in order into snapshots, then record the image with its tag and digest reference.
//
// Order and why:
//   1. The manifest (and the index before it) comes first: it names everything else.
//   2. The config comes next, before any layer: its diff IDs say which layers are already
//      unpacked here ("Already exists") and are needed to unpack the others.
//   3. Layers download in parallel (max-concurrent-downloads, 3 by default); each streams
//      through the ingest, whose commit checks size and digest. A layer whose download stops
//      (client gone, registry error) keeps its ingest under `pull-<digest>`; the next pull of
//      it asks the registry for the rest with a Range request.
//   4. Layer i is unpacked once it is downloaded and layer i-1 is unpacked (a snapshot needs
//      its parent), so unpacking overlaps the downloads still running.
//   5. The image record appears last, in one write; a failure before leaves only unreferenced
//      blobs and snapshots, which the garbage collector removes.

import type { ContentStore } from '../../content/content-store.js';
import { type Digest, chainIds, sha256Digest, shortId } from '../../core/digest.js';
import { EngineError, errorMessage, kindOf } from '../../core/errors.js';
import type { ProgressSink } from '../../core/progress.js';
import {
  type Reference,
  familiarName,
  familiarString,
  trimNamed,
  withDefaultTag,
  withDigest,
  withTag,
} from '../../core/reference.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { type ImageConfig, type Manifest, parseImageConfig, parseIndex, parseManifest } from '../../oci/image.js';
import { isIndexMediaType, isManifestMediaType } from '../../oci/media-types.js';
import { type Platform, formatPlatform, platformMatches } from '../../oci/platform.js';
import { isSchema1, schema1Refused, selectManifest } from '../../remote/manifest-select.js';
import type { RegistryCredentials } from '../../remote/registry-auth.js';
import type { RegistryClient, Repository } from '../../remote/registry-client.js';
import { RegistryError } from '../../remote/registry-error.js';
import type { ImageCreateDeps } from './image-loader.js';
import type { ImageRecord, LayerRecord } from './image-record.js';
import { labelSource } from './image-pusher.js';
import { BatchedWriter, hasBlob, putBlob } from './ingest.js';
import { committedSizes, unpackLayers } from './unpacker.js';

export interface PullDeps extends ImageCreateDeps {
  registry: RegistryClient;
  maxConcurrentDownloads: number;
}

export interface PullOptions {
  /** The platform to take from an index: `--platform`, else the daemon's (linux/amd64 here). */
  platform: Platform;
  /** Set when the client named the platform: a single-platform image must then match it. */
  platformRequested?: boolean;
  /** Pull every tag of the repository (`pull -a`); the reference must then be a bare name. */
  allTags?: boolean;
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  progress?: ProgressSink;
}

export interface PullResult {
  /** The images pulled, by the reference they were pulled as. */
  images: { ref: string; id: Digest }[];
}

const INGEST_PREFIX = 'pull-';

export async function pullImage(deps: PullDeps, ref: Reference, opts: PullOptions): Promise<PullResult> {
  const progress = opts.progress ?? (() => undefined);
  return deps.gc.protect(async () => {
    const repo = deps.registry.repository(ref, opts.credentials ? { credentials: opts.credentials } : {});
    try {
      if (!opts.allTags) {
        const target = withDefaultTag(ref);
        const r = await pullOne(deps, repo, target, opts, progress);
        progress({ status: `Digest: ${r.digest}` });
        progress({ status: `Status: ${r.updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(target)}` });
        return { images: [{ ref: familiarString(target), id: r.id }] };
      }
      const tags = await repo.listTags(opts.signal);
      const out: PullResult = { images: [] };
      let updated = false;
      for (const tag of tags) {
        const target = withTag(trimNamed(ref), tag);
        const r = await pullOne(deps, repo, target, opts, progress);
        progress({ status: `Digest: ${r.digest}` });
        updated ||= r.updated;
        out.images.push({ ref: familiarString(target), id: r.id });
      }
      progress({ status: `Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}` });
      return out;
    } catch (err) {
      throw pullError(err, ref);
    }
  });
}

/** dockerd's words for a pull that the registry refused (moby distribution/errors.go). */
function pullError(err: unknown, ref: Reference): unknown {
  if (!(err instanceof RegistryError)) return err;
  const name = familiarName(ref);
  if (err.status === 401 || err.has('NAME_UNKNOWN') || err.has('DENIED') || err.has('UNAUTHORIZED')) {
    return new EngineError('not-found', `pull access denied for ${name}, repository does not exist or may require 'docker login': ${err.message}`);
  }
  if (err.has('MANIFEST_UNKNOWN') || (err.status === 404 && /^manifest /.test(err.message))) {
    const what = familiarString(withDefaultTag(ref));
    return new EngineError('not-found', `manifest for ${what} not found: ${err.message}`);
  }
  return err;
}

interface OneResult {
  id: Digest;
  digest: Digest;
  updated: boolean;
}

async function pullOne(
  deps: PullDeps,
  repo: Repository,
  target: Reference,
  opts: PullOptions,
  progress: ProgressSink,
): Promise<OneResult> {
  const signal = opts.signal;
  const tagOrDigest = target.digest ?? target.tag ?? 'latest';

  // 1. The manifest, through the index when there is one. Both come before the first message,
  // so that "not found" and "no matching manifest" are the response's status, not in-band.
  const top = await repo.getManifest(tagOrDigest, signal);
  let manifestDesc = top.descriptor;
  let manifestBytes = top.bytes;
  if (isSchema1(manifestDesc.mediaType)) throw schema1Refused(familiarString(target));
  if (isIndexMediaType(manifestDesc.mediaType)) {
    const chosen = selectManifest(parseIndex(manifestBytes, manifestDesc.mediaType), opts.platform);
    const m = await repo.getManifest(chosen.digest, signal);
    manifestDesc = m.descriptor;
    manifestBytes = m.bytes;
  }
  if (isSchema1(manifestDesc.mediaType)) throw schema1Refused(familiarString(target));
  if (!isManifestMediaType(manifestDesc.mediaType)) {
    throw new EngineError('invalid-argument', `unsupported manifest media type ${manifestDesc.mediaType} for ${familiarString(target)}`);
  }
  const manifest: Manifest = parseManifest(manifestBytes, manifestDesc.mediaType);
  progress({ status: `Pulling from ${target.path}`, id: tagOrDigest });

  // 2. The config.
  const configBytes = await fetchSmallBlob(repo, manifest.config, signal);
  const config: ImageConfig = parseImageConfig(configBytes);
  if (opts.platformRequested && config.os) {
    // A single-platform image for another platform than the one asked for: dockerd's refusal.
    // Without --platform it is pulled as it is, as dockerd does.
    const actual = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
    if (!platformMatches(opts.platform, actual)) {
      throw new EngineError(
        'not-found',
        `image with reference ${familiarString(target)} was found but its platform (${formatPlatform(actual)}) does not match the specified platform (${formatPlatform(opts.platform)})`,
      );
    }
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new EngineError('invalid-argument', `invalid image: ${manifest.layers.length} layers but ${diffIds.length} diff IDs in the config`);
  }
  const id = await putBlob(deps.content, configBytes);
  const before = deps.images.find(familiarString(target));

  // 3 and 4. Layers: download in parallel, unpack in order.
  const records = await pullLayers(deps, repo, manifest.layers, diffIds, opts, progress);

  await putBlob(deps.content, manifestBytes);
  if (top.descriptor.digest !== manifestDesc.digest) await putBlob(deps.content, top.bytes);
  const record: ImageRecord = {
    id,
    configSize: configBytes.length,
    layers: records,
    manifests: [manifestDesc],
    created: config.created ?? new Date(0).toISOString(),
    labels: config.config?.Labels ?? {},
    size: records.reduce((a, l) => a + l.contentSize, 0),
  };
  const existing = deps.images.find(id);
  if (existing) {
    record.manifests = [...existing.manifests.filter((m) => m.digest !== manifestDesc.digest), manifestDesc];
    if (existing.parent) record.parent = existing.parent;
  }
  // RepoDigests name what was pulled: the index when there was one (as dockerd does).
  const refs = [withDigest(trimNamed(target), top.descriptor.digest)];
  if (!target.digest) refs.unshift(target);
  await deps.images.add(record, refs);
  deps.images.publish(id, 'pull', familiarString(target));
  return { id, digest: top.descriptor.digest, updated: before?.id !== id };
}

async function fetchSmallBlob(repo: Repository, desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  const got = await repo.fetchBlob(desc, signal ? { signal } : {});
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of got.body as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > desc.size) {
      got.body.destroy();
      break;
    }
    chunks.push(c);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== desc.size || sha256Digest(bytes) !== desc.digest) {
    throw new EngineError('data-loss', `failed to verify ${desc.digest}: the registry sent other content`);
  }
  return bytes;
}

type LayerState = { kind: 'exists' } | { kind: 'download'; done: Promise<void> };

async function pullLayers(
  deps: PullDeps,
  repo: Repository,
  layers: readonly Descriptor[],
  diffIds: readonly Digest[],
  opts: PullOptions,
  progress: ProgressSink,
): Promise<LayerRecord[]> {
  const chains = chainIds(diffIds);
  const signal = opts.signal;
  const ids = layers.map((l) => shortId(l.digest));
  // Layers unpacked here already need nothing; the first missing one and all after it do.
  const unpacked: boolean[] = [];
  for (let i = 0; i < layers.length; i++) {
    const previousOk = i === 0 || unpacked[i - 1] === true;
    unpacked.push(previousOk && (await committedSizes(deps.snapshotter, chains[i]!)) !== undefined);
  }
  for (let i = 0; i < layers.length; i++) {
    progress({ status: unpacked[i] ? 'Already exists' : 'Pulling fs layer', id: ids[i]! });
  }
  const limit = new Semaphore(Math.max(1, deps.maxConcurrentDownloads));
  // Downloads of every missing layer start at once and queue on the limit ("Waiting").
  const downloadController = new AbortController();
  const onAbort = (): void => downloadController.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const states: LayerState[] = layers.map((desc, i) => {
    if (unpacked[i]) return { kind: 'exists' };
    const done = (async () => {
      if (!limit.free()) progress({ status: 'Waiting', id: ids[i]! });
      await limit.run(() => downloadLayer(deps.content, repo, desc, ids[i]!, progress, downloadController.signal));
    })();
    // Failures are reported where the unpack loop awaits them; don't let one go unhandled.
    done.catch(() => undefined);
    return { kind: 'download', done };
  });
  try {
    for (let i = 0; i < layers.length; i++) {
      const s = states[i]!;
      if (s.kind === 'exists') continue;
      await s.done;
      signal?.throwIfAborted();
      const unpackOpts: Parameters<typeof unpackLayers>[3] = {
        progress: {
          // Bytes of the blob read by the applier, against its size, as dockerd counts them.
          read: (j, _c, n) => {
            if (j === i) progress({ status: 'Extracting', id: ids[i]!, current: n, total: layers[i]!.size });
          },
        },
      };
      if (signal) unpackOpts.signal = signal;
      await unpackLayers(deps, layers.slice(0, i + 1), diffIds.slice(0, i + 1), unpackOpts);
      progress({ status: 'Pull complete', id: ids[i]! });
    }
    return await unpackLayers(deps, layers, diffIds, signal ? { signal } : {});
  } catch (err) {
    // Stop the other downloads; each keeps its ingest for the next attempt.
    downloadController.abort(err);
    await Promise.allSettled(states.map((s) => (s.kind === 'download' ? s.done : undefined)));
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Downloads one blob into the content store, resuming an earlier partial download of it.
 * On failure the ingest stays (closed, not aborted) unless its content is known to be wrong.
 */
async function downloadLayer(
  content: ContentStore,
  repo: Repository,
  desc: Descriptor,
  id: string,
  progress: ProgressSink,
  signal: AbortSignal,
): Promise<void> {
  if (await hasBlob(content, desc.digest)) {
    progress({ status: 'Download complete', id });
    return;
  }
  const ref = `${INGEST_PREFIX}${desc.digest}`;
  const w = await openWriter(content, ref, desc, signal);
  if (w === 'present') {
    progress({ status: 'Download complete', id });
    return;
  }
  let offset = (await w.status()).offset;
  let closed = false;
  // What is pending is written before the writer closes on a failure, so that a resumed
  // download starts after every byte that arrived.
  const batches = new BatchedWriter(w);
  const flush = async (): Promise<void> => {
    offset += await batches.flush();
  };
  try {
    if (offset > desc.size) throw new EngineError('data-loss', `partial download of ${desc.digest} is larger than the blob`);
    if (offset < desc.size) {
      const got = await repo.fetchBlob(desc, { offset, signal });
      if (got.offset !== offset) {
        // The registry ignored the Range: start over.
        got.body.destroy();
        await w.close();
        closed = true;
        await content.abort(ref);
        return downloadLayer(content, repo, desc, id, progress, signal);
      }
      // A resumed download shows where it starts; a new one shows its first batch.
      if (offset > 0) progress({ status: 'Downloading', id, current: offset, total: desc.size });
      for await (const chunk of got.body as AsyncIterable<Buffer>) {
        if (offset + batches.pendingBytes + chunk.length > desc.size) {
          throw new EngineError('data-loss', `registry sent more than ${desc.size} bytes for ${desc.digest}`);
        }
        const before = batches.pendingBytes;
        if (await batches.add(chunk)) {
          offset += before + chunk.length;
          progress({ status: 'Downloading', id, current: offset, total: desc.size });
        }
      }
      const rest = batches.pendingBytes;
      await flush();
      if (rest > 0) progress({ status: 'Downloading', id, current: offset, total: desc.size });
      if (offset < desc.size) throw new EngineError('unavailable', `unexpected EOF downloading ${desc.digest}`);
    }
    progress({ status: 'Verifying Checksum', id });
    closed = true; // commit removes the ingest whatever happens
    try {
      await w.commit({ size: desc.size, expected: desc.digest });
    } catch (err) {
      if (kindOf(err) !== 'already-exists') {
        throw new EngineError('data-loss', `filesystem layer verification failed for digest ${desc.digest}`, { cause: err });
      }
    }
    await labelSource(content, desc.digest, repo);
    progress({ status: 'Download complete', id });
  } catch (err) {
    if (!closed) {
      if (kindOf(err) === 'data-loss') {
        await content.abort(ref).catch(() => undefined);
      } else {
        await flush().catch(() => undefined);
        await w.close().catch(() => undefined);
      }
    }
    if (signal.aborted) throw err;
    if (err instanceof EngineError) throw err;
    throw new EngineError('unavailable', `error pulling ${desc.digest}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The ingest's writer; another pull of the same blob holds it: wait for that one. */
async function openWriter(
  content: ContentStore,
  ref: string,
  desc: Descriptor,
  signal: AbortSignal,
): Promise<Awaited<ReturnType<ContentStore['writer']>> | 'present'> {
  for (;;) {
    try {
      return await content.writer(ref, { expected: desc });
    } catch (err) {
      if (kindOf(err) !== 'unavailable') throw err;
    }
    signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, 100));
    if (await hasBlob(content, desc.digest)) return 'present';
  }
}

class Semaphore {
  #active = 0;
  readonly #waiters: (() => void)[] = [];
  constructor(private readonly max: number) {}

  free(): boolean {
    return this.#active < this.max;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.max) await new Promise<void>((r) => this.#waiters.push(r));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#waiters.shift()?.();
    }
  }
}
