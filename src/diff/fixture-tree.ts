// Test fixtures: directory trees as plain data, to compare what a layer produced.

import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from '../core/mount.js';

export interface TreeNode {
  type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'other';
  mode: number;
  uid: number;
  gid: number;
  /** File content (utf8), symlink target, or "major:minor" of a device. */
  value?: string;
  /** Seconds; left out for directories when `dirTimes` is false. */
  mtime?: number;
}

export function typeOf(st: Stats): TreeNode['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'other';
}

/** Linux dev_t split (glibc's major()/minor()), for small numbers. */
export function devOf(rdev: number): string {
  return `${Math.floor(rdev / 256) & 0xfff}:${(rdev & 0xff) | ((rdev >>> 12) & ~0xff)}`;
}

/** Every path below `root` (relative, sorted) with what it is. */
export function tree(root: string, opts: { dirTimes?: boolean } = {}): Record<string, TreeNode> {
  const out: Record<string, TreeNode> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const p = join(root, r);
      const st = lstatSync(p);
      const type = typeOf(st);
      const node: TreeNode = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (type === 'file') node.value = readFileSync(p, 'utf8');
      if (type === 'symlink') node.value = readlinkSync(p);
      if (type === 'char' || type === 'block') node.value = devOf(st.rdev);
      if (type !== 'dir' || opts.dirTimes !== false) node.mtime = Math.round(st.mtimeMs) / 1000;
      out[r] = node;
      if (type === 'dir') walk(r);
    }
  };
  walk('');
  return out;
}

export function bindMounts(dir: string): Mount[] {
  return [{ type: 'bind', source: dir, options: ['rbind', 'rw'] }];
}

export function overlayMounts(upper: string, work: string, lowers: readonly string[]): Mount[] {
  const options = ['index=off', `lowerdir=${lowers.join(':')}`, `upperdir=${upper}`, `workdir=${work}`];
  return [{ type: 'overlay', source: 'overlay', options }];
}
