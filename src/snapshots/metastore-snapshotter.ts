// The Snapshotter both implementations share: every call is the SnapshotMetastore's, except the
// two things a SnapshotLayout decides, which differ per filesystem mechanism: how prepare fills
// a new active snapshot's directory, and which mounts show a snapshot.
//
// Example (what NativeSnapshotter.open does):
//   const store = await SnapshotMetastore.open(root);
//   return new MetastoreSnapshotter(store, nativeLayout(store));

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '../core/errors.js';
import type { Mount } from '../core/mount.js';
import { toSnapshotInfo, type SnapshotMetastore, type SnapshotRecord } from './snapshot-metastore.js';
import type { SnapshotCleaner, SnapshotInfo, SnapshotOpts, SnapshotUsage, Snapshotter } from './snapshotter.js';

/** What one snapshotter mechanism (overlay, native copy) decides; the rest is the metastore's. */
export interface SnapshotLayout {
  /**
   * Fills the directory of the new active snapshot `key` on `parents` (nearest first): at least
   * its `fs`. Runs outside the metastore's mutex, so it may be slow; a failure removes the snapshot.
   */
  populate(key: string, dir: string, parents: readonly SnapshotRecord[]): Promise<void>;
  /** The mounts that show an active snapshot or a view (never a committed one). */
  mounts(record: SnapshotRecord, parents: readonly SnapshotRecord[]): Mount[];
}

export class MetastoreSnapshotter implements Snapshotter, SnapshotCleaner {
  readonly #store: SnapshotMetastore;
  readonly #layout: SnapshotLayout;

  constructor(store: SnapshotMetastore, layout: SnapshotLayout) {
    this.#store = store;
    this.#layout = layout;
  }

  async stat(key: string): Promise<SnapshotInfo> {
    return toSnapshotInfo(this.#store.get(key));
  }

  async update(info: SnapshotInfo, fieldPaths?: string[]): Promise<SnapshotInfo> {
    return this.#store.update(info, fieldPaths);
  }

  async usage(key: string): Promise<SnapshotUsage> {
    return this.#store.usage(key);
  }

  async mounts(key: string): Promise<Mount[]> {
    const { record, parents } = this.#store.resolve(key);
    if (record.kind === 'committed') {
      throw invalidArgument(`snapshot ${key} is committed; only active snapshots and views have mounts`);
    }
    return this.#layout.mounts(record, parents);
  }

  async prepare(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]> {
    const { record, parents } = await this.#store.create('active', key, parent, opts?.labels, (dir, ps) =>
      this.#layout.populate(key, dir, ps),
    );
    return this.#layout.mounts(record, parents);
  }

  /** A view's own `fs` stays empty in every layout: its mounts show the parents. */
  async view(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]> {
    const { record, parents } = await this.#store.create('view', key, parent, opts?.labels, async (dir) => {
      await mkdir(join(dir, 'fs'), { mode: 0o755 });
    });
    return this.#layout.mounts(record, parents);
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
}
