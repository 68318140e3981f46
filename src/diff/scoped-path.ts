// Resolving a container path inside the container's root directory on the host, as a lookup in
// a chroot would (moby's FollowSymlinkInScope): symlinks are followed with absolute targets
// restarting at the root, and `..` stops at the root. The result is always the root joined
// with real names only, so nothing a container holds (a link to the host's /etc, `../..`)
// makes a caller read or write outside the root.
//
// Components that do not exist are kept as they are (`..` after them still applies), so the
// caller decides whether a missing path is an error. The last component is followed only when
// asked: `cp` reads and stats a symlink itself unless the path ends in `/` or `/.`.
//
// The answer is only as good as the moment it was made: a process inside a running container
// could swap a directory for a symlink afterwards. Callers write with O_NOFOLLOW where they can
// (LayerWriter resolves every parent again inside its own root).

import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../core/errors.js';

/** Docker's scoped resolver gives up after 255 links. */
const MAX_LINKS = 255;

export interface ScopedPath {
  /** The resolved path on the host: `root` + `container`. */
  hostPath: string;
  /** The resolved path as the container sees it, absolute and clean (`/` for the root). */
  containerPath: string;
}

export async function resolveInRoot(root: string, path: string, opts: { followLast?: boolean } = {}): Promise<ScopedPath> {
  const resolved: string[] = [];
  let queue = path.split('/');
  let links = 0;
  while (queue.length > 0) {
    const c = queue.shift() as string;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    const last = queue.every((q) => q === '');
    const candidate = join(root, ...resolved, c);
    if (last && !opts.followLast) {
      resolved.push(c);
      continue;
    }
    const st = await lstat(candidate).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new EngineError('invalid-argument', `too many links in ${path}`);
      const target = await readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      queue = [...target.split('/'), ...queue];
      continue;
    }
    resolved.push(c);
  }
  const containerPath = `/${resolved.join('/')}`;
  return { hostPath: join(root, ...resolved), containerPath };
}

/** The last component of a container path as Docker names archive entries (`.` for `dir/.`). */
export function baseName(path: string): string {
  if (path === '' || /(^|\/)\.$/.test(path)) return '.';
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return parts[parts.length - 1] ?? '/';
}
