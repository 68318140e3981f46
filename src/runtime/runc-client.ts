// A typed wrapper over the command line of runc (and of runtimes that copy it: crun, youki).
// One instance per runtime binary and state root; every call is one process. Each daemon, and
// each test, passes its own `--root`, so two daemons never see each other's containers.
//
// The runtime is run with `--log-format json`, so its errors arrive on stderr as JSON lines;
// a failure becomes an EngineError carrying the runtime's own words ("container does not
// exist"), with a kind the engine can map: not-found, conflict (wrong state) or internal.
//
// Example:
//   const runc = new RuncClient({ binary: '/usr/sbin/runc', root: '/run/berth/runc' });
//   await runc.start(id);
//   await runc.kill(id, 'TERM', { all: true });
//   const { status } = await runc.state(id);

import { spawn } from 'node:child_process';
import { access, readFile, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EngineError, type ErrorKind } from '../core/errors.js';
import type { OciResources } from '../oci/runtime-spec.js';
import { startThroughExecFifo } from './runc-exec-fifo.js';

export interface RuncClientOptions {
  /** The runtime binary (absolute path, or a name looked up in PATH). */
  binary: string;
  /** The runtime's state directory (`--root`). */
  root: string;
  /** More global options, placed before the subcommand (e.g. `--systemd-cgroup`). */
  runtimeArgs?: string[];
}

export type RuncStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** `runc state` output (the OCI runtime state, plus runc's `created`). */
export interface RuncState {
  id: string;
  /** 0 once the container has stopped. */
  pid: number;
  status: RuncStatus;
  bundle: string;
  created?: string;
  annotations?: Record<string, string>;
}

export class RuncClient {
  readonly binary: string;
  readonly root: string;
  private readonly extra: string[];

  constructor(opts: RuncClientOptions) {
    this.binary = opts.binary;
    this.root = opts.root;
    this.extra = opts.runtimeArgs ?? [];
  }

  /** The global options of every call; conmon passes them on as `--runtime-arg`s. */
  globalArgs(): string[] {
    return ['--root', this.root, '--log-format', 'json', ...this.extra];
  }

  /**
   * What `runc delete` does for a container whose processes are all gone, without a runc
   * process: its cgroups removed, then its state directory. False (nothing removed that would
   * matter) when that cannot be done here — a cgroup still has processes, or the state is not
   * runc's — and `delete()` is the way.
   */
  async deleteExited(id: string): Promise<boolean> {
    if (basename(this.binary) !== 'runc') return false;
    const dir = join(this.root, id);
    let paths: string[];
    try {
      const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { cgroup_paths?: Record<string, string> };
      paths = Object.values(state.cgroup_paths ?? {});
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' && !(await exists(dir));
    }
    for (const p of paths) {
      try {
        await rmdir(p);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      }
    }
    await rm(dir, { recursive: true, force: true });
    return true;
  }

  /** False only when this is runc and it has no state for `id`: then there is nothing to delete. */
  async mayHave(id: string): Promise<boolean> {
    return basename(this.binary) !== 'runc' || (await exists(join(this.root, id)));
  }

  async state(id: string): Promise<RuncState> {
    const out = await this.run(['state', id]);
    return parseState(out, `${this.binary} state ${id}`);
  }

  /** Every container in this root. */
  async list(): Promise<RuncState[]> {
    const out = await this.run(['list', '--format', 'json']);
    const parsed: unknown = JSON.parse(out.trim() === '' ? 'null' : out);
    if (parsed === null) return [];
    if (!Array.isArray(parsed)) throw new EngineError('internal', `${this.binary} list: unexpected output`);
    return parsed.map((s: unknown) => parseState(JSON.stringify(s), `${this.binary} list`));
  }

  async start(id: string): Promise<void> {
    if (basename(this.binary) === 'runc' && (await startThroughExecFifo(this.root, id))) return;
    await this.run(['start', id]);
  }

  /** Sends a signal (name with or without SIG, or number) to the init, or with `all` to every process. */
  async kill(id: string, signal: string | number, opts: { all?: boolean } = {}): Promise<void> {
    await this.run(['kill', ...(opts.all === true ? ['--all'] : []), id, String(signal)]);
  }

  /** Removes the container's state; `force` kills it first. A missing container is no error with `force`. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.run(['delete', ...(opts.force === true ? ['--force'] : []), id]);
  }

  async pause(id: string): Promise<void> {
    await this.run(['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.run(['resume', id]);
  }

  /** Changes the container's cgroup limits (`runc update -r -`, the resources as JSON on stdin). */
  async update(id: string, resources: OciResources): Promise<void> {
    await this.run(['update', '--resources', '-', id], JSON.stringify(resources));
  }

  /** Host PIDs of the processes in the container. */
  async ps(id: string): Promise<number[]> {
    const out = await this.run(['ps', '--format', 'json', id]);
    const parsed: unknown = JSON.parse(out.trim() === '' ? 'null' : out);
    if (parsed === null) return [];
    if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'number')) {
      throw new EngineError('internal', `${this.binary} ps: unexpected output`);
    }
    return parsed as number[];
  }

  private run(args: string[], input?: string): Promise<string> {
    const argv = [...this.globalArgs(), ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, argv, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e) => reject(new EngineError('unavailable', `cannot run ${this.binary}: ${e.message}`, { cause: e })));
      child.on('close', (code, signal) => {
        if (code === 0) {
          resolve(Buffer.concat(out).toString('utf8'));
          return;
        }
        const stderr = Buffer.concat(err).toString('utf8');
        const how = code === null ? `signal ${signal ?? '?'}` : `code ${code}`;
        reject(runtimeError(stderr, `${this.binary} ${args[0] ?? ''} exited with ${how}`));
      });
      if (input !== undefined) {
        child.stdin?.on('error', () => undefined); // the runtime may exit before reading; 'close' reports why
        child.stdin?.end(input);
      }
    });
  }
}

/** The error a runtime reported, from its stderr (JSON log lines or plain text). */
export function runtimeError(stderr: string, fallback: string): EngineError {
  const message = runtimeMessage(stderr) ?? fallback;
  return new EngineError(runtimeErrorKind(message), message);
}

/** The last error message in a runtime's log output, if any. */
export function runtimeMessage(text: string): string | undefined {
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('{')) {
      try {
        const entry: unknown = JSON.parse(t);
        if (isLogEntry(entry) && (entry.level === 'error' || entry.level === 'fatal')) found = entry.msg;
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    // logrus text format: time="…" level=error msg="…"
    const m = /level=(?:error|fatal) msg="((?:[^"\\]|\\.)*)"/.exec(t);
    if (m?.[1] !== undefined) found = m[1].replace(/\\(.)/g, '$1');
    else if (found === undefined) found = t;
  }
  return found;
}

function isLogEntry(v: unknown): v is { level: string; msg: string } {
  return typeof v === 'object' && v !== null && typeof (v as { msg?: unknown }).msg === 'string' &&
    typeof (v as { level?: unknown }).level === 'string';
}

/**
 * The kind of a runtime failure. Failing to run the process itself is the caller's mistake
 * (moby: startInvalidConfigError), which is what the engine turns into exit status 126/127.
 */
export function runtimeErrorKind(message: string): ErrorKind {
  if (/does not exist|container not found/i.test(message)) return 'not-found';
  if (/executable file not found|no such file or directory|permission denied|is a directory/i.test(message)) {
    return 'invalid-argument';
  }
  if (/not running|not paused|not stopped|not created|cannot start|cannot exec in a|already|is paused|is stopped|has stopped/i.test(message)) {
    return 'conflict';
  }
  return 'internal';
}

const STATUSES: readonly RuncStatus[] = ['creating', 'created', 'running', 'paused', 'stopped'];

function parseState(text: string, what: string): RuncState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new EngineError('internal', `${what}: output is not JSON`, { cause: err });
  }
  if (typeof v !== 'object' || v === null) throw new EngineError('internal', `${what}: unexpected output`);
  const o = v as Record<string, unknown>;
  const status = o['status'];
  if (typeof o['id'] !== 'string' || typeof status !== 'string' || !STATUSES.includes(status as RuncStatus)) {
    throw new EngineError('internal', `${what}: unexpected output`);
  }
  const state: RuncState = {
    id: o['id'],
    pid: typeof o['pid'] === 'number' ? o['pid'] : 0,
    status: status as RuncStatus,
    bundle: typeof o['bundle'] === 'string' ? o['bundle'] : '',
  };
  if (typeof o['created'] === 'string') state.created = o['created'];
  const ann = o['annotations'];
  if (typeof ann === 'object' && ann !== null) state.annotations = ann as Record<string, string>;
  return state;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
