// The native (copy) snapshotter: the fallback when overlayfs does not work on the root (for
// example when berth itself runs on overlayfs). Every active snapshot is a full tree: prepare
// copies the parent's `fs` into the new snapshot's `fs` with `cp -a --reflink=auto`, which keeps
// owners, modes, times, hardlinks, xattrs, devices and fifos, and shares extents where the
// filesystem can (btrfs, xfs). Costs: prepare is O(size of the parent), and each layer stores
// the whole tree.
//
// Mount shapes (data only; nothing here mounts):
//   active                   bind rw of its fs
//   view on a parent         bind ro of the parent's fs: committed trees never change, so a
//                            view needs no copy
//   view, no parent          bind ro of its own (empty) fs
//
// usage() of an active snapshot counts its whole tree, what it copied included.

import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorMessage, internal } from '../../core/errors.js';
import type { Mount } from '../../core/mount.js';
import { MetastoreSnapshotter, type SnapshotLayout } from '../metastore-snapshotter.js';
import { SnapshotMetastore, type SnapshotRecord } from '../snapshot-metastore.js';

const execFileAsync = promisify(execFile);

export const NativeSnapshotter = {
  /** Creates the layout under `root` if needed and loads the metadata. */
  async open(root: string): Promise<MetastoreSnapshotter> {
    const store = await SnapshotMetastore.open(root);
    return new MetastoreSnapshotter(store, nativeLayout(store));
  },
};

function nativeLayout(store: SnapshotMetastore): SnapshotLayout {
  return {
    async populate(key: string, dir: string, parents: readonly SnapshotRecord[]): Promise<void> {
      const fs = join(dir, 'fs');
      await mkdir(fs, { mode: 0o755 });
      const [p] = parents;
      if (p === undefined) return;
      // `<src>/.` copies the contents and the root directory's own owner, mode and times.
      try {
        const args = ['-a', '--reflink=auto', `${store.fsDir(p.id)}/.`, `${fs}/`];
        await execFileAsync('cp', args, { maxBuffer: 4 * 1024 * 1024 });
      } catch (err) {
        throw internal(`prepare snapshot ${key}: copy of parent ${p.name} failed: ${toolError(err)}`, err);
      }
    },

    mounts(r: SnapshotRecord, parents: readonly SnapshotRecord[]): Mount[] {
      if (r.kind === 'active') return [{ type: 'bind', source: store.fsDir(r.id), options: ['rbind', 'rw'] }];
      const [p] = parents;
      return [{ type: 'bind', source: store.fsDir((p ?? r).id), options: ['rbind', 'ro'] }];
    },
  };
}

function toolError(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : errorMessage(err);
}
