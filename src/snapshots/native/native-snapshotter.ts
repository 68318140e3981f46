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

import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorMessage, internal, invalidArgument } from '../../core/errors.js';
import type { Mount } from '../../core/mount.js';
import { SnapshotMetastore, toSnapshotInfo, type SnapshotRecord } from '../snapshot-metastore.js';
import type {
  SnapshotCleaner,
  SnapshotInfo,
  SnapshotOpts,
  SnapshotUsage,
  Snapshotter,
} from '../snapshotter.js';

const execFileAsync = promisify(execFile);

export class NativeSnapshotter implements Snapshotter, SnapshotCleaner {
  readonly #store: SnapshotMetastore;

  private constructor(store: SnapshotMetastore) {
    this.#store = store;
  }

  /** Creates the layout under `root` if needed and loads the metadata. */
  static async open(root: string): Promise<NativeSnapshotter> {
    return new NativeSnapshotter(await SnapshotMetastore.open(root));
  }

  async stat(key: string): Promise<SnapshotInfo> {
    return toSnapshotInfo(this.#store.get(key));
  }

  async update(info: SnapshotInfo, fieldPaths?: string[]): Promise<SnapshotInfo> {
    return this.#store.update(info, fieldPaths);
  }

  /** The snapshot's own tree: for an active snapshot this includes what it copied. */
  async usage(key: string): Promise<SnapshotUsage> {
    return this.#store.usage(key);
  }

  async mounts(key: string): Promise<Mount[]> {
    const { record, parents } = this.#store.resolve(key);
    if (record.kind === 'committed') {
      throw invalidArgument(`snapshot ${key} is committed; only active snapshots and views have mounts`);
    }
    return this.#mounts(record, parents);
  }

  async prepare(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]> {
    const { record, parents } = await this.#store.create('active', key, parent, opts?.labels, async (dir, ps) => {
      const fs = join(dir, 'fs');
      await mkdir(fs, { mode: 0o755 });
      const [p] = ps;
      if (p === undefined) return;
      // `<src>/.` copies the contents and the root directory's own owner, mode and times.
      try {
        const args = ['-a', '--reflink=auto', `${this.#store.fsDir(p.id)}/.`, `${fs}/`];
        await execFileAsync('cp', args, { maxBuffer: 4 * 1024 * 1024 });
      } catch (err) {
        throw internal(`prepare snapshot ${key}: copy of parent ${p.name} failed: ${toolError(err)}`, err);
      }
    });
    return this.#mounts(record, parents);
  }

  async view(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]> {
    const { record, parents } = await this.#store.create('view', key, parent, opts?.labels, async (dir) => {
      await mkdir(join(dir, 'fs'), { mode: 0o755 });
    });
    return this.#mounts(record, parents);
  }

  async commit(name: string, key: string, opts?: SnapshotOpts): Promise<void> {
    await this.#store.commit(name, key, opts?.labels);
  }

  async remove(key: string): Promise<void> {
    await this.#store.remove(key);
  }

  async *list(): AsyncIterable<SnapshotInfo> {
    for (const r of this.#store.records()) yield toSnapshotInfo(r);
  }

  async cleanup(): Promise<void> {
    await this.#store.cleanup();
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  #mounts(r: SnapshotRecord, parents: readonly SnapshotRecord[]): Mount[] {
    if (r.kind === 'active') return [{ type: 'bind', source: this.#store.fsDir(r.id), options: ['rbind', 'rw'] }];
    const [p] = parents;
    return [{ type: 'bind', source: this.#store.fsDir((p ?? r).id), options: ['rbind', 'ro'] }];
  }
}

function toolError(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : errorMessage(err);
}
