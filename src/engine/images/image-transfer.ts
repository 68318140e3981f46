// Images in and out of the engine as archives: load, save, import (pull and push join later).
// Kept apart from ImageService, which only catalogues what is already here. The modules doing
// the work load on first use: an idle daemon does not need them (docs/performance.md, memory).

import type { Readable } from 'node:stream';
import type { ImageCreateDeps, LoadOptions, LoadResult } from './image-loader.js';
import type { CommitImageOptions } from './image-committer.js';
import type { ImportOptions } from './image-importer.js';
import type { ImageRecord } from './image-record.js';

export interface SaveHandle {
  readonly names: string[];
  stream(opts?: { signal?: AbortSignal }): Readable;
}

export class ImageTransfer {
  constructor(private readonly deps: ImageCreateDeps) {}

  async load(input: Readable, opts: LoadOptions = {}): Promise<LoadResult> {
    const { loadImages } = await import('./image-loader.js');
    return loadImages(this.deps, input, opts);
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
    return importImage(this.deps, input, opts);
  }

  /** A new image: the image `parentId` plus one layer (commit). */
  async commit(parentId: string | undefined, layer: Readable, opts: CommitImageOptions): Promise<ImageRecord> {
    const { commitImage } = await import('./image-committer.js');
    const parent = parentId ? this.deps.images.resolve(parentId) : undefined;
    return commitImage(this.deps, parent, layer, opts);
  }
}
