// The container lifecycle: create, start, stop, kill, restart, pause, remove, rename, update,
// prune, and what happens when a container's process exits (state, events, restart policy,
// --rm). Every public method takes the container's lock, reloads its record and checks the
// move against lifecycle.ts before acting. I/O (attach, logs, wait, exec) is in container-io.ts
// and exec-service.ts; they share the in-memory task slots kept here.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Digest } from '../../core/digest.js';
import { EngineError, conflict, invalidArgument, kindOf, notFound } from '../../core/errors.js';
import type { Filters } from '../../core/filters.js';
import type { Mount } from '../../core/mount.js';
import { parseSignal } from '../../core/signals.js';
import type { ImageConfig } from '../../oci/image.js';
import type { OciMount, OciResources, OciSpec } from '../../oci/runtime-spec.js';
import { deviceNodes, hostDevices } from '../../runtime/host.js';
import { mountAll, mountCount, unmountAll } from '../../runtime/rootfs-mount.js';
import type { Snapshotter } from '../../snapshots/snapshotter.js';
import type { ExitStatus, Task, TaskService } from '../../runtime/task-service.js';
import { KeyedMutex } from '../../util/keyed-mutex.js';
import { parseTimestampOrDuration, unixTimeToMillis } from '../../util/units.js';
import type { EventBus } from '../events/event-bus.js';
import type { ImageService } from '../images/image-service.js';
import type { NetworkService } from '../networks/network-service.js';
import type { VolumeService } from '../volumes/volume-service.js';
import { DeferredAttach } from './attach-session.js';
import { containerFilePaths, writeContainerFiles } from './container-files.js';
import { type ContainerRecord, type HealthState, type NetworkState, ZERO_TIME, initialState } from './container-record.js';
import { HealthMonitor } from './health-monitor.js';
import type { ContainerStore } from './container-store.js';
import { checkMove, isActive } from './lifecycle.js';
import { generateName, validContainerName } from './names.js';
import { decideRestart, restartsAfterReboot } from './restart-policy.js';
import { type LogRotation, watchLogRotation } from './log-rotation.js';
import { readRootfsFile } from './rootfs-files.js';
import type { CreateRequest, EndpointRequest, LogConfig, Resources } from './spec/container-spec.js';
import { planMounts } from './spec/binds.js';
import { buildContainerSpec } from './spec/merge.js';
import { execProcess, ociResources, ociSpecJson, toOciSpec } from './spec/to-oci.js';
import { resolveUser } from './spec/user.js';
import { byDepth, inheritedBindMounts, mountVolumes, populateVolumes, releaseVolumes, resolveVolumes } from './volume-mounts.js';

export interface ContainerSettings {
  defaultRuntime: string;
  /** Parent cgroup of every container (`/berth`), per daemon so tests do not collide. */
  cgroupParent: string;
  /** The `--init` binary (tini), found on the host. */
  initPath?: string;
  ncpu: number;
  memTotal: number;
  /** The host architecture in OCI words (amd64). */
  arch: string;
  /** 1 on v1 and hybrid hosts (containers use the v1 controllers), 2 on unified ones. */
  cgroupVersion: 1 | 2;
  /** Hard rlimits of the daemon: a container may not ask more (no CAP_SYS_RESOURCE here). */
  maxHardLimits: Record<string, number>;
  /** The capabilities berthd holds: all a container can get (--privileged, --cap-add ALL). */
  availableCapabilities?: readonly string[];
  /** The host kernel (major, minor): picks the seccomp profile's conditional rules. */
  kernel?: readonly [number, number];
  /** Host paths dockerd masks besides its fixed list (per-CPU thermal_throttle). */
  extraMaskedPaths?: readonly string[];
}

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageService;
  snapshotter: Snapshotter;
  tasks: TaskService;
  events: EventBus;
  networks: NetworkService;
  volumes: VolumeService;
  log: Logger;
  settings: ContainerSettings;
}

/** In-memory companions of a container: its task, sessions waiting for start, waiters. */
interface Slot {
  task?: Task;
  pendingAttach: Set<DeferredAttach>;
  exitWaiters: Set<(status: ExitStatus) => void>;
  removeWaiters: Set<() => void>;
  restartTimer?: NodeJS.Timeout;
  lastRestartDelayMs: number;
  /** A stop in progress: the exit it causes is a user stop. */
  stopping: boolean;
  /** Rotates the log while the container runs (max-file ≥ 2). */
  logRotation?: LogRotation;
}

export interface CreateResult {
  id: string;
  warnings: string[];
}

export interface StopOptions {
  /** Seconds before SIGKILL; undefined: the container's StopTimeout or 10; -1: wait forever. */
  timeout?: number;
  signal?: string;
}

export interface RemoveOptions {
  force?: boolean;
  /** Remove the container's anonymous volumes too (`-v`, and --rm). */
  volumes?: boolean;
}

export interface UpdateRequest {
  resources: Resources;
  restartPolicy?: CreateRequest['host']['restartPolicy'];
}

export const CONTAINER_LIST_FILTERS = ['id', 'name', 'label', 'label!', 'status', 'ancestor', 'exited', 'before', 'since', 'health', 'network', 'volume', 'publish', 'expose', 'is-task'];
export const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'];

const DEFAULT_STOP_TIMEOUT = 10;

export class ContainerService {
  private readonly lock = new KeyedMutex();
  private readonly slots = new Map<string, Slot>();
  private readonly health: HealthMonitor;

  constructor(private readonly d: ContainerServiceDeps) {
    this.health = new HealthMonitor({
      get: (id) => this.d.store.get(id),
      setHealth: (id, health, changed) => this.setHealth(id, health, changed),
      probeProcess: async (rec, cmd) => {
        const mounts = await this.rootfsMounts(rec);
        const [passwd, group] = await Promise.all([readRootfsFile(mounts, '/etc/passwd'), readRootfsFile(mounts, '/etc/group')]);
        const user = resolveUser(rec.spec.user, rec.spec.host.groupAdd, passwd ?? '', group ?? '');
        return execProcess(
          rec.spec,
          { cmd, env: [], workingDir: '', user: '', tty: false, privileged: false, attachStdin: false, attachStdout: true, attachStderr: true, detachKeys: '' },
          user,
        );
      },
      log: this.d.log.child({ module: 'health' }),
    });
  }

  private async setHealth(id: string, health: HealthState, changed: boolean): Promise<void> {
    await this.lock.run(id, async () => {
      const cur = this.d.store.get(id);
      if (!cur || cur.state.status !== 'running') return;
      const next = { ...cur, state: { ...cur.state, health } };
      await this.d.store.save(next);
      if (changed) this.publish(next, `health_status: ${health.status}`);
    });
  }

  // ---- lookups ---------------------------------------------------------------------------

  resolve(ref: string): ContainerRecord {
    return this.d.store.resolve(ref);
  }

  list(): ContainerRecord[] {
    return this.d.store.list();
  }

  /** Containers created from an image (ImageService asks before removing it). */
  containersUsing(imageId: Digest): { id: string; running: boolean }[] {
    return this.d.store
      .list()
      .filter((r) => r.imageId === imageId)
      .map((r) => ({ id: r.id, running: isActive(r.state.status) }));
  }

  slot(id: string): Slot {
    let s = this.slots.get(id);
    if (!s) {
      s = { pendingAttach: new Set(), exitWaiters: new Set(), removeWaiters: new Set(), lastRestartDelayMs: 0, stopping: false };
      this.slots.set(id, s);
    }
    return s;
  }

  /** The task of a running container (re-adopted after a daemon restart if need be). */
  async task(rec: ContainerRecord): Promise<Task> {
    const s = this.slot(rec.id);
    if (s.task) return s.task;
    s.task = await this.d.tasks.get(rec.id);
    return s.task;
  }

  // ---- create ----------------------------------------------------------------------------

  async create(req: CreateRequest): Promise<CreateResult> {
    // The image first, as moby does: a 404 here makes `docker run` pull and retry.
    const image = this.d.images.resolve(req.image);
    const imageConfig: ImageConfig = await this.d.images.config(image);
    const id = randomBytes(32).toString('hex');
    const name = req.name ? validContainerName(req.name) : generateName((n) => this.d.store.idByName(n) !== undefined);
    this.d.store.reserveName(name, id);
    const dir = this.d.store.dir(id);
    const snapshotKey = `container-${id}`;
    let snapshotMade = false;
    let anonymous: string[] = [];
    try {
      const spec = buildContainerSpec(req, { config: imageConfig }, {
        id,
        ncpu: this.d.settings.ncpu,
        maxHardLimits: this.d.settings.maxHardLimits,
        ...this.execProcessOptions(),
      });
      const warnings: string[] = [];
      const publishes = Object.keys(spec.host.portBindings).length > 0 || spec.host.publishAllPorts;
      // container:<name> modes keep the other container's full ID (it may be renamed).
      if (spec.network.kind === 'container') {
        const other = this.resolve(spec.network.id);
        spec.network = { kind: 'container', id: other.id };
        spec.hostname = other.spec.hostname;
      }
      for (const key of ['ipcMode', 'pidMode'] as const) {
        const mode = spec.host[key];
        if (mode?.startsWith('container:')) spec.host[key] = `container:${this.resolve(mode.slice('container:'.length)).id}`;
      }
      if (spec.network.kind === 'bridge') {
        // Endpoints are kept under the network's name, whatever the request called it by. A
        // network that does not exist (yet) fails the start, not the create, as in dockerd.
        const find = (ref: string): string => this.d.networks.find(ref)?.name ?? ref;
        const endpoints: Record<string, EndpointRequest> = {};
        for (const [ref, ep] of Object.entries({ [spec.network.name]: { aliases: [] }, ...spec.endpoints })) {
          endpoints[find(ref)] = { ...(endpoints[find(ref)] ?? {}), ...ep };
        }
        const primary = this.d.networks.find(spec.network.name);
        spec.network = { kind: 'bridge', name: find(spec.network.name) };
        spec.endpoints = endpoints;
        if (primary && primary.driver !== 'bridge') spec.network = { kind: primary.driver === 'host' ? 'host' : 'none' };
        this.d.networks.checkCreate(spec);
      }
      if (spec.network.kind === 'host' && publishes) warnings.push('Published ports are discarded when using host network mode');
      // Bind sources named by --mount must exist (-v creates them at start, as Docker does).
      for (const src of planMounts(spec.host.binds, spec.host.mounts).requiredSources) {
        if (!(await stat(src).then(() => true, () => false))) {
          throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${src}`);
        }
      }
      const vols = await resolveVolumes(id, spec, this.d.volumes, (ref) => this.resolve(ref));
      anonymous = vols.created;
      const runtime = spec.host.runtime || this.d.settings.defaultRuntime;
      await mkdir(dir, { recursive: true, mode: 0o710 });
      const top = image.layers[image.layers.length - 1]?.chainId;
      await this.d.snapshotter.prepare(snapshotKey, top, { labels: { 'berth.container': id } });
      snapshotMade = true;
      // Empty volumes get the image's content now, as moby does at create; the container's
      // root filesystem is mounted for that alone.
      await populateVolumes(id, vols.mounts, this.d.volumes, {
        mounts: await this.d.snapshotter.mounts(snapshotKey),
        scratch: join(dir, 'copy-up'),
      });
      await writeContainerFiles(dir, spec);
      const rec: ContainerRecord = {
        id,
        name,
        created: new Date().toISOString(),
        imageId: image.id,
        spec,
        state: initialState(),
        snapshotKey,
        runtime,
        ...(vols.mounts.length > 0 ? { volumes: vols.mounts } : {}),
        ...(vols.binds.length > 0 ? { inheritedBinds: vols.binds } : {}),
      };
      await this.d.store.add(rec);
      this.d.volumes.forgetCreating(id);
      this.publish(rec, 'create');
      return { id, warnings };
    } catch (err) {
      this.d.volumes.forgetCreating(id);
      this.d.store.releaseName(name, id);
      for (const v of anonymous) await this.d.volumes.removeAnonymous(v);
      if (snapshotMade) await this.d.snapshotter.remove(snapshotKey).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  // ---- start -----------------------------------------------------------------------------

  async start(ref: string): Promise<void> {
    const id = this.resolve(ref).id;
    let failed: unknown;
    await this.lock.run(id, async () => {
      const rec = this.d.store.resolve(id);
      if (rec.state.status === 'running' || rec.state.status === 'restarting') {
        throw new EngineError('not-modified', 'container already started');
      }
      if (rec.state.status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
      const s = this.slot(id);
      if (s.restartTimer) clearTimeout(s.restartTimer);
      s.restartTimer = undefined;
      try {
        await this.startTask(rec, { byUser: true });
      } catch (err) {
        failed = err;
      }
    });
    if (failed === undefined) return;
    // As moby: a --rm container that cannot start is removed (docker run waits for that).
    if (this.d.store.get(id)?.spec.host.autoRemove) {
      await this.remove(id, { force: true }).catch((err: unknown) => this.d.log.warn({ err, id }, 'cannot remove a --rm container that failed to start'));
    }
    throw failed;
  }

  /** Runs the container's process; the caller holds the lock. */
  private async startTask(rec: ContainerRecord, opts: { byUser: boolean }): Promise<void> {
    checkMove(rec.id, rec.state.status, 'running');
    const s = this.slot(rec.id);
    // A task left from the previous run (exited, not yet deleted) goes first.
    if (s.task) {
      s.task = undefined;
      await this.d.tasks.delete(rec.id).catch(() => undefined);
    }
    let task: Task;
    let network: NetworkState | undefined;
    let volumesMounted = false;
    try {
      const mounts = await this.d.snapshotter.mounts(rec.snapshotKey);
      const bundle = join(this.d.store.dir(rec.id), 'bundle');
      await mkdir(join(bundle, 'rootfs'), { recursive: true });
      const volumeMounts = await mountVolumes(rec, this.d.volumes);
      volumesMounted = true;
      // The namespace exists before the process (runc joins it through the spec); it is made
      // while the spec is built, both being a few milliseconds of waiting on other processes.
      const [net, spec] = await Promise.allSettled([
        this.d.networks.setUp(rec),
        this.ociSpec(rec, mounts, join(bundle, 'rootfs'), volumeMounts, this.d.networks.sandboxPath(rec)),
      ]);
      if (net.status === 'fulfilled') network = net.value?.state;
      if (net.status === 'rejected') {
        const e = net.reason as unknown;
        throw new EngineError(kindOf(e), `${NETWORK_SETUP_FAILED}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (spec.status === 'rejected') throw spec.reason;
      await writeContainerFiles(this.d.store.dir(rec.id), rec.spec, net.value ?? {});
      await writeFile(join(bundle, 'config.json'), ociSpecJson(spec.value));
      task = await this.d.tasks.create({
        id: rec.id,
        bundle,
        rootfs: mounts,
        runtime: rec.runtime,
        io: {
          terminal: rec.spec.tty,
          stdin: rec.spec.openStdin,
          stdinOnce: rec.spec.stdinOnce,
          logPath: this.logPath(rec.id),
          ...monitorLogLimit(rec.spec.host.logConfig),
          ...(rec.spec.host.consoleSize ? { consoleSize: rec.spec.host.consoleSize } : {}),
        },
      });
      s.task = task;
      // Sessions that attached before start see the output from its first byte.
      for (const a of s.pendingAttach) {
        if (a.isClosed) continue;
        await a.connect(await task.attach());
      }
      s.pendingAttach.clear();
      await task.start();
    } catch (err) {
      const message = runtimeErrorMessage(err);
      s.task = undefined;
      await this.d.tasks.delete(rec.id).catch(() => undefined);
      if (network) {
        await this.d.networks.tearDown({ ...rec, state: { ...rec.state, network } }).catch((e: unknown) => this.d.log.warn({ err: e, id: rec.id }, 'cannot clean up the network'));
      }
      if (volumesMounted) await this.releaseVolumes(rec);
      for (const a of s.pendingAttach) a.end();
      s.pendingAttach.clear();
      const failed: ContainerRecord = {
        ...rec,
        state: { ...rec.state, status: rec.state.status === 'created' ? 'created' : 'exited', error: message, exitCode: exitCodeForStartError(message) },
      };
      await this.d.store.save(failed);
      throw new EngineError(kindOf(err) === 'not-found' ? 'invalid-argument' : kindOf(err), message, { cause: err });
    }
    const health = this.health.watch(rec, task);
    const started: ContainerRecord = {
      ...rec,
      state: {
        ...rec.state,
        status: 'running',
        pid: task.pid,
        exitCode: 0,
        error: '',
        oomKilled: false,
        startedAt: new Date().toISOString(),
        finishedAt: ZERO_TIME,
        stoppedByUser: false,
        restartCount: opts.byUser ? 0 : rec.state.restartCount,
        ...(health ? { health } : {}),
        ...(network ? { network } : {}),
      },
    };
    if (!health) delete started.state.health;
    if (!network) delete started.state.network;
    await this.d.store.save(started);
    this.publish(started, 'start');
    this.watchExit(started, task);
  }

  private async ociSpec(rec: ContainerRecord, mounts: Mount[], rootfs: string, volumeMounts: OciMount[], netns?: string): Promise<OciSpec> {
    const [passwd, group] = await Promise.all([readRootfsFile(mounts, '/etc/passwd'), readRootfsFile(mounts, '/etc/group')]);
    const user = resolveUser(rec.spec.user, rec.spec.host.groupAdd, passwd ?? '', group ?? '');
    const net = rec.spec.network;
    // Sharing another container's network means sharing its hostname, hosts and resolv.conf.
    const files = containerFilePaths(this.d.store.dir(net.kind === 'container' ? net.id : rec.id));
    const namespacePaths = this.joinedNamespaces(rec, netns);
    const st = this.d.settings;
    const plan = planMounts(rec.spec.host.binds, rec.spec.host.mounts);
    await Promise.all(plan.createSources.map((src) => mkdir(src, { recursive: true })));
    const devices = Object.fromEntries(
      await Promise.all(rec.spec.host.devices.map(async (m) => [m.pathOnHost, await deviceNodes(m.pathOnHost)] as const)),
    );
    return toOciSpec(rec.spec, {
      id: rec.id,
      user,
      rootfs,
      hostsPath: files.hosts,
      resolvConfPath: files.resolvConf,
      hostnamePath: files.hostname,
      cgroupParent: st.cgroupParent,
      cgroupVersion: st.cgroupVersion,
      arch: st.arch,
      mounts: byDepth([...plan.mounts, ...inheritedBindMounts(rec), ...volumeMounts]),
      devices: Object.fromEntries(Object.entries(devices).map(([p, nodes]) => [p, nodes.map((n) => ({ ...n, pathOnHost: n.path }))])),
      ...(rec.spec.host.privileged ? { hostDevices: (await hostDevices()).map(({ path, type, major, minor, fileMode, uid, gid }) => ({ path, type, major, minor, fileMode, uid, gid })) } : {}),
      ...(st.availableCapabilities ? { availableCapabilities: st.availableCapabilities } : {}),
      ...(st.kernel ? { kernel: st.kernel } : {}),
      ...(st.extraMaskedPaths ? { extraMaskedPaths: st.extraMaskedPaths } : {}),
      ...(rec.spec.host.init && st.initPath ? { initPath: st.initPath } : {}),
      namespacePaths,
    });
  }

  /** Namespaces to join: a bridge network's, and those of containers named by container:<id> modes. */
  private joinedNamespaces(rec: ContainerRecord, netns?: string): { network?: string; ipc?: string; pid?: string } {
    const of = (id: string, what: string, ns: 'net' | 'ipc' | 'pid'): string => {
      const other = this.d.store.get(id);
      if (!other) throw notFound(`No such container: ${id}`);
      if (other.state.status !== 'running' && other.state.status !== 'paused') {
        throw conflict(`cannot join ${what} of a non running container: ${id}`);
      }
      return ns === 'net' && other.state.network ? other.state.network.sandbox : `/proc/${other.state.pid}/ns/${ns}`;
    };
    const out: { network?: string; ipc?: string; pid?: string } = {};
    const net = rec.spec.network;
    if (netns) out.network = netns;
    else if (net.kind === 'container') out.network = of(net.id, 'network', 'net');
    const ipc = rec.spec.host.ipcMode;
    if (ipc.startsWith('container:')) out.ipc = of(ipc.slice('container:'.length), 'IPC', 'ipc');
    const pid = rec.spec.host.pidMode ?? '';
    if (pid.startsWith('container:')) out.pid = of(pid.slice('container:'.length), 'PID', 'pid');
    return out;
  }

  /** What exec processes and create-time checks need to know of the host. */
  execProcessOptions(): { availableCapabilities?: readonly string[] } {
    const caps = this.d.settings.availableCapabilities;
    return caps ? { availableCapabilities: caps } : {};
  }

  /**
   * Docker's two sizes: the writable layer's bytes (`SizeRw`) and the whole root filesystem,
   * image included (`SizeRootFs`); for `ps -s`, `inspect --size` and `system df`.
   */
  async sizes(rec: ContainerRecord): Promise<{ sizeRw: number; sizeRootFs: number }> {
    const rw = (await this.d.snapshotter.usage(rec.snapshotKey).catch(() => ({ size: 0 }))).size;
    return { sizeRw: rw, sizeRootFs: rw + (this.d.images.find(rec.imageId)?.size ?? 0) };
  }

  /** The mounts that show the container's root filesystem. */
  rootfsMounts(rec: ContainerRecord): Promise<Mount[]> {
    return this.d.snapshotter.mounts(rec.snapshotKey);
  }

  /**
   * Runs `fn` under the container's lock with its root filesystem mounted: the running
   * container's own mount (`bundle/rootfs`, which holds no bind mounts: those live in the
   * container's mount namespace), or, for a created or stopped one, a temporary mount of its
   * snapshot that is removed afterwards. Holding the lock keeps the container from starting or
   * being cleaned up meanwhile. `pause` freezes a running container for the duration.
   */
  async withRootfs<T>(ref: string, fn: (root: string, rec: ContainerRecord) => Promise<T>, opts: { pause?: boolean } = {}): Promise<T> {
    const { id } = this.resolve(ref);
    return this.lock.run(id, async () => {
      const rec = this.d.store.resolve(id);
      const own = join(this.d.store.dir(id), 'bundle', 'rootfs');
      if ((await mountCount(own)) > 0) {
        const task = opts.pause && rec.state.status === 'running' ? await this.task(rec) : undefined;
        if (task) await task.pause();
        try {
          return await fn(own, rec);
        } finally {
          if (task) await task.resume().catch((err: unknown) => this.d.log.warn({ err, id }, 'cannot resume a container'));
        }
      }
      const tmp = await mkdtemp(join(this.d.store.dir(id), 'rootfs-'));
      try {
        await mountAll(await this.d.snapshotter.mounts(rec.snapshotKey), tmp);
        try {
          return await fn(tmp, rec);
        } finally {
          await unmountAll(tmp);
        }
      } finally {
        // rmdir, never a recursive remove: a mount that failed to go must keep its contents.
        await rmdir(tmp).catch((err: unknown) => this.d.log.warn({ err, id }, 'cannot remove a temporary rootfs mount point'));
      }
    });
  }

  logPath(id: string): string {
    return join(this.d.store.dir(id), 'container.log');
  }

  /** The container no longer uses its volumes (a tmpfs volume's last user unmounts it). */
  private async releaseVolumes(rec: ContainerRecord): Promise<void> {
    await releaseVolumes(rec, this.d.volumes).catch((err: unknown) => this.d.log.warn({ err, id: rec.id }, 'cannot release the volumes'));
  }

  // ---- exits -----------------------------------------------------------------------------

  /** Waits for the task's exit in the background and records it. */
  private watchExit(rec: ContainerRecord, task: Task): void {
    this.watchLogSize(rec);
    task
      .wait()
      .then((status) => this.onExit(rec.id, task, status))
      .catch((err: unknown) => this.d.log.error({ err, id: rec.id }, 'waiting for a container failed'));
  }

  /** With max-file ≥ 2 the engine rotates the log; with 1 the monitor does (monitorLogLimit). */
  private watchLogSize(rec: ContainerRecord): void {
    const { maxSize, maxFile } = rec.spec.host.logConfig;
    if (maxSize === undefined || maxFile === undefined || maxFile < 2) return;
    const s = this.slot(rec.id);
    s.logRotation?.close();
    s.logRotation = watchLogRotation(this.logPath(rec.id), { maxSize, maxFiles: maxFile }, () => this.d.tasks.reopenLog(rec.id), this.d.log);
  }

  private async onExit(id: string, task: Task, status: ExitStatus): Promise<void> {
    let removeAfter = false;
    let restartDelay: number | undefined;
    await this.lock.run(id, async () => {
      const rec = this.d.store.get(id);
      const s = this.slot(id);
      if (!rec || s.task !== task) return; // removed, or already restarted
      this.health.stop(id);
      s.logRotation?.close();
      s.logRotation = undefined;
      const ranForMs = rec.state.startedAt ? status.exitedAt.getTime() - new Date(rec.state.startedAt).getTime() : 0;
      const stoppedByUser = rec.state.stoppedByUser || s.stopping;
      const exited: ContainerRecord = {
        ...rec,
        state: {
          ...rec.state,
          status: 'exited',
          pid: 0,
          exitCode: status.exitCode,
          oomKilled: status.oomKilled,
          finishedAt: status.exitedAt.toISOString(),
          stoppedByUser,
          ...(rec.state.health ? { health: { ...rec.state.health, status: 'unhealthy' as const } } : {}),
        },
      };
      if (status.oomKilled) this.publish(exited, 'oom');
      this.publish(exited, 'die', { exitCode: String(status.exitCode) });
      s.task = undefined;
      // The runtime's clean-up and the network's are independent: side by side.
      await Promise.all([
        this.d.tasks.delete(id).catch((err: unknown) => this.d.log.warn({ err, id }, 'cannot clean up a task')),
        this.releaseNetwork(rec, exited),
      ]);
      await this.releaseVolumes(rec);
      const decision = decideRestart({
        policy: rec.spec.host.restartPolicy,
        exitCode: status.exitCode,
        restartCount: rec.state.restartCount,
        stoppedByUser,
        ranForMs,
        previousDelayMs: s.lastRestartDelayMs,
      });
      if (decision.restart && !rec.spec.host.autoRemove) {
        exited.state = { ...exited.state, status: 'restarting', restartCount: rec.state.restartCount + 1 };
        s.lastRestartDelayMs = decision.delayMs;
        restartDelay = decision.delayMs;
      } else {
        s.lastRestartDelayMs = 0;
        removeAfter = rec.spec.host.autoRemove;
      }
      await this.d.store.save(exited);
      for (const w of s.exitWaiters) w(status);
      s.exitWaiters.clear();
    });
    if (restartDelay !== undefined) this.scheduleRestart(id, restartDelay);
    if (removeAfter) {
      await this.remove(id, { force: true, volumes: true }).catch((err: unknown) => {
        if (kindOf(err) !== 'not-found') this.d.log.error({ err, id }, 'cannot remove an --rm container');
      });
    }
  }

  private scheduleRestart(id: string, delayMs: number): void {
    const s = this.slot(id);
    s.restartTimer = setTimeout(() => {
      s.restartTimer = undefined;
      void this.lock
        .run(id, async () => {
          const rec = this.d.store.get(id);
          if (!rec || rec.state.status !== 'restarting') return;
          await this.startTask({ ...rec, state: { ...rec.state, status: 'exited' } }, { byUser: false });
          this.publish(rec, 'restart');
        })
        .catch((err: unknown) => this.d.log.warn({ err, id }, 'restarting a container failed'));
    }, delayMs);
    s.restartTimer.unref();
  }

  /** Resolves with the next exit of a running container. */
  nextExit(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    const s = this.slot(id);
    return new Promise((resolve, reject) => {
      const done = (st: ExitStatus): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(st);
      };
      const onAbort = (): void => {
        s.exitWaiters.delete(done);
        reject(new EngineError('canceled', 'wait canceled'));
      };
      s.exitWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves when the container is removed. */
  removed(id: string, signal?: AbortSignal): Promise<void> {
    if (!this.d.store.get(id)) return Promise.resolve();
    const s = this.slot(id);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        s.removeWaiters.delete(done);
        reject(new EngineError('canceled', 'wait canceled'));
      };
      s.removeWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The namespace, addresses and ports of a container whose process is gone. */
  private async releaseNetwork(rec: ContainerRecord, next: ContainerRecord): Promise<void> {
    delete next.state.network;
    await this.d.networks.tearDown(rec).catch((err: unknown) => this.d.log.warn({ err, id: rec.id }, 'cannot clean up the network'));
  }

  // ---- stop, kill, restart, pause ---------------------------------------------------------

  async stop(ref: string, opts: StopOptions = {}): Promise<void> {
    const id = this.resolve(ref).id;
    const rec = this.d.store.resolve(id);
    const s = this.slot(id);
    if (rec.state.status === 'restarting') {
      // Stopping a container between two restarts: cancel the next one.
      await this.lock.run(id, async () => {
        if (s.restartTimer) clearTimeout(s.restartTimer);
        s.restartTimer = undefined;
        const cur = this.d.store.resolve(id);
        await this.d.store.save({ ...cur, state: { ...cur.state, status: 'exited', stoppedByUser: true } });
      });
      return;
    }
    if (!isActive(rec.state.status)) throw new EngineError('not-modified', 'container already stopped');
    const signal = parseSignal(opts.signal || rec.spec.stopSignal || 'SIGTERM');
    const timeout = opts.timeout ?? rec.spec.stopTimeout ?? DEFAULT_STOP_TIMEOUT;
    const exit = this.nextExit(id);
    s.stopping = true;
    try {
      await this.markStoppedByUser(id);
      const task = await this.task(rec);
      if (rec.state.status === 'paused') await task.resume().catch(() => undefined);
      this.publish(rec, 'kill', { signal: String(signal) });
      await task.kill(signal).catch(ignoreGone);
      const timedOut = await waitFor(exit, timeout < 0 ? undefined : timeout * 1000);
      if (timedOut) {
        this.publish(rec, 'kill', { signal: '9' });
        await task.kill(9, { all: true }).catch(ignoreGone);
        await exit;
      }
    } finally {
      s.stopping = false;
    }
    this.publish(this.d.store.resolve(id), 'stop');
  }

  private async markStoppedByUser(id: string): Promise<void> {
    await this.lock.run(id, async () => {
      const cur = this.d.store.resolve(id);
      await this.d.store.save({ ...cur, state: { ...cur.state, stoppedByUser: true } });
    });
  }

  async kill(ref: string, signalText?: string): Promise<void> {
    const rec = this.resolve(ref);
    const signal = parseSignal(signalText || 'KILL');
    if (!isActive(rec.state.status) || rec.state.status === 'restarting') {
      throw conflict(`cannot kill container: ${ref}: container ${rec.id} is not running`);
    }
    if (signal === 9 || signal === 15 || signal === 2) await this.markStoppedByUser(rec.id);
    const task = await this.task(rec);
    this.publish(rec, 'kill', { signal: String(signal) });
    await task.kill(signal).catch((err: unknown) => {
      throw conflict(`cannot kill container: ${ref}: ${(err as Error).message}`);
    });
  }

  async restart(ref: string, opts: StopOptions = {}): Promise<void> {
    const rec = this.resolve(ref);
    if (isActive(rec.state.status)) await this.stop(rec.id, opts).catch(ignoreNotModified);
    await this.lock.run(rec.id, async () => {
      const cur = this.d.store.resolve(rec.id);
      if (cur.state.status === 'running') return;
      await this.startTask({ ...cur, state: { ...cur.state, status: cur.state.status === 'restarting' ? 'exited' : cur.state.status } }, { byUser: true });
    });
    this.publish(this.d.store.resolve(rec.id), 'restart');
  }

  async pause(ref: string): Promise<void> {
    const rec = this.resolve(ref);
    await this.lock.run(rec.id, async () => {
      const cur = this.d.store.resolve(rec.id);
      if (cur.state.status === 'paused') throw conflict(`Container ${cur.id} is already paused`);
      if (cur.state.status !== 'running') throw conflict(`Container ${cur.id} is not running`);
      await (await this.task(cur)).pause();
      await this.d.store.save({ ...cur, state: { ...cur.state, status: 'paused' } });
      this.publish(cur, 'pause');
    });
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.resolve(ref);
    await this.lock.run(rec.id, async () => {
      const cur = this.d.store.resolve(rec.id);
      if (cur.state.status !== 'paused') throw conflict(`Container ${cur.id} is not paused`);
      await (await this.task(cur)).resume();
      await this.d.store.save({ ...cur, state: { ...cur.state, status: 'running' } });
      this.publish(cur, 'unpause');
    });
  }

  // ---- remove, rename, update, prune -----------------------------------------------------

  async remove(ref: string, opts: RemoveOptions = {}): Promise<void> {
    const rec = this.resolve(ref);
    if (isActive(rec.state.status) && rec.state.status !== 'restarting') {
      if (!opts.force) {
        throw conflict(
          `cannot remove container "/${rec.name}": container is running: stop the container before removing or force remove`,
        );
      }
      const exit = this.nextExit(rec.id);
      const s = this.slot(rec.id);
      s.stopping = true;
      await this.markStoppedByUser(rec.id);
      const task = await this.task(rec);
      if (rec.state.status === 'paused') await task.resume().catch(() => undefined);
      this.publish(rec, 'kill', { signal: '9' });
      await task.kill(9, { all: true }).catch(ignoreGone);
      await waitFor(exit, 10_000);
    }
    await this.lock.run(rec.id, async () => {
      const cur = this.d.store.get(rec.id);
      if (!cur) return;
      const s = this.slot(rec.id);
      if (s.restartTimer) clearTimeout(s.restartTimer);
      s.logRotation?.close();
      await this.d.tasks.delete(rec.id).catch(() => undefined);
      await this.d.snapshotter.remove(cur.snapshotKey).catch((err: unknown) => {
        if (kindOf(err) !== 'not-found') throw err;
      });
      await this.d.store.remove(rec.id);
      this.publish(cur, 'destroy');
      if (opts.volumes) for (const v of cur.volumes ?? []) if (v.anonymous) await this.d.volumes.removeAnonymous(v.name);
      for (const w of s.removeWaiters) w();
      for (const a of s.pendingAttach) a.end();
      this.slots.delete(rec.id);
    });
  }

  /** `network connect`: remembered for the next start, and live when the container runs. */
  async connect(ref: string, networkRef: string, ep: EndpointRequest): Promise<void> {
    const n = this.d.networks.resolve(networkRef);
    const { id } = this.resolve(ref);
    await this.lock.run(id, async () => {
      const rec = this.d.store.resolve(id);
      if (n.driver !== 'bridge' || rec.spec.network.kind === 'host') {
        throw new EngineError('permission-denied', 'container cannot be disconnected from host network or connected to host network');
      }
      if (rec.spec.network.kind !== 'bridge') {
        throw new EngineError('permission-denied', 'container cannot be connected to multiple networks with one of the networks in private (none) mode');
      }
      if (rec.spec.endpoints[n.name]) throw new EngineError('permission-denied', `endpoint with name ${rec.name} already exists in network ${n.name}`);
      const spec = { ...rec.spec, endpoints: { ...rec.spec.endpoints, [n.name]: ep } };
      this.d.networks.checkCreate(spec);
      let next: ContainerRecord = { ...rec, spec };
      const state = rec.state.network;
      if (state && isActive(rec.state.status)) {
        const live = await this.d.networks.connectRunning(next, n);
        next = { ...next, state: { ...rec.state, network: { ...state, endpoints: { ...state.endpoints, [n.name]: live } } } };
      }
      await this.d.store.save(next);
      this.d.networks.publishConnect(n, rec.id, 'connect');
    });
  }

  /** `network disconnect`; a container left on no network runs without one. */
  async disconnect(ref: string, networkRef: string): Promise<void> {
    const n = this.d.networks.resolve(networkRef);
    const { id } = this.resolve(ref);
    await this.lock.run(id, async () => {
      const rec = this.d.store.resolve(id);
      if (rec.spec.network.kind === 'host' && n.name === 'host') {
        throw new EngineError('permission-denied', 'container cannot be disconnected from host network or connected to host network');
      }
      if (rec.spec.network.kind !== 'bridge' || !rec.spec.endpoints[n.name]) {
        throw new EngineError('permission-denied', `container ${rec.id} is not connected to network ${n.name}`);
      }
      const endpoints = { ...rec.spec.endpoints };
      delete endpoints[n.name];
      const rest = Object.keys(endpoints);
      const network = rec.spec.network.name !== n.name ? rec.spec.network : rest[0] ? { kind: 'bridge' as const, name: rest[0] } : { kind: 'none' as const };
      let next: ContainerRecord = { ...rec, spec: { ...rec.spec, network, endpoints } };
      const state = rec.state.network;
      if (state?.endpoints[n.name] && isActive(rec.state.status)) {
        await this.d.networks.disconnectRunning(rec, n);
        const eps = { ...state.endpoints };
        delete eps[n.name];
        next = { ...next, state: { ...rec.state, network: { ...state, endpoints: eps } } };
      }
      await this.d.store.save(next);
      this.d.networks.publishConnect(n, rec.id, 'disconnect');
    });
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.resolve(ref);
    const name = validContainerName(newName);
    if (name === rec.name) throw new EngineError('invalid-argument', 'Renaming a container with the same name as its current name');
    await this.lock.run(rec.id, async () => {
      const cur = this.d.store.resolve(rec.id);
      const next = await this.d.store.rename(cur, name);
      this.publish(next, 'rename', { oldName: `/${cur.name}` });
    });
  }

  async update(ref: string, req: UpdateRequest): Promise<string[]> {
    const rec = this.resolve(ref);
    await this.lock.run(rec.id, async () => {
      const cur = this.d.store.resolve(rec.id);
      const resources: Resources = { ...cur.spec.host.resources, ...definedOnly(req.resources) };
      if (req.restartPolicy && req.restartPolicy.name !== 'no' && cur.spec.host.autoRemove) {
        throw new EngineError('invalid-argument', "Restart policy cannot be updated because AutoRemove is enabled for the container");
      }
      const next: ContainerRecord = {
        ...cur,
        spec: {
          ...cur.spec,
          host: {
            ...cur.spec.host,
            resources,
            ...(req.restartPolicy ? { restartPolicy: req.restartPolicy } : {}),
          },
        },
      };
      if (isActive(cur.state.status) && cur.state.status !== 'restarting') {
        const oci: OciResources = ociResources(resources);
        await (await this.task(cur)).update(oci);
      }
      await this.d.store.save(next);
      this.publish(next, 'update');
    });
    return [];
  }

  async prune(filters?: Filters): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    filters?.validateKeys(CONTAINER_PRUNE_FILTERS);
    const until = filters?.has('until')
      ? Math.min(...filters.get('until').map((v) => unixTimeToMillis(parseTimestampOrDuration(v, new Date()))))
      : undefined;
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (const rec of this.d.store.list()) {
      if (isActive(rec.state.status)) continue;
      if (until !== undefined && new Date(rec.created).getTime() >= until) continue;
      if (filters && !filters.matchLabels(rec.spec.labels)) continue;
      const size = (await this.d.snapshotter.usage(rec.snapshotKey).catch(() => ({ size: 0 }))).size;
      try {
        await this.remove(rec.id);
      } catch (err) {
        if (kindOf(err) === 'conflict' || kindOf(err) === 'not-found') continue;
        throw err;
      }
      deleted.push(rec.id);
      spaceReclaimed += size;
    }
    return { deleted, spaceReclaimed };
  }

  // ---- daemon start and stop -------------------------------------------------------------

  /**
   * At daemon start: re-adopt running containers, record exits that happened while berthd
   * was down, restart `always`/`unless-stopped` containers whose task is gone (a reboot), and
   * remove tasks nobody owns.
   */
  async restore(): Promise<void> {
    const infos = new Map((await this.d.tasks.list()).map((t) => [t.id, t]));
    for (const rec of this.d.store.list()) {
      const info = infos.get(rec.id);
      infos.delete(rec.id);
      if (!isActive(rec.state.status) && rec.state.status !== 'restarting') {
        if (info) await this.d.tasks.delete(rec.id).catch(() => undefined);
        continue;
      }
      try {
        // Its volumes were mounted for it: counted again, so that its exit releases them.
        for (const v of rec.volumes ?? []) await this.d.volumes.adopt(v.name, rec.id);
        if (info && (info.status === 'running' || info.status === 'paused') && !info.exit) {
          const task = await this.d.tasks.get(rec.id);
          this.slot(rec.id).task = task;
          const status = info.status === 'paused' ? 'paused' : 'running';
          if (rec.state.status !== status) await this.d.store.save({ ...rec, state: { ...rec.state, status, pid: info.pid } });
          this.watchExit(rec, task);
          this.health.watch(rec, task);
          continue;
        }
        const task = info ? await this.d.tasks.get(rec.id).catch(() => undefined) : undefined;
        if (task) this.slot(rec.id).task = task;
        const status: ExitStatus = info?.exit ?? { exitCode: 255, exitedAt: new Date(), oomKilled: false };
        if (task) {
          await this.onExit(rec.id, task, status);
          continue;
        }
        // No task at all: the host rebooted (or the exec root was wiped).
        await this.d.tasks.delete(rec.id).catch(() => undefined);
        const exited: ContainerRecord = {
          ...rec,
          state: { ...rec.state, status: 'exited', pid: 0, exitCode: status.exitCode, finishedAt: status.exitedAt.toISOString() },
        };
        await this.releaseNetwork(rec, exited);
        await this.releaseVolumes(rec);
        await this.d.store.save(exited);
        this.publish(exited, 'die', { exitCode: String(status.exitCode) });
        if (restartsAfterReboot(rec.spec.host.restartPolicy, rec.state.stoppedByUser)) {
          await this.lock.run(rec.id, () => this.startTask(exited, { byUser: false }));
        } else if (rec.spec.host.autoRemove) {
          await this.remove(rec.id, { force: true });
        }
      } catch (err) {
        this.d.log.error({ err, id: rec.id }, 'cannot restore a container');
      }
    }
    for (const orphan of infos.keys()) {
      this.d.log.warn({ id: orphan }, 'removing a task that no container owns');
      await this.d.tasks.delete(orphan).catch(() => undefined);
    }
  }

  /** Roots for the garbage collector: every container's snapshot. */
  snapshotKeys(): string[] {
    return this.d.store.list().map((r) => r.snapshotKey);
  }

  publish(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.d.events.publish({
      type: 'container',
      action,
      actor: { id: rec.id, attributes: { ...rec.spec.labels, image: rec.spec.image, name: rec.name, ...extra } },
    });
  }

  /** A session attached before start, to be connected when the task exists. */
  addPendingAttach(id: string, a: DeferredAttach): void {
    this.slot(id).pendingAttach.add(a);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function ignoreGone(err: unknown): void {
  // The process exited between the state check and the signal: nothing to do.
  if (kindOf(err) === 'not-found' || /not running|no such process|container not running/i.test((err as Error).message)) return;
  throw err;
}

function ignoreNotModified(err: unknown): void {
  if (kindOf(err) !== 'not-modified') throw err;
}

/** Resolves true when `ms` passes before `p` settles (undefined: never). */
async function waitFor(p: Promise<unknown>, ms: number | undefined): Promise<boolean> {
  if (ms === undefined) {
    await p;
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([p.then(() => false as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The runtime's words, wrapped as moby reports a failed start (clients match on the inside). */
/** max-size with max-file 1 (Docker's default): the monitor starts the log afresh, as Docker truncates it. */
function monitorLogLimit(c: LogConfig): { logSizeMax?: number } {
  return c.maxSize !== undefined && (c.maxFile ?? 1) < 2 ? { logSizeMax: c.maxSize } : {};
}

/** dockerd's words for a start that failed in the network driver. */
const NETWORK_SETUP_FAILED = 'failed to set up container networking';

function runtimeErrorMessage(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  // runc repeats its own prefix when it wraps an error; say it once.
  const half = msg.indexOf(': runc create failed: ');
  if (half > 0 && msg.slice(half + 2) === msg.slice(0, msg.length - half - 2)) msg = msg.slice(0, half);
  if (err instanceof EngineError && (err.kind === 'not-found' || err.kind === 'conflict' || err.kind === 'not-modified')) return msg;
  if (msg.startsWith(NETWORK_SETUP_FAILED)) return msg;
  return `failed to create task for container: OCI runtime create failed: ${msg}: unknown`;
}

/** docker run's exit codes for a start that failed (run.go toStatusError). */
export function exitCodeForStartError(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}

