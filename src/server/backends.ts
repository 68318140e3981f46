// What each route file needs from the engine, declared on the server's side (moby's router
// backends). The engine's services satisfy these structurally; tests pass small fakes.

import type { Readable } from 'node:stream';
import type { EngineEvent, EventSubscription } from '../engine/events/event-bus.js';
import type { LoadOptions, LoadResult } from '../engine/images/image-loader.js';
import type { ImportOptions } from '../engine/images/image-importer.js';
import type { ImageRecord } from '../engine/images/image-record.js';
import type {
  ImageDetails,
  ImageDiskUsage,
  ImageHistoryItem,
  ImageListOptions,
  ImagePruneOptions,
  ImagePruneResult,
  ImageRemoveItem,
  ImageRemoveOptions,
  ImageSummary,
} from '../engine/images/image-service.js';
import type { SaveHandle } from '../engine/images/image-transfer.js';
import type { SystemInfo, VersionInfo } from '../engine/system/system-service.js';

export interface SystemBackend {
  info(): SystemInfo;
  version(): VersionInfo;
}

export interface EventsBackend {
  recent(since?: bigint, until?: bigint): EngineEvent[];
  subscribe(signal?: AbortSignal): EventSubscription;
}

export interface ImageBackend {
  list(opts: ImageListOptions): ImageSummary[];
  inspect(refOrId: string): Promise<ImageDetails>;
  history(refOrId: string): Promise<ImageHistoryItem[]>;
  tag(source: string, repo: string, tag?: string): Promise<void>;
  remove(refOrId: string, opts: ImageRemoveOptions): Promise<ImageRemoveItem[]>;
  prune(opts: ImagePruneOptions): Promise<ImagePruneResult>;
  diskUsage(): ImageDiskUsage;
}

export interface ImageTransferBackend {
  load(input: Readable, opts: LoadOptions): Promise<LoadResult>;
  save(names: string[]): Promise<SaveHandle>;
  import(input: Readable, opts: ImportOptions): Promise<ImageRecord>;
}

export interface Backends {
  system: SystemBackend;
  events: EventsBackend;
  images: ImageBackend;
  imageTransfer: ImageTransferBackend;
}
