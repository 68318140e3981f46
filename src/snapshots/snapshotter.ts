// Snapshotters keep filesystem trees for layers and containers (containerd's model).
//
// Order of calls: `prepare(key, parent)` makes an *active* snapshot and returns the mounts
// that show it (the snapshotter never mounts anything itself). The caller writes into it (a
// layer applied by diff/, or a container's changes), then `commit(name, key)` turns it into a
// read-only *committed* snapshot called `name`, which later snapshots name as their parent.
// `view(key, parent)` is a read-only active snapshot. `remove(key)` removes an active or
// committed snapshot that no other snapshot has as its parent (`conflict` otherwise).
//
// Example (unpacking a two-layer image; names are chain IDs):
//   const m1 = await sn.prepare('extract-1', undefined);  await apply(m1, layer1);
//   await sn.commit(chain1, 'extract-1');
//   const m2 = await sn.prepare('extract-2', chain1);     await apply(m2, layer2);
//   await sn.commit(chain2, 'extract-2');
//   const rootfs = await sn.prepare('container-abc', chain2);   // → Mount[] for the bundle
//
// Keys and names share one namespace. Every metadata change is crash-safe: after a crash the
// store shows each snapshot either wholly before or wholly after the change.

import type { Mount } from '../core/mount.js';

export type SnapshotKind = 'active' | 'view' | 'committed';

export interface SnapshotInfo {
  kind: SnapshotKind;
  /** The key of an active snapshot, the name of a committed one. */
  name: string;
  parent?: string;
  labels: Record<string, string>;
  created: Date;
  updated: Date;
}

export interface SnapshotUsage {
  /** Bytes used by this snapshot alone (not its parents). */
  size: number;
  inodes: number;
}

export interface SnapshotOpts {
  labels?: Record<string, string>;
}

export interface Snapshotter {
  stat(key: string): Promise<SnapshotInfo>;
  /** Replaces labels (the only mutable field); `fieldPaths` like `labels.x` limit the change. */
  update(info: SnapshotInfo, fieldPaths?: string[]): Promise<SnapshotInfo>;
  usage(key: string): Promise<SnapshotUsage>;
  mounts(key: string): Promise<Mount[]>;
  prepare(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]>;
  view(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]>;
  commit(name: string, key: string, opts?: SnapshotOpts): Promise<void>;
  remove(key: string): Promise<void>;
  list(): AsyncIterable<SnapshotInfo>;
  close(): Promise<void>;
}

/** Optional capability: remove directories left by crashes or by remove(). */
export interface SnapshotCleaner {
  cleanup(): Promise<void>;
}

export function isSnapshotCleaner(s: Snapshotter): s is Snapshotter & SnapshotCleaner {
  return typeof (s as Partial<SnapshotCleaner>).cleanup === 'function';
}
