// Exec sessions: a second process in a running container (docker exec). An exec is created,
// then started attached (its output streamed, its exit code recorded before the stream ends,
// because clients inspect it right after) or detached. Sessions live in memory, as in Docker.

import { randomBytes } from 'node:crypto';
import { EngineError, conflict, kindOf } from '../../core/errors.js';
import type { Process } from '../../runtime/task-service.js';
import { DeferredAttach, type AttachSession } from './attach-session.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { exitCodeForStartError } from './container-service.js';
import { readRootfsFile } from './rootfs-files.js';
import { execProcess } from './spec/to-oci.js';
import { resolveUser } from './spec/user.js';

export interface ExecConfig {
  cmd: string[];
  env: string[];
  workingDir: string;
  user: string;
  tty: boolean;
  privileged: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  detachKeys: string;
  consoleSize?: { rows: number; cols: number };
}

export interface ExecInstance {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  process?: Process;
  /** The error that kept the process from starting, in the runtime's words. */
  error?: string;
}

export interface ExecStartOptions {
  detach: boolean;
  tty?: boolean;
  consoleSize?: { rows: number; cols: number };
}

export interface ExecStarted {
  session?: AttachSession;
  /** Resolves once the process exited and its exit code is recorded. */
  done: Promise<number>;
}

export class ExecService {
  private readonly execs = new Map<string, ExecInstance>();

  constructor(private readonly containers: ContainerService) {}

  create(ref: string, config: ExecConfig): string {
    const rec = this.containers.resolve(ref);
    if (rec.state.status === 'paused') throw conflict(`Container ${rec.id} is paused, unpause the container before exec`);
    if (rec.state.status !== 'running') throw conflict(`container ${rec.id} is not running`);
    if (config.cmd.length === 0) throw new EngineError('invalid-argument', 'No exec command specified');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { id, containerId: rec.id, config, running: false, exitCode: null, pid: 0 });
    this.containers.publish(rec, `exec_create: ${config.cmd.join(' ')}`, { execID: id });
    return id;
  }

  get(id: string): ExecInstance {
    const e = this.execs.get(id);
    if (!e) throw new EngineError('not-found', `No such exec instance: ${id}`);
    return e;
  }

  /** Exec IDs of a container (inspect's ExecIDs). */
  idsOf(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }

  /** The checks moby makes before it hijacks the connection (errors there are plain HTTP). */
  checkStart(id: string): ExecInstance {
    const e = this.get(id);
    if (e.running || e.exitCode !== null) throw conflict(`Error: Exec command ${id} is already running`);
    const rec = this.containers.resolve(e.containerId);
    if (rec.state.status === 'paused') throw conflict(`Container ${rec.id} is paused, unpause the container before exec`);
    if (rec.state.status !== 'running') throw conflict(`container ${rec.id} is not running`);
    return e;
  }

  async start(id: string, opts: ExecStartOptions): Promise<ExecStarted> {
    const e = this.checkStart(id);
    const rec = this.containers.resolve(e.containerId);
    const tty = opts.tty ?? e.config.tty;
    const task = await this.containers.task(rec);
    const rootfs = await this.containers.rootfsMounts(rec);
    const [passwd, group] = await Promise.all([readRootfsFile(rootfs, '/etc/passwd'), readRootfsFile(rootfs, '/etc/group')]);
    const user = resolveUser(e.config.user || rec.spec.user, rec.spec.host.groupAdd, passwd ?? '', group ?? '');
    const process = execProcess(rec.spec, { ...e.config, tty }, user, this.containers.execProcessOptions());
    let session: DeferredAttach | undefined;
    try {
      const proc = await task.exec({
        execId: id,
        process,
        io: { terminal: tty, stdin: e.config.attachStdin, ...(opts.consoleSize ? { consoleSize: opts.consoleSize } : {}) },
      });
      e.process = proc;
      if (!opts.detach) {
        session = new DeferredAttach({ stdout: e.config.attachStdout, stderr: e.config.attachStderr });
        await session.connect(await proc.attach());
      }
      e.running = true;
      this.containers.publish(rec, `exec_start: ${e.config.cmd.join(' ')}`, { execID: id });
      await proc.start();
      e.pid = proc.pid;
      return this.started(e, rec, proc, session);
    } catch (err) {
      // Docker records 126/127 for a command that cannot run, and reports the error.
      session?.close();
      e.running = false;
      const message = `OCI runtime exec failed: ${(err as Error).message}: unknown`;
      const code = exitCodeForStartError(message);
      e.exitCode = code === 125 ? 126 : code;
      e.error = message;
      throw new EngineError(kindOf(err) === 'internal' ? 'internal' : 'invalid-argument', message, { cause: err });
    }
  }

  private started(e: ExecInstance, rec: ContainerRecord, proc: Process, session: DeferredAttach | undefined): ExecStarted {
    const id = e.id;
    const done = proc.wait().then(
      (st) => {
        e.running = false;
        e.exitCode = st.exitCode;
        this.containers.publish(rec, 'exec_die', { execID: id, exitCode: String(st.exitCode) });
        return st.exitCode;
      },
      (err: unknown) => {
        e.running = false;
        e.exitCode = 126;
        e.error = (err as Error).message;
        return 126;
      },
    );
    return session ? { session, done } : { done };
  }

  async resize(id: string, size: { rows: number; cols: number }): Promise<void> {
    const e = this.get(id);
    if (!e.process || !e.running) throw conflict(`Exec ${id} is not running`);
    await e.process.resize(size);
  }

  /** Forgets the sessions of a removed container. */
  forget(containerId: string): void {
    for (const [id, e] of this.execs) if (e.containerId === containerId) this.execs.delete(id);
  }
}
