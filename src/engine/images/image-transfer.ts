// Images in and out of the engine as archives: load, save, import (pull and push join later).
// Kept apart from ImageService, which only catalogues what is already here.

import type { Readable } from 'node:stream';
import type { ImageCreateDeps, LoadOptions, LoadResult } from './image-loader.js';
import { loadImages } from './image-loader.js';
import { prepareSave, saveImages } from './image-exporter.js';
import { type ImportOptions, importImage } from './image-importer.js';
import type { ImageRecord } from './image-record.js';

export interface SaveHandle {
  readonly names: string[];
  stream(opts?: { signal?: AbortSignal }): Readable;
}

export class ImageTransfer {
  constructor(private readonly deps: ImageCreateDeps) {}

  load(input: Readable, opts: LoadOptions = {}): Promise<LoadResult> {
    return loadImages(this.deps, input, opts);
  }

  /** Resolves every name first, so an unknown one fails before any byte is sent. */
  save(names: string[]): SaveHandle {
    const items = prepareSave(this.deps.images, names);
    return {
      names,
      stream: (opts = {}) => saveImages(this.deps.content, this.deps.images, items, opts),
    };
  }

  import(input: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
    return importImage(this.deps, input, opts);
  }
}
