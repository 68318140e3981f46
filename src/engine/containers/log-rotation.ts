// Rotation of a running container's log by Docker's `--log-opt max-size=S --log-opt max-file=N`
// with N ≥ 2 (N = 1 is the monitor's own `logSizeMax`, which works while berthd is down).
//
// The monitor appends to `container.log`; when it holds S bytes or more the log is rotated:
// `container.log.(N-2)` → `.(N-1)` … `.1` → `.2` (the oldest beyond N-1 is overwritten), then
// `container.log` → `.1`, then the monitor is asked to reopen, which makes a new empty file
// under the name. Until it has, the monitor goes on writing into `.1`: nothing is lost, and
// followers of the log switch files as runtime/k8s-file-log.ts describes. Like Docker's
// json-file, a file may end a little over S: the check runs after writes, not before.
// While berthd is down, the log grows; rotation resumes when the container is re-adopted.
//
// Example:
//   const rotation = watchLogRotation(logPath, { maxSize: 1 << 20, maxFiles: 3 }, () => tasks.reopenLog(id), log);
//   … rotation.close();

import { type FSWatcher, watch } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';

/** Checks after writes run at most this often (a chatty container writes thousands of times a second). */
const MIN_GAP_MS = 50;

export interface RotationLimits {
  /** Rotate once the file holds this many bytes. */
  maxSize: number;
  /** Files kept, the current one included (≥ 2). */
  maxFiles: number;
}

export interface LogRotation {
  /** Rotates now if the file is at its limit; resolves when that is done (tests). */
  check(): Promise<void>;
  close(): void;
}

/** Renames `path` and its rotated files one step older; the oldest beyond the limit goes. */
export async function shiftLogFiles(path: string, maxFiles: number): Promise<void> {
  for (let i = maxFiles - 1; i > 1; i--) await renameIfPresent(`${path}.${i - 1}`, `${path}.${i}`);
  await rename(path, `${path}.1`);
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export function watchLogRotation(path: string, limits: RotationLimits, reopen: () => Promise<void>, log: Logger): LogRotation {
  if (limits.maxFiles < 2) throw new Error('log rotation needs max-file of 2 or more');
  const name = basename(path);
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRun = 0;

  const rotateIfFull = async (): Promise<void> => {
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size < limits.maxSize || closed) return;
    await shiftLogFiles(path, limits.maxFiles);
    await reopen();
  };

  // One check at a time; writes during a check make one more check afterwards.
  const check = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await rotateIfFull().catch((err: unknown) => log.warn({ err, path }, 'cannot rotate a container log'));
      } while (again && !closed);
      lastRun = Date.now();
      running = undefined;
    })();
    return running;
  };
  const schedule = (): void => {
    if (closed || timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        void check();
      },
      Math.max(0, lastRun + MIN_GAP_MS - Date.now()),
    );
  };

  // The directory, not the file: a watch on the file would follow it to its rotated name.
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) schedule();
    });
    watcher.on('error', (err) => log.warn({ err, path }, 'stopped watching a container log for rotation'));
  } catch (err) {
    log.warn({ err, path }, 'cannot watch a container log for rotation');
  }
  void check();
  return {
    check,
    close() {
      closed = true;
      watcher?.close();
      if (timer) clearTimeout(timer);
    },
  };
}
