// Images in and out of the engine: archives (load, save, import) and registries (pull, push,
// login). Kept apart from ImageService, which only catalogues what is already here. The modules
// doing the work load on first use: an idle daemon does not need them (docs/performance.md,
// memory).

import type { Readable } from 'node:stream';
import type { Reference } from '../../core/reference.js';
import type { RegistryCredentials } from '../../remote/registry-auth.js';
import type { RegistryClient } from '../../remote/registry-client.js';
import type { ImageCreateDeps, LoadOptions, LoadResult } from './image-loader.js';
import type { CommitImageOptions } from './image-committer.js';
import type { ImportOptions } from './image-importer.js';
import type { PullOptions, PullResult } from './image-puller.js';
import type { PushOptions } from './image-pusher.js';
import type { ImageRecord } from './image-record.js';
import type { IdleCollector } from '../../util/idle-collector.js';

export type { RegistryCredentials };

export interface SaveHandle {
  readonly names: string[];
  stream(opts?: { signal?: AbortSignal }): Readable;
}

export interface RemoteDeps {
  registry: RegistryClient;
  /** daemon.json `max-concurrent-downloads` (Docker's default 3). */
  maxConcurrentDownloads: number;
  /** daemon.json `max-concurrent-uploads` (Docker's default 5). */
  maxConcurrentUploads: number;
}

/**
 * Loads, imports, pulls, pushes and commits run through `collector` (when given): their
 * garbage is collected once the daemon is quiet again (util/idle-collector.ts).
 */
export class ImageTransfer {
  constructor(
    private readonly deps: ImageCreateDeps,
    private readonly remote: RemoteDeps,
    private readonly collector?: IdleCollector,
  ) {}

  private heavy<T>(fn: () => Promise<T>): Promise<T> {
    return this.collector ? this.collector.around(fn) : fn();
  }

  async load(input: Readable, opts: LoadOptions = {}): Promise<LoadResult> {
    const { loadImages } = await import('./image-loader.js');
    return this.heavy(() => loadImages(this.deps, input, opts));
  }

  /** Resolves every name first, so an unknown one fails before any byte is sent. */
  async save(names: string[]): Promise<SaveHandle> {
    const { prepareSave, saveImages } = await import('./image-exporter.js');
    const items = prepareSave(this.deps.images, names);
    return {
      names,
      stream: (opts = {}) => saveImages(this.deps.content, this.deps.images, items, opts),
    };
  }

  async import(input: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
    const { importImage } = await import('./image-importer.js');
    return this.heavy(() => importImage(this.deps, input, opts));
  }

  async pull(ref: Reference, opts: PullOptions): Promise<PullResult> {
    const { pullImage } = await import('./image-puller.js');
    return this.heavy(() => pullImage({ ...this.deps, ...this.remote }, ref, opts));
  }

  async push(name: Reference, opts: PushOptions = {}): Promise<void> {
    const { pushImage } = await import('./image-pusher.js');
    return this.heavy(() => pushImage({ ...this.deps, ...this.remote }, name, opts));
  }

  /** `POST /auth`: checks the credentials against the registry that serves `domain`. */
  async login(domain: string, creds: RegistryCredentials, signal?: AbortSignal): Promise<{ identityToken?: string }> {
    return this.remote.registry.login(domain, creds, signal);
  }

  /** A new image: the image `parentId` plus one layer (commit). */
  async commit(parentId: string | undefined, layer: Readable, opts: CommitImageOptions): Promise<ImageRecord> {
    const { commitImage } = await import('./image-committer.js');
    const parent = parentId ? this.deps.images.resolve(parentId) : undefined;
    return this.heavy(() => commitImage(this.deps, parent, layer, opts));
  }
}
