// The daemon's view of processes run by an OCI runtime under a per-container monitor (conmon).
//
// Order of calls for a container: `create()` mounts the rootfs mounts at <bundle>/rootfs,
// starts the monitor, which runs `runc create` (the process exists but has not run yet) and
// resolves once it is created; `attach()` (before start, so no output is missed) and then
// `start()` runs it; `wait()` resolves with the exit status, also when the process exited
// while berthd was down (the monitor records it in an exit file); `delete()` removes the
// runtime's state, unmounts the rootfs and forgets the task. A task whose monitor is alive
// survives berthd: after a restart `get(id)` re-adopts it.
//
// Example:
//   const task = await tasks.create({ id, bundle, rootfs: mounts, io: { terminal: false, stdin: false, logPath } });
//   const io = await task.attach();          // stream output to the client
//   await task.start();
//   const { exitCode } = await task.wait();
//   await tasks.delete(id);
//
// An exec session is a second process in the container's namespaces, run by its own monitor:
// `task.exec()` creates it, its `attach()`/`start()`/`wait()` work like the container's.

import type { Mount } from '../core/mount.js';
import type { OciProcess, OciResources } from '../oci/runtime-spec.js';

export interface TaskIo {
  /** Run the process on a pseudo-terminal (docker -t). */
  terminal: boolean;
  /** Keep a pipe (or the terminal) open to the process's stdin (docker -i). */
  stdin: boolean;
  /**
   * Close the process's stdin when an attached client closes its input or detaches (Docker's
   * StdinOnce; exec sessions always behave so). Otherwise stdin stays open for later attaches.
   */
  stdinOnce?: boolean;
  /** The container's log file, written by the monitor (k8s-file format). Exec sessions: none. */
  logPath?: string;
  /**
   * The monitor starts the log afresh once it holds this many bytes (what was in it is lost):
   * Docker's max-size with max-file 1, kept even while the daemon is down.
   */
  logSizeMax?: number;
  /** Initial terminal size. */
  consoleSize?: { rows: number; cols: number };
}

export interface ExitStatus {
  exitCode: number;
  exitedAt: Date;
  /** The kernel's OOM killer ended the process (cgroup memory events). */
  oomKilled: boolean;
}

export type TaskStatus = 'created' | 'running' | 'paused' | 'stopped';

export interface CreateTaskOptions {
  id: string;
  /** Directory holding config.json; the rootfs is mounted at <bundle>/rootfs. */
  bundle: string;
  rootfs: Mount[];
  io: TaskIo;
  /** Name of the OCI runtime (a key of the daemon's runtimes); default: the daemon's default. */
  runtime?: string;
  signal?: AbortSignal;
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A connection to a process's stdio through its monitor (detach by close()). */
export interface AttachStreams {
  /** Output as it is produced; ends when the process's output ends or on close(). */
  readonly output: AsyncIterable<OutputChunk>;
  /** Sends bytes to the process's stdin (or terminal). */
  write(data: Buffer): Promise<void>;
  /** Closes the process's stdin (EOF), keeping the output flowing. */
  closeStdin(): Promise<void>;
  /** Detaches: the process keeps running. */
  close(): void;
}

export interface TaskStats {
  /** When these figures were read. */
  read: Date;
  cpu: { totalNs: bigint; userNs: bigint; kernelNs: bigint; perCpuNs?: bigint[] };
  throttling: { periods: number; throttledPeriods: number; throttledTimeNs: bigint };
  memory: {
    usage: number;
    /** The cgroup's limit, or the host's memory when unlimited. */
    limit: number;
    maxUsage?: number;
    failcnt?: number;
    /** Raw cgroup memory.stat entries (v1 names: total_inactive_file…; v2: inactive_file…). */
    stats: Record<string, number>;
  };
  pids: { current: number; limit?: number };
  blkio: { major: number; minor: number; op: string; value: number }[];
}

export interface Process {
  readonly pid: number;
  attach(): Promise<AttachStreams>;
  start(): Promise<void>;
  /** Resolves with the exit status once the process has exited. */
  wait(opts?: { signal?: AbortSignal }): Promise<ExitStatus>;
  resize(size: { rows: number; cols: number }): Promise<void>;
  kill(signal: string | number): Promise<void>;
}

export interface ExecOptions {
  execId: string;
  process: OciProcess;
  io: TaskIo;
}

export interface Task extends Process {
  readonly id: string;
  status(): Promise<TaskStatus>;
  /** Signals the container's init (`all`: every process in it). */
  kill(signal: string | number, opts?: { all?: boolean }): Promise<void>;
  exec(opts: ExecOptions): Promise<Process>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Host PIDs of the container's processes. */
  pids(): Promise<number[]>;
  stats(): Promise<TaskStats>;
  update(resources: OciResources): Promise<void>;
}

export interface TaskInfo {
  id: string;
  status: TaskStatus;
  pid: number;
  /** Set when the monitor recorded an exit (also while berthd was down). */
  exit?: ExitStatus;
}

export interface TaskService {
  create(opts: CreateTaskOptions): Promise<Task>;
  /** A task created earlier, by this daemon or a previous one whose monitor still runs. */
  get(id: string): Promise<Task>;
  /** Every task the runtime state knows, with its status (used at start to re-adopt). */
  list(): Promise<TaskInfo[]>;
  /** Removes the runtime state (forcibly if still running), unmounts the rootfs. */
  delete(id: string): Promise<ExitStatus | undefined>;
  /**
   * Makes the monitor write its log to a new file under the same path, after the engine
   * renamed the old one to rotate it.
   */
  reopenLog(id: string): Promise<void>;
}
