// The composition of the engine's stores and services for one data root. cmd/daemon.ts
// reads the configuration and calls openEngine(); nothing here reads flags or environment.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { LocalContentStore } from '../content/local/local-content-store.js';
import { EngineError } from '../core/errors.js';
import { applyLayer } from '../diff/apply-layer.js';
import { NativeSnapshotter } from '../snapshots/native/native-snapshotter.js';
import { OverlaySnapshotter } from '../snapshots/overlay/overlay-snapshotter.js';
import { type Snapshotter, isSnapshotCleaner } from '../snapshots/snapshotter.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { EventBus } from './events/event-bus.js';
import { GarbageCollector, type GcRoots } from './gc/garbage-collector.js';
import { ImageService } from './images/image-service.js';
import { ImageStore } from './images/image-store.js';
import { ImageTransfer } from './images/image-transfer.js';
import { LABEL_SIZE } from './images/unpacker.js';
import { type EngineSettings, SystemService, engineId, readHostFacts } from './system/system-service.js';

/** Storage drivers by the names Docker users know; `overlay` and `native` are accepted too. */
export type StorageDriver = 'overlay2' | 'vfs';

export interface EngineOptions extends Omit<EngineSettings, 'storageDriver'> {
  /** undefined: overlay2 when the kernel supports it here, else vfs. */
  storageDriver?: string;
}

export interface Engine {
  readonly settings: EngineSettings;
  readonly events: EventBus;
  readonly images: ImageService;
  readonly imageTransfer: ImageTransfer;
  readonly system: SystemService;
  close(): Promise<void>;
}

/** Ingests of operations that cannot resume (they read a request body once). */
const ONE_SHOT_INGEST = /^(load|import|put)-/;
const STALE_INGEST_MS = 24 * 3600 * 1000;

export async function openEngine(opts: EngineOptions, log: Logger): Promise<Engine> {
  const root = opts.dataRoot;
  await mkdir(root, { recursive: true, mode: 0o711 });
  const driver = await chooseDriver(root, opts.storageDriver, log);
  const settings: EngineSettings = { ...opts, storageDriver: driver };

  const content = await LocalContentStore.open(join(root, 'content'));
  const snapshotRoot = join(root, 'snapshots');
  const snapshotter: Snapshotter =
    driver === 'overlay2' ? await OverlaySnapshotter.open(snapshotRoot) : await NativeSnapshotter.open(snapshotRoot);
  const imageStore = await ImageStore.open(join(root, 'images'));

  const imageRoots: GcRoots = {
    *blobs() {
      for (const rec of imageStore.list()) {
        yield rec.id;
        for (const m of rec.manifests) yield m.digest;
        for (const l of rec.layers) if (l.blob) yield l.blob.digest;
      }
    },
    *snapshots() {
      for (const rec of imageStore.list()) {
        const top = rec.layers[rec.layers.length - 1];
        if (top) yield top.chainId;
      }
    },
  };
  const gc = new GarbageCollector(content, snapshotter, [imageRoots], log.child({ module: 'gc' }), LABEL_SIZE);
  const events = new EventBus();
  const images = new ImageService(imageStore, content, events, gc);
  const imageTransfer = new ImageTransfer({ content, snapshotter, applyLayer, images, gc });

  // Start-up reconciliation: what a crash left half-made goes now (see docs/storage.md).
  await content.cleanupIngests(0, (ref) => !ONE_SHOT_INGEST.test(ref));
  await content.cleanupIngests(STALE_INGEST_MS);
  if (isSnapshotCleaner(snapshotter)) await snapshotter.cleanup();
  const collected = await gc.collect();
  if (collected.blobsRemoved.length + collected.snapshotsRemoved.length > 0) {
    log.info(
      { blobs: collected.blobsRemoved.length, snapshots: collected.snapshotsRemoved.length },
      'removed unreferenced content left by an earlier run',
    );
  }

  const id = await engineId(root);
  const host = await readHostFacts(root);
  const system = new SystemService(id, host, settings, () => ({
    images: imageStore.list().length,
    containers: 0,
    containersRunning: 0,
    containersPaused: 0,
    containersStopped: 0,
  }));

  return {
    settings,
    events,
    images,
    imageTransfer,
    system,
    async close() {
      await snapshotter.close();
    },
  };
}

function normaliseDriver(name: string): StorageDriver {
  switch (name) {
    case 'overlay2':
    case 'overlay':
    case 'overlayfs':
      return 'overlay2';
    case 'vfs':
    case 'native':
      return 'vfs';
    default:
      throw new EngineError('invalid-argument', `unsupported storage driver: ${name} (use overlay2 or vfs)`);
  }
}

/**
 * A data root keeps the driver it was made with: its snapshots are that driver's. The choice
 * is recorded in `<root>/storage-driver` on first start.
 */
async function chooseDriver(root: string, wanted: string | undefined, log: Logger): Promise<StorageDriver> {
  const file = join(root, 'storage-driver');
  let recorded: StorageDriver | undefined;
  try {
    recorded = normaliseDriver((await readFile(file, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const requested = wanted ? normaliseDriver(wanted) : undefined;
  if (recorded && requested && recorded !== requested) {
    throw new EngineError(
      'invalid-argument',
      `data root ${root} was created with storage driver ${recorded}; start with --storage-driver ${recorded} or use another --data-root`,
    );
  }
  let driver = recorded ?? requested;
  if (driver === undefined) {
    const check = await OverlaySnapshotter.supported(root);
    driver = check.ok ? 'overlay2' : 'vfs';
    if (!check.ok) log.warn({ reason: check.reason }, 'overlayfs is not usable here; using the vfs (copy) storage driver');
  } else if (driver === 'overlay2' && !recorded) {
    const check = await OverlaySnapshotter.supported(root);
    if (!check.ok) throw new EngineError('invalid-argument', `storage driver overlay2 is not supported here: ${check.reason ?? 'unknown reason'}`);
  }
  if (!recorded) await writeFileAtomic(file, `${driver}\n`);
  return driver;
}
