// What `runc start` does, without starting a runc process: a created runc container's init
// waits in open(2) on `<root>/<id>/exec.fifo` for a reader; the reader reads the byte init
// writes (and the EOF when init execs the user's process), then removes the fifo, which is
// how runc tells "created" from "running". One process less per container start (see
// docs/performance.md); runc 1.0–1.1 keep this protocol (libcontainer's exec()).
//
// Example:
//   if (!(await startThroughExecFifo(root, id))) await runc.start(id);

import { constants, open as openCb, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../core/errors.js';

const open = promisify(openCb);

/** How long init may take to reach its open(2) of the fifo once `runc create` has returned. */
const INIT_WAIT_MS = 10_000;
/** How often init's liveness is checked while the fifo stays silent. */
const INIT_POLL_MS = 20;

/**
 * Starts the created container `id` through its exec fifo. False when there is no fifo (not
 * created, or not runc's layout): the caller runs `runc start`, which says why in runc's words.
 */
export async function startThroughExecFifo(root: string, id: string): Promise<boolean> {
  const fifo = join(root, id, 'exec.fifo');
  const initPid = await readInitPid(join(root, id, 'state.json'));
  if (initPid === undefined) return false;
  let fd: number;
  try {
    // Non-blocking: open(2) returns at once even before init opens its end, so a dead init
    // can never leave a thread of the pool stuck in it.
    fd = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const bytes = await readUntilInitExecs(fd, initPid, id);
  if (bytes === 0) throw new EngineError('conflict', 'container process is already dead');
  await rm(fifo, { force: true });
  return true;
}

/**
 * Bytes init wrote, read until its end closes (it execs the container's process). Linux does
 * not report the end of a fifo that never had a writer, so init's death is watched as runc
 * does: if init is gone, what arrived is all there will be.
 */
function readUntilInitExecs(fd: number, initPid: number, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = new Socket({ fd, readable: true, writable: false });
    const deadline = Date.now() + INIT_WAIT_MS;
    let n = 0;
    const finish = (err?: Error): void => {
      clearInterval(watch);
      sock.destroy();
      if (err) reject(err);
      else resolve(n);
    };
    const watch = setInterval(() => {
      if (!isAlive(initPid)) finish();
      else if (Date.now() > deadline) finish(new EngineError('internal', `container ${id}: init did not open its exec fifo`));
    }, INIT_POLL_MS);
    sock.on('data', (c: Buffer) => (n += c.length));
    sock.on('end', () => finish());
    sock.on('error', (err) => finish(err));
  });
}

async function readInitPid(stateFile: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { init_process_pid?: unknown };
    return typeof state.init_process_pid === 'number' && state.init_process_pid > 0 ? state.init_process_pid : undefined;
  } catch {
    return undefined;
  }
}

/** Running, not a zombie its parent (conmon) has yet to reap. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
