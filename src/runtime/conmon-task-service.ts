// TaskService over conmon + an OCI runtime (runc). Each container has its own conmon, which
// outlives the daemon; everything needed to find it again lives in files under `stateDir`:
//
//   <stateDir>/tasks/<id>/state.json   the TaskRecord (cuuid, bundle, pid, conmon pid, cgroups)
//   <stateDir>/tasks/<id>/             also conmon's cwd and persist dir: pid, conmon.pid, exit, oom
//   <stateDir>/tasks/<id>/exec/<exec>/ an exec session: process.json, pid, exit; attach, ctl, winsz
//   <stateDir>/exits/<id>              conmon's exit file (one watch serves every waiter)
//   <stateDir>/s/<cuuid>               conmon's symlink to the bundle, to keep socket paths short
//
// Costs per container: create = conmon (which runs `runc create`) + mount(8) per Mount (usually
// one), the two overlapped: conmon starts while the rootfs is mounted and waits on its start
// pipe; start = reading runc's exec fifo (runc-exec-fifo.ts; `<runtime> start` for others);
// delete = removing runc's state and cgroups directly (`runc delete --force` when a process is
// left) + umount(8), together once the container has stopped. No polling: exits come from fs.watch on the exit directory, output
// from the attach socket. Each runtime gets its own state root, `<runcRoot>/<runtime name>`.
//
// Crash safety: state.json is written before the first mount and again once conmon reports
// the pid, so delete() can undo any create a daemon crash cut short; list() also reports
// containers the runtime knows but no record names.
//
// Example:
//   const tasks = new ConmonTaskService({ stateDir: '/run/berth/tasks', runcRoot: '/run/berth/runc',
//     runtimes: { runc: { path: '/usr/sbin/runc' } }, defaultRuntime: 'runc', log });
//   const task = await tasks.create({ id, bundle, rootfs: mounts, io: { terminal: false, stdin: false, logPath } });
//   const io = await task.attach();
//   await task.start();
//   const { exitCode } = await task.wait();
//   await tasks.delete(id);

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import { EngineError, alreadyExists, conflict, invalidArgument, kindOf, notFound } from '../core/errors.js';
import type { OciProcess, OciResources } from '../oci/runtime-spec.js';
import { KeyedMutex } from '../util/keyed-mutex.js';
import { connectAttach } from './attach.js';
import { cgroupLayout, cgroupPathsOfWith, oomKillCount, readStats, type CgroupLayout, type CgroupPaths } from './cgroups.js';
import { launchConmon, type ConmonConfig, type ConmonLaunch } from './conmon.js';
import { ExitDirWatcher, readExitFile, type ExitFile } from './exit-files.js';
import { RuncClient, type RuncState } from './runc-client.js';
import { mountAll, unmountAll } from './rootfs-mount.js';
import type {
  AttachStreams,
  CreateTaskOptions,
  ExecOptions,
  ExitStatus,
  Process,
  Task,
  TaskInfo,
  TaskIo,
  TaskService,
  TaskStats,
  TaskStatus,
} from './task-service.js';

export interface RuntimeConfig {
  /** The runtime binary: an absolute path or a name looked up in PATH. */
  path: string;
  /** Global options for every call of it. */
  runtimeArgs?: string[];
}

export interface ConmonTaskServiceOptions {
  /** This service's directory, under the daemon's exec root (tmpfs). Short: sockets live below it. */
  stateDir: string;
  /** Runtime state: each runtime gets `<runcRoot>/<runtime name>` as its `--root`. */
  runcRoot: string;
  runtimes: Record<string, RuntimeConfig>;
  defaultRuntime: string;
  /** Default: `conmon` from PATH. */
  conmonPath?: string;
  log: Logger;
  /** How long `runc create` (and exec's start) may take; default 60 s. */
  createTimeoutMs?: number;
}

/** What the service keeps about a task in `state.json`. */
export interface TaskRecord {
  id: string;
  /** conmon's name for the attach-socket symlink (8 hex); exec sessions use `<cuuid>-<4 hex>`. */
  cuuid: string;
  runtime: string;
  bundle: string;
  rootfs: string;
  /** The rootfs directory was made by create (and is removed by delete). */
  madeRootfs: boolean;
  io: TaskIo;
  pid?: number;
  conmonPid?: number;
  cgroups?: CgroupPaths;
  created: string;
}

const TASKS = 'tasks';
const EXITS = 'exits';
const SOCKETS = 's';
/** sun_path is 108 bytes with its NUL. */
const MAX_SOCKET_PATH = 107;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** conmon 2.1.6 applies the first of two control messages it reads at once twice and drops the second. */
const RESIZE_GAP_MS = 20;
/** How often a waiting task checks that its conmon is still alive. */
const MONITOR_CHECK_MS = 1000;
/** How long delete waits for conmon to record the exit of a container it killed. */
const DELETE_EXIT_WAIT_MS = 10_000;

export class ConmonTaskService implements TaskService {
  private readonly env: TaskEnv;
  private readonly log: Logger;
  private readonly runtimes: Record<string, RuntimeConfig>;
  private readonly defaultRuntime: string;
  private readonly runcRoot: string;
  private readonly clients = new Map<string, RuncClient>();
  private readonly tasks = new Map<string, ConmonTask>();
  private readonly mutex = new KeyedMutex();
  private dirs: Promise<void> | undefined;

  constructor(opts: ConmonTaskServiceOptions) {
    this.log = opts.log;
    this.runtimes = opts.runtimes;
    this.defaultRuntime = opts.defaultRuntime;
    this.runcRoot = opts.runcRoot;
    if (this.runtimes[this.defaultRuntime] === undefined) {
      throw invalidArgument(`default runtime ${this.defaultRuntime} is not among the runtimes`);
    }
    this.env = new TaskEnv(opts);
  }

  async create(opts: CreateTaskOptions): Promise<Task> {
    validateName('task id', opts.id);
    const runtime = opts.runtime ?? this.defaultRuntime;
    const runc = this.runc(runtime);
    return this.mutex.run(opts.id, async () => {
      opts.signal?.throwIfAborted();
      await this.ensureDirs();
      const dir = this.env.taskDir(opts.id);
      try {
        await mkdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(`task ${opts.id} already exists`, err);
        throw err;
      }
      const rootfs = join(opts.bundle, 'rootfs');
      const rec: TaskRecord = {
        id: opts.id,
        cuuid: randomBytes(4).toString('hex'),
        runtime,
        bundle: opts.bundle,
        rootfs,
        madeRootfs: false,
        io: opts.io,
        created: new Date().toISOString(),
      };
      try {
        rec.madeRootfs = (await mkdir(rootfs, { recursive: true })) !== undefined;
        // Recorded before anything that must be undone, so that delete() can undo a create
        // that a crash interrupted.
        await this.writeRecord(rec);
        // conmon starts while the rootfs is mounted and waits for release() to run the runtime.
        // mount(8) is spawned first: it is the shorter of the two and the one runc waits for.
        const cfg = this.env.conmonConfig(rec, runc, await this.runtimePath(runtime));
        const mounted = mountAll(opts.rootfs, rootfs);
        mounted.catch(() => undefined); // awaited below; launchConmon must not leave it unhandled
        const launch = launchConmon(cfg, { timeoutMs: this.env.createTimeoutMs, gated: true });
        try {
          await mounted;
        } catch (err) {
          launch.abort();
          throw err;
        }
        try {
          launch.release();
          rec.pid = await launch.pid();
          // conmon's first process writes the pid file, then exits.
          await launch.forked();
        } finally {
          launch.close();
        }
        const [conmonPid, cgroups] = await Promise.all([
          readPid(join(dir, 'conmon.pid')),
          this.env.cgroupPaths(rec.pid).catch(() => undefined),
        ]);
        rec.conmonPid = conmonPid;
        rec.cgroups = cgroups;
        await this.writeRecord(rec);
      } catch (err) {
        await this.cleanup(rec, { runc }).catch((e: unknown) => this.log.warn({ err: e, id: rec.id }, 'cleanup after failed create'));
        throw err;
      }
      const task = this.adopt(rec);
      if (opts.io.terminal && opts.io.consoleSize !== undefined) await task.resize(opts.io.consoleSize).catch(() => undefined);
      return task;
    });
  }

  get(id: string): Promise<Task> {
    return this.task(id);
  }

  async list(): Promise<TaskInfo[]> {
    await this.ensureDirs();
    const ids = await readdir(this.env.tasksDir);
    const records = (await Promise.all(ids.map((id) => this.readRecord(id).catch(() => undefined)))).filter(
      (r): r is TaskRecord => r !== undefined,
    );
    const runtimes = new Set([this.defaultRuntime, ...records.map((r) => r.runtime)]);
    const states = new Map<string, RuncState>();
    for (const name of runtimes) {
      if (this.runtimes[name] === undefined) continue;
      for (const s of await this.runc(name).list()) states.set(s.id, s);
    }
    const infos: TaskInfo[] = [];
    for (const rec of records) {
      const s = states.get(rec.id);
      states.delete(rec.id);
      const info: TaskInfo = { id: rec.id, status: s === undefined ? 'stopped' : taskStatus(s.status), pid: s?.pid ?? 0 };
      const exit = await readExitFile(this.env.exitDir, rec.id);
      if (exit !== undefined) info.exit = await this.env.exitStatus(rec, exit);
      infos.push(info);
    }
    // Containers the runtime has but no record names: a create interrupted by a crash.
    for (const s of states.values()) infos.push({ id: s.id, status: taskStatus(s.status), pid: s.pid });
    return infos;
  }

  async delete(id: string): Promise<ExitStatus | undefined> {
    validateName('task id', id);
    return this.mutex.run(id, async () => {
      const rec = await this.readRecord(id).catch((err: unknown) => {
        if (kindOf(err) === 'not-found') return undefined;
        throw err;
      });
      const task = this.tasks.get(id);
      this.tasks.delete(id);
      task?.forget();
      if (rec === undefined) {
        // Usually a second delete (the engine's remove after the exit's clean-up): no process then.
        const runc = this.runc(this.defaultRuntime);
        if (await runc.mayHave(id)) await ignoreNotFound(runc.delete(id, { force: true }));
        await rm(join(this.env.exitDir, id), { force: true });
        return undefined;
      }
      const runc = this.runc(rec.runtime);
      // A runtime that fails to delete (a broken one) must not keep the rootfs mounted and the
      // state around: its error is logged and the rest of the clean-up goes on.
      const runtimeDelete = (): Promise<void> =>
        ignoreNotFound(runc.delete(id, { force: true })).catch((err: unknown) => {
          this.log.warn({ err, id }, 'the runtime could not delete the container');
        });
      let exit = await readExitFile(this.env.exitDir, id);
      if (exit !== undefined) {
        // Stopped: nothing runs on the rootfs any more, so both can go at once. runc's state
        // and cgroups are removed directly (one process less per container run, see
        // docs/performance.md); `runc delete` when a cgroup still holds a process.
        const status = await this.env.exitStatus(rec, exit);
        const removeState = async (): Promise<void> => {
          if (!(await runc.deleteExited(id).catch(() => false))) await runtimeDelete();
        };
        await Promise.all([removeState(), unmountAll(rec.rootfs)]);
        await this.cleanup(rec, { unmounted: true });
        return status;
      }
      const monitorAlive = rec.conmonPid !== undefined && (await isConmonOf(rec.conmonPid, rec.cuuid));
      // Kills the container if it still runs; conmon then records the exit.
      await runtimeDelete();
      exit = await readExitFile(this.env.exitDir, id);
      if (exit === undefined && monitorAlive) {
        exit = await this.env.exits.wait(id, AbortSignal.timeout(DELETE_EXIT_WAIT_MS)).catch(() => undefined);
      }
      const status = exit === undefined ? undefined : await this.env.exitStatus(rec, exit);
      await this.cleanup(rec, {});
      return status;
    });
  }

  /** Makes conmon reopen the log file (after the engine renamed it to rotate it). */
  async reopenLog(id: string): Promise<void> {
    const task = await this.task(id);
    await task.control.send('2 0 0\n');
  }

  private async task(id: string): Promise<ConmonTask> {
    const cached = this.tasks.get(id);
    if (cached !== undefined) return cached;
    validateName('task id', id);
    const rec = await this.readRecord(id);
    return this.tasks.get(id) ?? this.adopt(rec);
  }

  private adopt(rec: TaskRecord): ConmonTask {
    const task = new ConmonTask(this.env, rec, this.runc(rec.runtime), (r) => this.runtimePath(r));
    this.tasks.set(rec.id, task);
    return task;
  }

  /**
   * Removes what create made, in reverse order; each step tolerates its work being done.
   * `runc`: delete the runtime's state first; `unmounted`: the rootfs is known to be unmounted.
   */
  private async cleanup(rec: TaskRecord, opts: { runc?: RuncClient; unmounted?: boolean }): Promise<void> {
    if (opts.runc !== undefined) await ignoreNotFound(opts.runc.delete(rec.id, { force: true }));
    if (opts.unmounted !== true) await unmountAll(rec.rootfs);
    if (rec.madeRootfs) await rmdir(rec.rootfs).catch(() => undefined);
    const sockets = await readdir(this.env.socketDir).catch(() => [] as string[]);
    await Promise.all([
      ...sockets
        .filter((s) => s === rec.cuuid || s.startsWith(`${rec.cuuid}-`))
        .map((s) => rm(join(this.env.socketDir, s), { force: true })),
      ...['attach', 'ctl', 'winsz'].map((f) => rm(join(rec.bundle, f), { force: true })),
      rm(join(this.env.exitDir, rec.id), { force: true }),
    ]);
    await rm(this.env.taskDir(rec.id), { recursive: true, force: true });
  }

  private runc(name: string): RuncClient {
    const cfg = this.runtimes[name];
    if (cfg === undefined) throw invalidArgument(`unknown runtime ${name}`);
    let c = this.clients.get(name);
    if (c === undefined) {
      c = new RuncClient({ binary: cfg.path, root: join(this.runcRoot, name), runtimeArgs: cfg.runtimeArgs ?? [] });
      this.clients.set(name, c);
    }
    return c;
  }

  /** conmon wants an absolute runtime path (it checks it with access(2)); looked up once. */
  private runtimePath(name: string): Promise<string> {
    const cfg = this.runtimes[name];
    if (cfg === undefined) return Promise.reject(invalidArgument(`unknown runtime ${name}`));
    return this.env.resolve(cfg.path);
  }

  private ensureDirs(): Promise<void> {
    this.dirs ??= Promise.all([
      mkdir(this.env.tasksDir, { recursive: true, mode: 0o700 }),
      mkdir(this.env.exitDir, { recursive: true, mode: 0o700 }),
      mkdir(this.env.socketDir, { recursive: true, mode: 0o700 }),
    ]).then(
      () => undefined,
      (err: unknown) => {
        this.dirs = undefined;
        throw err;
      },
    );
    return this.dirs;
  }

  private async readRecord(id: string): Promise<TaskRecord> {
    let text: string;
    try {
      text = await readFile(join(this.env.taskDir(id), 'state.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`no such task: ${id}`, err);
      throw err;
    }
    return JSON.parse(text) as TaskRecord;
  }

  /**
   * Replaces state.json by rename, so a reader never sees half of it. No fsync: the state
   * dir is on tmpfs, and what a crash of the daemon interrupts the kernel still writes.
   */
  private async writeRecord(rec: TaskRecord): Promise<void> {
    const path = join(this.env.taskDir(rec.id), 'state.json');
    const tmp = `${path}.tmp`;
    await writeFile(tmp, JSON.stringify(rec));
    await rename(tmp, path);
  }
}

/** What a service, its tasks and their exec sessions share: the layout of `stateDir`, the exit watch, conmon's settings. */
class TaskEnv {
  readonly tasksDir: string;
  readonly exitDir: string;
  readonly socketDir: string;
  readonly exits: ExitDirWatcher;
  readonly createTimeoutMs: number;
  private readonly conmonPath: string;
  private readonly resolved = new Map<string, Promise<string>>();
  private layout: Promise<CgroupLayout> | undefined;

  constructor(opts: ConmonTaskServiceOptions) {
    this.tasksDir = join(opts.stateDir, TASKS);
    this.exitDir = join(opts.stateDir, EXITS);
    this.socketDir = join(opts.stateDir, SOCKETS);
    this.exits = new ExitDirWatcher(this.exitDir);
    this.conmonPath = opts.conmonPath ?? 'conmon';
    this.createTimeoutMs = opts.createTimeoutMs ?? 60_000;
    const longest = this.attachPath(`${'x'.repeat(8)}-${'x'.repeat(4)}`);
    if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
      throw invalidArgument(`state directory ${opts.stateDir} is too long for Unix socket paths below it`);
    }
  }

  taskDir(id: string): string {
    return join(this.tasksDir, id);
  }

  attachPath(cuuid: string): string {
    return join(this.socketDir, cuuid, 'attach');
  }

  conmonConfig(rec: TaskRecord, runc: RuncClient, runtimePath: string): ConmonConfig {
    const dir = this.taskDir(rec.id);
    const cfg: ConmonConfig = {
      conmonPath: this.conmonPath,
      runtime: { path: runtimePath, args: runc.globalArgs() },
      cid: rec.id,
      cuuid: rec.cuuid,
      bundle: rec.bundle,
      cwd: dir,
      containerPidFile: join(dir, 'pid'),
      conmonPidFile: join(dir, 'conmon.pid'),
      persistDir: dir,
      socketDir: this.socketDir,
      exitDir: this.exitDir,
      terminal: rec.io.terminal,
      stdin: rec.io.stdin,
      leaveStdinOpen: rec.io.stdinOnce !== true,
    };
    if (rec.io.logPath !== undefined) cfg.logPath = rec.io.logPath;
    if (rec.io.logSizeMax !== undefined) cfg.logSizeMax = rec.io.logSizeMax;
    return cfg;
  }

  execConmonConfig(rec: TaskRecord, runc: RuncClient, runtimePath: string, dir: string, cuuid: string, io: TaskIo): ConmonConfig {
    return {
      conmonPath: this.conmonPath,
      runtime: { path: runtimePath, args: runc.globalArgs() },
      cid: rec.id,
      cuuid,
      bundle: dir,
      cwd: dir,
      containerPidFile: join(dir, 'pid'),
      conmonPidFile: join(dir, 'conmon.pid'),
      persistDir: dir,
      socketDir: this.socketDir,
      terminal: io.terminal,
      stdin: io.stdin,
      exec: { processSpec: join(dir, 'process.json') },
    };
  }

  async exitStatus(rec: TaskRecord, exit: ExitFile): Promise<ExitStatus> {
    return { exitCode: exit.code, exitedAt: exit.at, oomKilled: await this.oomKilled(rec) };
  }

  /** The host's cgroup layout does not change while the daemon runs: read it once. */
  cgroupPaths(pid: number): Promise<CgroupPaths> {
    this.layout ??= cgroupLayout();
    return this.layout.then((l) => cgroupPathsOfWith(pid, l));
  }

  /** An executable's absolute path (PATH lookup for a bare name), remembered. */
  resolve(name: string): Promise<string> {
    let p = this.resolved.get(name);
    if (p === undefined) {
      p = findExecutable(name);
      this.resolved.set(name, p);
      p.catch(() => this.resolved.delete(name));
    }
    return p;
  }

  /** conmon leaves an `oom` file when it saw an OOM event; the cgroup's counter covers a missed one. */
  private async oomKilled(rec: TaskRecord): Promise<boolean> {
    try {
      await access(join(this.taskDir(rec.id), 'oom'));
      return true;
    } catch {
      return rec.cgroups !== undefined && (await oomKillCount(rec.cgroups)) > 0;
    }
  }
}

class ConmonTask implements Task {
  readonly id: string;
  readonly control: ControlFifo;
  private readonly execs = new Map<string, ExecProcess>();
  private deleted = false;

  constructor(
    private readonly env: TaskEnv,
    readonly rec: TaskRecord,
    private readonly runc: RuncClient,
    private readonly runtimePath: (runtime: string) => Promise<string>,
  ) {
    this.id = rec.id;
    this.control = new ControlFifo(join(rec.bundle, 'ctl'));
  }

  get pid(): number {
    return this.rec.pid ?? 0;
  }

  async status(): Promise<TaskStatus> {
    try {
      return taskStatus((await this.runc.state(this.id)).status);
    } catch (err) {
      if (kindOf(err) === 'not-found') return 'stopped';
      throw err;
    }
  }

  attach(): Promise<AttachStreams> {
    return connectAttach(this.env.attachPath(this.rec.cuuid));
  }

  async start(): Promise<void> {
    await this.runc.start(this.id);
  }

  async wait(opts: { signal?: AbortSignal } = {}): Promise<ExitStatus> {
    // After delete the exit file is gone and would never come back.
    if (this.deleted) throw notFound(`no such task: ${this.id}`);
    const stop = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
    try {
      return await Promise.race([
        this.env.exits.wait(this.id, signal).then((exit) => this.env.exitStatus(this.rec, exit)),
        this.monitorGone(signal),
      ]);
    } finally {
      stop.abort();
    }
  }

  /**
   * Resolves if the container's conmon dies without recording an exit (killed by hand): the
   * process then has nobody to collect its output or its exit code, so it is stopped, and the
   * exit reported as a kill. Checked once a second: a read of /proc per running container.
   */
  private async monitorGone(signal: AbortSignal): Promise<ExitStatus> {
    const pid = this.rec.conmonPid;
    for (;;) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, MONITOR_CHECK_MS);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      if (signal.aborted) return new Promise<never>(() => undefined);
      if (pid !== undefined && (await isConmonOf(pid, this.rec.cuuid))) continue;
      const recorded = await readExitFile(this.env.exitDir, this.id);
      if (recorded !== undefined) return this.env.exitStatus(this.rec, recorded);
      await ignoreNotFound(this.runc.kill(this.id, 'KILL', { all: true })).catch(() => undefined);
      return { exitCode: 137, exitedAt: new Date(), oomKilled: false };
    }
  }

  resize(size: { rows: number; cols: number }): Promise<void> {
    return this.control.resize(size);
  }

  async kill(signal: string | number, opts: { all?: boolean } = {}): Promise<void> {
    await this.runc.kill(this.id, signal, opts);
  }

  async exec(opts: ExecOptions): Promise<Process> {
    validateName('exec id', opts.execId);
    if (this.execs.has(opts.execId)) throw alreadyExists(`exec ${opts.execId} already exists in task ${this.id}`);
    const dir = join(this.env.taskDir(this.id), 'exec', opts.execId);
    try {
      await mkdir(dir, { recursive: false });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw alreadyExists(`exec ${opts.execId} already exists in task ${this.id}`, err);
      if (code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true });
    }
    const cuuid = `${this.rec.cuuid}-${randomBytes(2).toString('hex')}`;
    const p = new ExecProcess(this.env, this.rec, this.runc, await this.runtimePath(this.rec.runtime), dir, cuuid, opts);
    this.execs.set(opts.execId, p);
    p.onGone = () => this.execs.delete(opts.execId);
    return p;
  }

  /** The task is being deleted: later waits fail, and sessions never started must not wait for a start. */
  forget(): void {
    this.deleted = true;
    for (const p of this.execs.values()) p.abandon();
    this.execs.clear();
  }

  async pause(): Promise<void> {
    await this.runc.pause(this.id);
  }

  async resume(): Promise<void> {
    await this.runc.resume(this.id);
  }

  pids(): Promise<number[]> {
    return this.runc.ps(this.id);
  }

  async stats(): Promise<TaskStats> {
    const paths = this.rec.cgroups ?? (await this.env.cgroupPaths(this.pid).catch(() => undefined));
    if (paths === undefined) throw conflict(`task ${this.id} has no cgroups to read`);
    return readStats(paths);
  }

  async update(resources: OciResources): Promise<void> {
    await this.runc.update(this.id, resources);
  }
}

/**
 * An exec session. conmon is started lazily, by the first attach() or start(): Docker creates
 * exec instances that may never run. With an attach, output is not missed: conmon runs
 * `runc exec` only after start() releases it, and the client connected before that.
 */
class ExecProcess implements Process {
  onGone: (() => void) | undefined;
  private launch: ConmonLaunch | undefined;
  private launching: Promise<ConmonLaunch> | undefined;
  private started: Promise<void> | undefined;
  private exited: Promise<ExitStatus> | undefined;
  private processPid = 0;
  /** The process has exited: its pid may belong to someone else by now. */
  private finished = false;
  private readonly control: ControlFifo;
  private consoleSize: { rows: number; cols: number } | undefined;

  constructor(
    private readonly env: TaskEnv,
    private readonly rec: TaskRecord,
    private readonly runc: RuncClient,
    private readonly runtimePath: string,
    private readonly dir: string,
    private readonly cuuid: string,
    private readonly opts: ExecOptions,
  ) {
    this.control = new ControlFifo(join(dir, 'ctl'));
    this.consoleSize = opts.io.consoleSize;
  }

  get pid(): number {
    return this.processPid;
  }

  async attach(): Promise<AttachStreams> {
    await this.ensureLaunched();
    return connectAttach(this.env.attachPath(this.cuuid));
  }

  start(): Promise<void> {
    this.started ??= this.run();
    return this.started;
  }

  async wait(opts: { signal?: AbortSignal } = {}): Promise<ExitStatus> {
    await this.start();
    const exited = this.exited;
    if (exited === undefined) throw new EngineError('internal', 'exec session has no exit');
    if (opts.signal === undefined) return exited;
    const signal = opts.signal;
    signal.throwIfAborted();
    return new Promise<ExitStatus>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      exited.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async resize(size: { rows: number; cols: number }): Promise<void> {
    if (this.launch === undefined) {
      this.consoleSize = size;
      return;
    }
    await this.control.resize(size);
  }

  async kill(signal: string | number): Promise<void> {
    if (this.processPid === 0 || this.finished) throw conflict(`exec ${this.opts.execId} is not running`);
    const sig = typeof signal === 'number' || /^\d+$/.test(signal) ? Number(signal) : signal.startsWith('SIG') ? signal : `SIG${signal}`;
    try {
      process.kill(this.processPid, sig);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') throw conflict(`exec ${this.opts.execId} is not running`, err);
      if (code === 'ERR_UNKNOWN_SIGNAL' || code === 'EINVAL') throw invalidArgument(`invalid signal: ${String(signal)}`, err);
      throw err;
    }
  }

  /** Drops our pipe ends: a conmon waiting for start() runs `runc exec` against a dead container and exits. */
  abandon(): void {
    if (this.started === undefined) this.launch?.close();
  }

  private ensureLaunched(): Promise<ConmonLaunch> {
    this.launching ??= (async () => {
      const spec: OciProcess = { ...this.opts.process, terminal: this.opts.io.terminal };
      if (this.opts.io.terminal && this.consoleSize !== undefined) {
        spec.consoleSize = { height: this.consoleSize.rows, width: this.consoleSize.cols };
      }
      await writeFile(join(this.dir, 'process.json'), JSON.stringify(spec));
      const cfg = this.env.execConmonConfig(this.rec, this.runc, this.runtimePath, this.dir, this.cuuid, this.opts.io);
      const launch = launchConmon(cfg, { timeoutMs: this.env.createTimeoutMs });
      this.launch = launch;
      try {
        await launch.attachReady();
      } catch (err) {
        launch.close();
        await this.removeFiles();
        throw err;
      }
      return launch;
    })();
    return this.launching;
  }

  private async run(): Promise<void> {
    const launch = await this.ensureLaunched();
    launch.release();
    try {
      this.processPid = await launch.pid();
    } catch (err) {
      launch.close();
      await this.removeFiles();
      throw err;
    }
    this.exited = launch.exit().then(
      async (code) => {
        this.finished = true;
        launch.close();
        await this.removeFiles();
        return { exitCode: code, exitedAt: new Date(), oomKilled: false };
      },
      async (err: unknown) => {
        this.finished = true;
        launch.close();
        // The pipe closed without a status (conmon killed): its exit file may still say.
        const f = await readExitFile(this.dir, 'exit').catch(() => undefined);
        await this.removeFiles();
        if (f !== undefined) return { exitCode: f.code, exitedAt: f.at, oomKilled: false };
        throw err;
      },
    );
    // Nobody may wait: keep a rejection from being unhandled.
    this.exited.catch(() => undefined);
  }

  private async removeFiles(): Promise<void> {
    this.onGone?.();
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
    await rm(join(this.env.attachPath(this.cuuid), '..'), { force: true }).catch(() => undefined);
  }
}

/**
 * conmon's control fifo (`ctl` in the bundle or session directory): `1 <rows> <cols>\n`
 * resizes the terminal, `2 0 0\n` reopens the log. Opening it fails (ENXIO) once conmon has
 * gone, which is reported as `conflict`.
 */
class ControlFifo {
  private lastSent = 0;
  private pending: { size: { rows: number; cols: number }; done: Promise<void> } | undefined;

  constructor(private readonly path: string) {}

  async send(message: string): Promise<void> {
    let fh;
    try {
      fh = await open(this.path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENXIO' || code === 'ENOENT') throw conflict('the process is not running (its monitor has exited)', err);
      throw err;
    }
    try {
      await fh.write(message);
    } finally {
      await fh.close();
    }
  }

  /**
   * Resizes are spaced RESIZE_GAP_MS apart so that conmon reads them one at a time (2.1.6
   * mishandles two in one read); while one waits, newer sizes replace it.
   */
  resize(size: { rows: number; cols: number }): Promise<void> {
    if (!Number.isInteger(size.rows) || !Number.isInteger(size.cols) || size.rows < 0 || size.cols < 0) {
      return Promise.reject(invalidArgument(`invalid terminal size ${size.rows}x${size.cols}`));
    }
    if (this.pending !== undefined) {
      this.pending.size = size;
      return this.pending.done;
    }
    const gap = this.lastSent + RESIZE_GAP_MS - Date.now();
    if (gap <= 0) {
      this.lastSent = Date.now();
      return this.send(`1 ${size.rows} ${size.cols}\n`);
    }
    const pending: { size: { rows: number; cols: number }; done: Promise<void> } = { size, done: Promise.resolve() };
    pending.done = new Promise<void>((resolve) => setTimeout(resolve, gap)).then(() => {
      this.pending = undefined;
      this.lastSent = Date.now();
      return this.send(`1 ${pending.size.rows} ${pending.size.cols}\n`);
    });
    this.pending = pending;
    return pending.done;
  }
}

function taskStatus(s: RuncState['status']): TaskStatus {
  return s === 'creating' ? 'created' : s;
}

function validateName(what: string, name: string): void {
  if (!ID.test(name)) throw invalidArgument(`invalid ${what} ${JSON.stringify(name)}`);
}

async function ignoreNotFound(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (kindOf(err) !== 'not-found') throw err;
  }
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is still the conmon of this cuuid (and not a recycled pid). */
export async function isConmonOf(pid: number, cuuid: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const i = argv.indexOf('--cuuid');
    return i >= 0 && argv[i + 1] === cuuid;
  } catch {
    return false;
  }
}

async function findExecutable(name: string): Promise<string> {
  const candidates = isAbsolute(name) ? [name] : (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new EngineError('unavailable', `runtime ${name} not found`);
}
