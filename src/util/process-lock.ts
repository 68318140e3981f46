// An exclusive lock held for the life of a process: a listening abstract Unix socket named
// after the locked path. The kernel allows one listener per name and frees it the moment the
// process dies, even on SIGKILL, so there is never a stale lock to clean up. (Abstract names
// are per network namespace; daemons sharing a data root share the host's.)

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';

export interface ProcessLock {
  release(): Promise<void>;
}

export class LockHeldError extends Error {
  constructor(readonly path: string) {
    super(`${path} is locked by another process`);
    this.name = 'LockHeldError';
  }
}

export async function acquireProcessLock(path: string, namespace: string): Promise<ProcessLock> {
  const name = `\0${namespace}-${createHash('sha256').update(path).digest('hex').slice(0, 32)}`;
  const server: Server = createServer((sock) => sock.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new LockHeldError(path) : err);
    });
    server.listen(name, () => resolve());
  });
  server.unref();
  return {
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
