// What a container changed, read from its overlay upper directory: the change list of
// `docker diff`, and the layer tar `docker commit` (and later the builder) makes of it.
//
// In the upper directory a deletion is a character device 0:0 and a directory whose lower
// contents are hidden carries trusted.overlay.opaque=y (whiteout.ts). Everything else there was
// written by the container: added when no lower layer has the path, modified otherwise. In the
// layer tar the same facts become OCI whiteouts: an empty `.wh.<name>` file, and
// `.wh..wh..opq` inside an opaque directory.
//
// Paths the runtime makes as mount points (/proc, /etc/hosts, …) are not the container's
// changes; Docker keeps them in a separate init layer. They are left out of both, with
// everything below them.
//
// Example (commit):
//   const layer = layerFromUpper({ upper, lowers, ignore: RUNTIME_PATHS });
//   await ingest(layer.stream);

import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { TreePacker } from './tree-packer.js';
import { OVERLAY_OPAQUE_XATTR, WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from './whiteout.js';

/** Mount points the runtime adds to every container (moby's init layer), as container paths. */
export const RUNTIME_PATHS: ReadonlySet<string> = new Set([
  '/proc',
  '/sys',
  '/dev',
  '/.dockerenv',
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/etc/mtab',
]);

export type ChangeKind = 'modified' | 'added' | 'deleted';

export interface Change {
  /** Absolute container path. */
  path: string;
  kind: ChangeKind;
}

export interface UpperDir {
  upper: string;
  /** Lower directories, topmost first. */
  lowers: readonly string[];
  /** Container paths left out with everything below them. */
  ignore?: ReadonlySet<string>;
}

/**
 * The changes in Docker's order (sorted by path). A directory that only holds changes (overlay
 * copied it up) is listed as modified, as Docker lists the parents of changes.
 */
export async function upperChanges(dir: UpperDir): Promise<Change[]> {
  const out: Change[] = [];
  await walk(dir, '', async (path, _st, kind) => {
    if (kind === 'whiteout') {
      out.push({ path, kind: 'deleted' });
      return;
    }
    out.push({ path, kind: (await lowerStat(dir.lowers, path)) ? 'modified' : 'added' });
    if (kind === 'opaque') {
      // What the lower layers had here is hidden now: deleted, unless written again above.
      const above = new Set(await readdir(join(dir.upper, path)));
      const hidden = new Set<string>();
      for (const l of dir.lowers) {
        for (const name of await readdir(join(l, path)).catch(() => [] as string[])) if (!above.has(name)) hidden.add(name);
      }
      for (const name of hidden) out.push({ path: `${path}/${name}`, kind: 'deleted' });
    }
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The upper directory as a layer tar with OCI whiteouts; `stream` ends when it is all written. */
export function layerFromUpper(dir: UpperDir): { stream: Readable; done: Promise<{ contentBytes: number }> } {
  const packer = new TreePacker();
  const done = (async () => {
    await walk(dir, '', async (path, st, kind) => {
      const name = path.slice(1);
      if (kind === 'whiteout') {
        const i = name.lastIndexOf('/');
        const wh = `${name.slice(0, i + 1)}${WHITEOUT_PREFIX}${name.slice(i + 1)}`;
        await packer.entry({ name: wh, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: st.mtime, size: 0 }, EMPTY);
        return;
      }
      await packer.addPath(join(dir.upper, path), name, st);
      if (kind === 'opaque') {
        await packer.entry({ name: `${name}/${WHITEOUT_OPAQUE}`, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: st.mtime, size: 0 }, EMPTY);
      }
    });
    packer.finalize();
    return { contentBytes: packer.contentBytes };
  })();
  done.catch((err: unknown) => packer.destroy(err));
  return { stream: packer.stream, done };
}

/** tar-stream waits for the content of a file entry given no buffer. */
const EMPTY = Buffer.alloc(0);

type EntryKind = 'whiteout' | 'opaque' | 'plain';

/** Depth first, sorted, parents before children; `fn` gets absolute container paths. */
async function walk(dir: UpperDir, rel: string, fn: (path: string, st: Stats, kind: EntryKind) => Promise<void>): Promise<void> {
  const names = (await readdir(join(dir.upper, rel))).sort();
  for (const n of names) {
    const path = `${rel}/${n}`;
    if (dir.ignore?.has(path)) continue;
    const host = join(dir.upper, path);
    const st = await lstat(host);
    if (st.isCharacterDevice() && st.rdev === 0) {
      await fn(path, st, 'whiteout');
      continue;
    }
    const opaque = st.isDirectory() && (await isOpaque(host));
    await fn(path, st, opaque ? 'opaque' : 'plain');
    if (st.isDirectory()) await walk(dir, path, fn);
  }
}

async function lowerStat(lowers: readonly string[], path: string): Promise<Stats | undefined> {
  for (const l of lowers) {
    const st = await lstat(join(l, path)).catch(() => undefined);
    if (st) return st.isCharacterDevice() && st.rdev === 0 ? undefined : st;
  }
  return undefined;
}

async function isOpaque(dir: string): Promise<boolean> {
  const { getAttribute } = await import('@napi-rs/xattr');
  const v = await getAttribute(dir, OVERLAY_OPAQUE_XATTR).catch(() => null);
  return v !== null && v.toString() === 'y';
}
