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
import type { PullOptions, PullResult } from '../engine/images/image-puller.js';
import type { PushOptions } from '../engine/images/image-pusher.js';
import type { RegistryCredentials, SaveHandle } from '../engine/images/image-transfer.js';
import type { Reference } from '../core/reference.js';
import type { SystemInfo, VersionInfo } from '../engine/system/system-service.js';
import type { Filters } from '../core/filters.js';
import type { AttachSession } from '../engine/containers/attach-session.js';
import type {
  AttachOptions,
  LogEntry,
  LogsOptions,
  StatsSample,
  TopResult,
  WaitCondition,
  WaitResult,
} from '../engine/containers/container-io.js';
import type { ContainerRecord } from '../engine/containers/container-record.js';
import type { Change, ContainerCommitOptions, ExtractOptions, PathStat } from '../engine/containers/container-filesystem.js';
import type {
  CreateResult,
  RemoveOptions,
  StopOptions,
  UpdateRequest,
} from '../engine/containers/container-service.js';
import type { ExecConfig, ExecInstance, ExecStartOptions, ExecStarted } from '../engine/containers/exec-service.js';
import type { CreateRequest, EndpointRequest } from '../engine/containers/spec/container-spec.js';
import type { NetworkCreateRequest } from '../engine/networks/network-service.js';
import type { NetworkRecord } from '../engine/networks/network-store.js';
import type { VolumeCreateRequest, VolumeDetails, VolumeUsage } from '../engine/volumes/volume-service.js';

export interface SystemBackend {
  info(): SystemInfo;
  version(): VersionInfo;
}

export interface EventsBackend {
  recent(since?: bigint, until?: bigint): EngineEvent[];
  subscribe(signal?: AbortSignal): EventSubscription;
}

export interface ImageBackend {
  /** An image by reference or ID, or undefined (for filters that name images). */
  find(refOrId: string): { id: string } | undefined;
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
  pull(ref: Reference, opts: PullOptions): Promise<PullResult>;
  push(name: Reference, opts: PushOptions): Promise<void>;
  login(domain: string, creds: RegistryCredentials, signal?: AbortSignal): Promise<{ identityToken?: string }>;
}

export interface ContainerBackend {
  create(req: CreateRequest): Promise<CreateResult>;
  resolve(ref: string): ContainerRecord;
  list(): ContainerRecord[];
  start(ref: string): Promise<void>;
  stop(ref: string, opts: StopOptions): Promise<void>;
  restart(ref: string, opts: StopOptions): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  remove(ref: string, opts: RemoveOptions): Promise<void>;
  rename(ref: string, name: string): Promise<void>;
  update(ref: string, req: UpdateRequest): Promise<string[]>;
  prune(filters: Filters): Promise<{ deleted: string[]; spaceReclaimed: number }>;
  connect(ref: string, network: string, endpoint: EndpointRequest): Promise<void>;
  /** The writable layer's size and the whole root filesystem's (image included), in bytes. */
  sizes(rec: ContainerRecord): Promise<{ sizeRw: number; sizeRootFs: number }>;
  disconnect(ref: string, network: string): Promise<void>;
}

export interface NetworkBackend {
  list(filters: Filters): NetworkRecord[];
  resolve(ref: string): NetworkRecord;
  /** The containers connected to the network. */
  attached(n: NetworkRecord): ContainerRecord[];
  create(req: NetworkCreateRequest): Promise<{ id: string; warning: string }>;
  remove(ref: string): Promise<void>;
  prune(filters: Filters): Promise<string[]>;
}

export interface VolumeBackend {
  list(filters: Filters): VolumeDetails[];
  inspect(name: string): VolumeDetails;
  create(req: VolumeCreateRequest): Promise<VolumeDetails>;
  remove(name: string, opts: { force?: boolean }): Promise<void>;
  prune(filters: Filters, opts: { all: boolean }): Promise<{ deleted: string[]; spaceReclaimed: number }>;
  diskUsage(): Promise<VolumeUsage[]>;
}

export interface ContainerIoBackend {
  attach(ref: string, opts: AttachOptions): Promise<AttachSession>;
  logs(ref: string, opts: LogsOptions): { tty: boolean; entries: AsyncIterable<LogEntry> };
  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<WaitResult>;
  resize(ref: string, size: { rows: number; cols: number }): Promise<void>;
  top(ref: string, psArgs?: string): Promise<TopResult>;
  stats(ref: string): Promise<StatsSample | undefined>;
}

/** Files in and out of containers: cp's archive endpoints, diff, export, commit. */
export interface ContainerFilesBackend {
  stat(ref: string, path: string): Promise<PathStat>;
  /** Calls `start` with the stat and the tar before the first byte; settles when it is all sent. */
  archive(ref: string, path: string, start: (stat: PathStat, tar: Readable) => void): Promise<void>;
  extract(ref: string, path: string, input: Readable, opts: ExtractOptions): Promise<void>;
  export(ref: string, start: (tar: Readable) => void): Promise<void>;
  changes(ref: string): Promise<Change[]>;
  commit(ref: string, opts: ContainerCommitOptions): Promise<string>;
}

export interface ExecBackend {
  create(ref: string, config: ExecConfig): string;
  get(id: string): ExecInstance;
  /** Throws what moby answers before hijacking (no such exec, not running, paused). */
  checkStart(id: string): ExecInstance;
  idsOf(containerId: string): string[];
  start(id: string, opts: ExecStartOptions): Promise<ExecStarted>;
  resize(id: string, size: { rows: number; cols: number }): Promise<void>;
}

export interface Backends {
  system: SystemBackend;
  events: EventsBackend;
  images: ImageBackend;
  imageTransfer: ImageTransferBackend;
  containers: ContainerBackend;
  containerIo: ContainerIoBackend;
  containerFiles: ContainerFilesBackend;
  exec: ExecBackend;
  networks: NetworkBackend;
  volumes: VolumeBackend;
}
