// Starting conmon, the per-container monitor, and speaking its pipe protocol (API version 1).
//
// conmon double-forks: the process we spawn writes the monitor's pid to --conmon-pidfile and
// exits at once; the monitor keeps the pipes it inherited and talks through them:
//   - sync pipe (`_OCI_SYNCPIPE`): one JSON line `{"data": N}` once `runc create` (or
//     `runc exec --detach`) has returned, N being the process's pid; on failure N < 0 and
//     `"message"` holds the runtime's stderr. An exec session then sends a second line with
//     its exit status when the process has exited.
//   - start pipe (`_OCI_STARTPIPE`): conmon blocks on a first read before it forks, and with
//     --exec-attach the runtime child blocks on a second read before it runs `runc exec`.
//     Any byte (or EOF) releases each read. A container's create uses the first read to start
//     conmon while the rootfs is still being mounted.
//   - attach pipe (`_OCI_ATTACHPIPE`, with --exec-attach): `{"data": 0}` once the attach
//     socket listens, so a client can connect before the process produces output.
// Node hands extra stdio entries over as Unix socketpairs, which conmon reads and writes like
// pipes. conmon's working directory gets an `oom` file on an OOM kill, so it is the task's own
// directory.
//
// Order for a container: launchConmon({ gated }) → mount the rootfs → launch.release() →
// await launch.pid() → (attach) → runc start.
// Order for an exec session: launchConmon({ exec }) → await launch.attachReady() → connect →
// launch.release() → await launch.pid() → await launch.exit().

import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../core/errors.js';
import { runtimeError } from './runc-client.js';

export interface ConmonConfig {
  conmonPath: string;
  /** The OCI runtime binary (absolute: conmon checks it with access(2)) and its global options. */
  runtime: { path: string; args: string[] };
  /** The container id (`runc exec` names the container by it too). */
  cid: string;
  /** A short unique name: conmon makes `<socketDir>/<cuuid>` → bundle, for the attach socket. */
  cuuid: string;
  name?: string;
  /** The bundle (container) or the session directory (exec): gets `attach`, `ctl`, `winsz`. */
  bundle: string;
  /** conmon's working directory. */
  cwd: string;
  containerPidFile: string;
  conmonPidFile: string;
  /** Gets `exit` (the exit status) and `oom` files. */
  persistDir: string;
  socketDir: string;
  /** Gets a file named after `cid` holding the exit status. */
  exitDir?: string;
  /** k8s-file log; none when absent (exec sessions). */
  logPath?: string;
  /** conmon replaces the log with an empty file once it has written this many bytes to it. */
  logSizeMax?: number;
  terminal: boolean;
  stdin: boolean;
  /** Keep the process's stdin open when an attached client closes its input or detaches. */
  leaveStdinOpen?: boolean;
  /** Run an exec session (`runc exec`) of this process spec in the running container. */
  exec?: { processSpec: string };
}

/** conmon's command line for a config (without the binary). */
export function conmonArgs(c: ConmonConfig): string[] {
  const args = [
    '--api-version', '1',
    '--cid', c.cid,
    '--cuuid', c.cuuid,
    '--name', c.name ?? c.cid,
    '--runtime', c.runtime.path,
    ...c.runtime.args.flatMap((a) => ['--runtime-arg', a]),
    '--bundle', c.bundle,
    '--container-pidfile', c.containerPidFile,
    '--conmon-pidfile', c.conmonPidFile,
    '--persist-dir', c.persistDir,
    '--socket-dir-path', c.socketDir,
    '--log-path', c.logPath === undefined ? 'none' : `k8s-file:${c.logPath}`,
  ];
  if (c.logPath !== undefined && c.logSizeMax !== undefined) args.push('--log-size-max', String(c.logSizeMax));
  if (c.exitDir !== undefined) args.push('--exit-dir', c.exitDir);
  if (c.terminal) args.push('--terminal');
  if (c.stdin) args.push('--stdin');
  if (c.stdin && c.leaveStdinOpen === true && c.exec === undefined) args.push('--leave-stdin-open');
  if (c.exec !== undefined) args.push('--exec', '--exec-attach', '--exec-process-spec', c.exec.processSpec);
  return args;
}

/** One `{"data": N, "message"?: "…"}` line from conmon. */
export interface SyncMessage {
  data: number;
  message?: string;
}

export function parseSyncMessage(line: string): SyncMessage {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new EngineError('internal', `conmon sent ${JSON.stringify(line)}`, { cause: err });
  }
  if (typeof v !== 'object' || v === null || typeof (v as { data?: unknown }).data !== 'number') {
    throw new EngineError('internal', `conmon sent ${JSON.stringify(line)}`);
  }
  const msg = (v as { message?: unknown }).message;
  return typeof msg === 'string' ? { data: (v as { data: number }).data, message: msg } : { data: (v as { data: number }).data };
}

/** Reads newline-delimited sync messages from one of conmon's pipes, one at a time. */
export class SyncReader {
  private buf = '';
  private readonly queue: SyncMessage[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    stream: Readable,
    private readonly what: string,
    private readonly diagnostics: () => Promise<string>,
  ) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buf += chunk;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i).trim();
        this.buf = this.buf.slice(i + 1);
        if (line === '') continue;
        try {
          this.queue.push(parseSyncMessage(line));
        } catch (err) {
          this.failure = err instanceof Error ? err : new Error(String(err));
        }
      }
      this.notify();
    });
    const finish = (): void => {
      this.ended = true;
      this.notify();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', (err) => {
      this.failure ??= err;
      finish();
    });
  }

  /** The next message; rejects on EOF, on a malformed message or after `timeoutMs` (if given). */
  async next(timeoutMs?: number, signal?: AbortSignal): Promise<SyncMessage> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    for (;;) {
      const msg = this.queue.shift();
      if (msg !== undefined) return msg;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) {
        const why = await this.diagnostics();
        throw new EngineError('internal', `conmon closed its ${this.what} pipe without a message${why === '' ? '' : `: ${why}`}`);
      }
      signal?.throwIfAborted();
      const left = deadline === undefined ? undefined : deadline - Date.now();
      if (left !== undefined && left <= 0) {
        throw new EngineError('unavailable', `no message from conmon on its ${this.what} pipe after ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = left === undefined ? undefined : setTimeout(done, left);
        const onAbort = (): void => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        function done(): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        this.wake = done;
      });
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

export interface LaunchOptions {
  /** How long to wait for each message (default 60 s: runc create on a large rootfs is slow). */
  timeoutMs?: number;
  /** A container: conmon waits for release() before it runs the runtime. */
  gated?: boolean;
}

/** A started conmon: its pipes, until the caller drops them with close(). */
export class ConmonLaunch {
  private readonly sync: SyncReader;
  private readonly attachPipe: SyncReader | undefined;
  private readonly startPipe: Writable | undefined;
  private output = '';
  private spawnError: Error | undefined;
  private parentExit: string | undefined;
  private readonly timeoutMs: number;
  private readonly parentGone: Promise<void>;
  private readonly exec: boolean;

  constructor(
    private readonly child: ChildProcess,
    exec: boolean,
    opts: LaunchOptions,
  ) {
    this.exec = exec;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    const collect = (c: Buffer): void => {
      if (this.output.length < 8192) this.output += c.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.parentGone = new Promise<void>((resolve) => {
      child.on('error', (err) => {
        this.spawnError = err;
        resolve();
      });
      child.on('exit', (code, sig) => {
        if (code !== 0) this.parentExit = code === null ? `killed by ${sig ?? 'a signal'}` : `exit status ${code}`;
        resolve();
      });
    });
    // The pipe can close before the exit of the process we spawned is reported: wait for it.
    const diagnostics = async (): Promise<string> => {
      await this.parentGone;
      return [this.spawnError?.message, this.parentExit, this.output.trim()].filter((s) => s !== undefined && s !== '').join('; ');
    };
    const pipe = (fd: number): Readable & Writable => child.stdio[fd] as Readable & Writable;
    this.sync = new SyncReader(pipe(3), 'sync', diagnostics);
    if (exec || opts.gated === true) {
      this.startPipe = pipe(4);
      this.startPipe.on('error', () => undefined); // conmon gone: the sync pipe says why
    }
    if (exec) {
      this.attachPipe = new SyncReader(pipe(5), 'attach', diagnostics);
      // The first read, before conmon forks (podman moves conmon into a cgroup there).
      this.startPipe?.write('0');
    }
  }

  /** The process's pid once the runtime has created it; a runtime failure rejects with its words. */
  async pid(signal?: AbortSignal): Promise<number> {
    const msg = await this.sync.next(this.timeoutMs, signal);
    if (msg.data <= 0) throw runtimeError(msg.message ?? '', `conmon reported failure ${msg.data}`);
    return msg.data;
  }

  /** Resolves once the process we spawned has exited (after writing --conmon-pidfile). */
  forked(): Promise<void> {
    return this.parentGone;
  }

  /** Exec sessions: resolves once the attach socket listens. */
  async attachReady(signal?: AbortSignal): Promise<void> {
    if (this.attachPipe === undefined) throw new EngineError('internal', 'attachReady() is for exec sessions');
    const msg = await this.attachPipe.next(this.timeoutMs, signal);
    if (msg.data < 0) throw runtimeError(msg.message ?? '', 'conmon could not set up the attach socket');
  }

  /** Lets conmon run the runtime: `runc create` (gated) or `runc exec` (exec sessions). */
  release(): void {
    this.startPipe?.end('0');
  }

  /** Gives up on a gated launch before release(): conmon has not forked yet, so it is still our child. */
  abort(): void {
    if (!this.exec && this.startPipe !== undefined && this.child.exitCode === null) this.child.kill('SIGKILL');
    this.close();
  }

  /** Exec sessions: the exit status (conmon's second sync message); waits as long as the process runs. */
  async exit(): Promise<number> {
    const msg = await this.sync.next();
    return msg.data;
  }

  /** Drops our ends of the pipes. */
  close(): void {
    for (const fd of [3, 4, 5]) {
      const s = this.child.stdio[fd] as Readable | null | undefined;
      s?.destroy();
    }
  }
}

/** Spawns conmon; it has forked (or failed) by the time the first message arrives. */
export function launchConmon(c: ConmonConfig, opts: LaunchOptions = {}): ConmonLaunch {
  const exec = c.exec !== undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3' };
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe', 'pipe'];
  if (exec || opts.gated === true) {
    env['_OCI_STARTPIPE'] = '4';
    stdio.push('pipe');
  }
  if (exec) {
    env['_OCI_ATTACHPIPE'] = '5';
    stdio.push('pipe');
  }
  const child = spawn(c.conmonPath, conmonArgs(c), { cwd: c.cwd, env, stdio });
  return new ConmonLaunch(child, exec, opts);
}
