// The composition of the engine's stores and services for one data root. cmd/daemon.ts
// reads the configuration and calls openEngine(); nothing here reads flags or environment.

import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { LocalContentStore } from '../content/local/local-content-store.js';
import { EngineError } from '../core/errors.js';
import { applyLayer } from '../diff/apply-layer.js';
import { ConmonTaskService } from '../runtime/conmon-task-service.js';
import { boundingCapabilities, kernelVersion, thermalThrottlePaths } from '../runtime/host.js';
import { readLog } from '../runtime/k8s-file-log.js';
import { RegistryClient } from '../remote/registry-client.js';
import { NativeSnapshotter } from '../snapshots/native/native-snapshotter.js';
import { OverlaySnapshotter } from '../snapshots/overlay/overlay-snapshotter.js';
import { type Snapshotter, isSnapshotCleaner } from '../snapshots/snapshotter.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { EventBus } from './events/event-bus.js';
import { GarbageCollector, type GcRoots } from './gc/garbage-collector.js';
import { ImageService } from './images/image-service.js';
import { ImageStore } from './images/image-store.js';
import { IdleCollector } from '../util/idle-collector.js';
import { ImageTransfer } from './images/image-transfer.js';
import { ContainerFilesystem } from './containers/container-filesystem.js';
import { ContainerIo, type LogEntry, type LogReader } from './containers/container-io.js';
import { ContainerService } from './containers/container-service.js';
import { ContainerStore } from './containers/container-store.js';
import { ExecService } from './containers/exec-service.js';
import { KNOWN_CAPABILITIES } from './containers/spec/capabilities.js';
import { LABEL_SIZE } from './images/unpacker.js';
import { NetworkService } from './networks/network-service.js';
import { NetworkStore } from './networks/network-store.js';
import { VolumeService } from './volumes/volume-service.js';
import { VolumeStore } from './volumes/volume-store.js';
import { LocalDriver } from '../volume/local-driver.js';
import { type AddressPoolSpec, DEFAULT_ADDRESS_POOLS } from '../network/ipam.js';
import { type EngineSettings, SystemService, engineId, readHostFacts } from './system/system-service.js';

/** Storage drivers by the names Docker users know; `overlay` and `native` are accepted too. */
export type StorageDriver = 'overlay2' | 'vfs';

export interface EngineOptions extends Omit<EngineSettings, 'storageDriver'> {
  /** Layers downloaded at once by a pull (daemon.json `max-concurrent-downloads`). */
  maxConcurrentDownloads?: number;
  /** Layers uploaded at once by a push (daemon.json `max-concurrent-uploads`). */
  maxConcurrentUploads?: number;
  /** undefined: overlay2 when the kernel supports it here, else vfs. */
  storageDriver?: string;
  /** Parent cgroup of every container. */
  cgroupParent: string;
  network: NetworkOptions;
}

export interface NetworkOptions {
  /** The default bridge's interface name (dockerd's --bridge); default berth0. */
  bridge?: string;
  /** The default bridge's address and subnet (dockerd's --bip). */
  bip?: string;
  /** Pools user networks take subnets from; empty: dockerd's defaults. */
  defaultAddressPools: AddressPoolSpec[];
  /** Upstream resolvers of the networks' DNS servers; empty: the host's. */
  dns: string[];
}

export interface Engine {
  readonly settings: EngineSettings;
  readonly events: EventBus;
  readonly images: ImageService;
  readonly imageTransfer: ImageTransfer;
  readonly system: SystemService;
  readonly containers: ContainerService;
  readonly containerIo: ContainerIo;
  readonly containerFiles: ContainerFilesystem;
  readonly exec: ExecService;
  readonly networks: NetworkService;
  readonly volumes: VolumeService;
  close(): Promise<void>;
}

/**
 * Ingests of operations that cannot resume (they read a request body once, or, for push,
 * compress to a name of their own). Pull ingests (`pull-<digest>`) are kept: a pull resumes them.
 */
const ONE_SHOT_INGEST = /^(load|import|put|push)-/;
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
  const containerStore = await ContainerStore.open(join(root, 'containers'));
  const networkStore = await NetworkStore.open(join(root, 'networks'));
  // Docker's layout: <data-root>/volumes/<name>/_data.
  const volumeStore = await VolumeStore.open(join(root, 'volumes'));

  const imageRoots: GcRoots = {
    *blobs() {
      for (const rec of imageStore.list()) {
        yield rec.id;
        for (const m of rec.manifests) yield m.digest;
        for (const l of rec.layers) {
          if (l.blob) yield l.blob.digest;
          if (l.compressed) yield l.compressed.digest;
        }
      }
    },
    *snapshots() {
      for (const rec of imageStore.list()) {
        const top = rec.layers[rec.layers.length - 1];
        if (top) yield top.chainId;
      }
    },
  };
  const containerRoots: GcRoots = {
    *blobs() {},
    *snapshots() {
      for (const rec of containerStore.list()) yield rec.snapshotKey;
    },
  };
  const gc = new GarbageCollector(content, snapshotter, [imageRoots, containerRoots], log.child({ module: 'gc' }), LABEL_SIZE);
  const events = new EventBus();
  const images = new ImageService(imageStore, content, events, gc);
  const registry = new RegistryClient({
    insecureRegistries: opts.insecureRegistries,
    registryMirrors: opts.registryMirrors,
    userAgent: `berth/${opts.version} go/none os/linux arch/${ociArch()}`,
  });
  const imageTransfer = new ImageTransfer(
    { content, snapshotter, applyLayer, images, gc },
    {
      registry,
      maxConcurrentDownloads: opts.maxConcurrentDownloads ?? 3,
      maxConcurrentUploads: opts.maxConcurrentUploads ?? 5,
    },
    // `gc` exists when berthd runs with --expose-gc (its shebang); tests and tools run without.
    new IdleCollector((globalThis as { gc?: () => void }).gc),
  );

  const tasks = new ConmonTaskService({
    stateDir: join(opts.execRoot, 'tasks'),
    runcRoot: join(opts.execRoot, 'runtimes'),
    runtimes: opts.runtimes,
    defaultRuntime: opts.defaultRuntime,
    log: log.child({ module: 'runtime' }),
  });
  const host = await readHostFacts(root);
  const bridgeName = opts.network.bridge ?? 'berth0';
  const networks = new NetworkService(
    networkStore,
    {
      execRoot: opts.execRoot,
      bridgeName,
      ...(opts.network.bip ? { bip: opts.network.bip } : {}),
      addressPools: opts.network.defaultAddressPools.length > 0 ? opts.network.defaultAddressPools : DEFAULT_ADDRESS_POOLS,
      // Daemons side by side (tests) each need their own bridge, so the table follows it.
      firewallTable: bridgeName === 'berth0' ? 'berth' : `berth-${bridgeName}`,
      dns: opts.network.dns,
    },
    events,
    log.child({ module: 'network' }),
  );
  networks.setContainers(containerStore);
  await networks.init();
  const volumes = new VolumeService(volumeStore, new Map([['local', new LocalDriver(volumeStore.root)]]), events, log.child({ module: 'volumes' }));
  volumes.setContainers(containerStore);
  const containers = new ContainerService({
    store: containerStore,
    images,
    snapshotter,
    tasks,
    events,
    networks,
    volumes,
    log: log.child({ module: 'containers' }),
    settings: {
      defaultRuntime: opts.defaultRuntime,
      cgroupParent: opts.cgroupParent,
      ...(await findInit(opts.initBinary)),
      ncpu: host.ncpu,
      memTotal: host.memTotal,
      arch: ociArch(),
      cgroupVersion: host.cgroupVersion === '2' ? 2 : 1,
      maxHardLimits: await hardLimits(),
      availableCapabilities: await boundingCapabilities(KNOWN_CAPABILITIES),
      kernel: kernelVersion(),
      extraMaskedPaths: await thermalThrottlePaths(),
    },
  });
  images.setUsers(containers);
  const containerIo = new ContainerIo(containers, readContainerLog);
  const exec = new ExecService(containers);
  const containerFiles = new ContainerFilesystem({
    containers,
    applyLayer,
    commitImage: (parentId, layer, o) => imageTransfer.commit(parentId, layer, o),
  });

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

  await containers.restore();
  await networks.restore();

  const id = await engineId(root);
  const system = new SystemService(id, host, settings, () => {
    const all = containerStore.list();
    const running = all.filter((c) => c.state.status === 'running' || c.state.status === 'restarting').length;
    const paused = all.filter((c) => c.state.status === 'paused').length;
    return {
      images: imageStore.list().length,
      containers: all.length,
      containersRunning: running,
      containersPaused: paused,
      containersStopped: all.length - running - paused,
    };
  });

  return {
    settings,
    events,
    images,
    imageTransfer,
    system,
    containers,
    containerIo,
    containerFiles,
    exec,
    networks,
    volumes,
    async close() {
      registry.close();
      await networks.close();
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

/** conmon's log lines come without their newline; Docker's logs carry it (unless partial). */
const readContainerLog: LogReader = (path, opts) => {
  const { stopWhen, ...rest } = opts;
  const entries = readLog(path, { ...rest, ...(stopWhen ? { done: stopWhen } : {}) });
  return (async function* (): AsyncGenerator<LogEntry> {
    try {
      for await (const e of entries) {
        yield { time: e.time, stream: e.stream, line: e.partial ? e.line : Buffer.concat([e.line, NEWLINE]) };
      }
    } catch (err) {
      // A container that never started has no log yet.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  })();
};
const NEWLINE = Buffer.from('\n');

/** The static init for --init: Docker's docker-init is tini; busybox images need a static one. */
async function findInit(configured: string): Promise<{ initPath?: string }> {
  const candidates = configured.startsWith('/') ? [configured] : ['/usr/bin/tini-static', '/usr/bin/catatonit', '/usr/libexec/podman/catatonit'];
  for (const c of candidates) {
    if (await access(c).then(() => true, () => false)) return { initPath: c };
  }
  return {};
}

function ociArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

/** The daemon's hard rlimits (from /proc/self/limits): containers may not ask for more. */
async function hardLimits(): Promise<Record<string, number>> {
  const names: Record<string, string> = {
    'Max open files': 'nofile',
    'Max processes': 'nproc',
    'Max core file size': 'core',
    'Max locked memory': 'memlock',
    'Max file size': 'fsize',
    'Max stack size': 'stack',
    'Max cpu time': 'cpu',
    'Max data size': 'data',
    'Max address space': 'as',
    'Max file locks': 'locks',
    'Max pending signals': 'sigpending',
    'Max msgqueue size': 'msgqueue',
    'Max nice priority': 'nice',
    'Max realtime priority': 'rtprio',
    'Max resident set': 'rss',
  };
  const out: Record<string, number> = {};
  const text = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    for (const [label, name] of Object.entries(names)) {
      if (!line.startsWith(label)) continue;
      const hard = line.slice(label.length).trim().split(/\s+/)[1];
      out[name] = hard === undefined || hard === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(hard);
    }
  }
  return out;
}
