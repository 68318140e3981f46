// Waiting for conmon's exit files: conmon writes the exit status as decimal text to a file
// named after the container in its exit directory (atomically: temp file, then rename), after
// the container's output has been written to the log. One watch on the directory serves every
// waiter; it exists only while someone waits, so an idle daemon holds none. Each waiter looks
// at the file once it is subscribed, so an exit that happened earlier, also while no daemon
// ran, is seen at once.

import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../core/errors.js';

export interface ExitFile {
  /** conmon's status: the exit code, 128 + signal, or -1 when unknown. */
  code: number;
  /** When the file was written. */
  at: Date;
}

/** The exit file `name` in `dir`, or undefined while there is none. */
export async function readExitFile(dir: string, name: string): Promise<ExitFile | undefined> {
  const path = join(dir, name);
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const code = Number.parseInt(text.trim(), 10);
    if (!Number.isFinite(code)) return undefined;
    return { code, at: st.mtime };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class ExitDirWatcher {
  private watcher: FSWatcher | undefined;
  private readonly waiters = new Map<string, Set<(f: ExitFile) => void>>();

  constructor(readonly dir: string) {}

  /** Resolves with the exit file once it exists. */
  async wait(name: string, signal?: AbortSignal): Promise<ExitFile> {
    signal?.throwIfAborted();
    let resolveFn!: (f: ExitFile) => void;
    let rejectFn!: (err: unknown) => void;
    const result = new Promise<ExitFile>((resolve, reject) => {
      resolveFn = resolve;
      rejectFn = reject;
    });
    // An abort can come while the first look is still reading: not an unhandled rejection.
    result.catch(() => undefined);
    const waiter = (f: ExitFile): void => resolveFn(f);
    const onAbort = (): void => rejectFn(signal?.reason ?? new EngineError('canceled', 'wait canceled'));
    let set = this.waiters.get(name);
    if (set === undefined) {
      set = new Set();
      this.waiters.set(name, set);
    }
    set.add(waiter);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.ensureWatching();
      // Subscribed first, looked second: an exit between the two is not missed.
      const now = await readExitFile(this.dir, name);
      if (now !== undefined) return now;
      return await result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      set.delete(waiter);
      if (set.size === 0) this.waiters.delete(name);
      if (this.waiters.size === 0) this.stopWatching();
    }
  }

  private ensureWatching(): void {
    if (this.watcher !== undefined) return;
    const w = watch(this.dir, { persistent: true }, (_event, file) => {
      if (file === null) {
        for (const name of this.waiters.keys()) this.check(name);
      } else if (this.waiters.has(file)) {
        this.check(file);
      }
    });
    w.on('error', () => {
      // The directory went away (state removed): the waiters learn it from a last look.
      this.stopWatching();
      for (const name of this.waiters.keys()) this.check(name);
    });
    this.watcher = w;
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private check(name: string): void {
    readExitFile(this.dir, name).then(
      (f) => {
        if (f === undefined) return;
        for (const w of this.waiters.get(name) ?? []) w(f);
      },
      () => undefined,
    );
  }
}
