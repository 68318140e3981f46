// Mark and sweep over the content store and the snapshotter. Roots come from the stores that
// own references (images now, containers later); everything else is garbage: blobs and layer
// snapshots no image needs any more, and what a crash left half-made (extraction snapshots,
// blobs of an image whose record was never written).
//
// Operations that create content (load, import, pull) run inside `protect()`. A collection
// waits until none is in flight and holds new ones back while it runs, so it never removes a
// blob or snapshot that an operation has made but not yet referenced.

import type { Logger } from 'pino';
import type { ContentManager } from '../../content/content-store.js';
import type { Digest } from '../../core/digest.js';
import { kindOf } from '../../core/errors.js';
import type { Snapshotter } from '../../snapshots/snapshotter.js';

export interface GcRoots {
  /** Blobs that must stay. */
  blobs(): Iterable<Digest>;
  /** Snapshots (keys or names) that must stay; their ancestors stay too. */
  snapshots(): Iterable<string>;
}

export interface GcResult {
  blobsRemoved: Digest[];
  snapshotsRemoved: string[];
  bytesRemoved: number;
}

export class GarbageCollector {
  private inFlight = 0;
  private collecting: Promise<GcResult> | undefined;
  private idleWaiters: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly content: ContentManager,
    private readonly snapshotter: Snapshotter,
    private readonly roots: GcRoots[],
    private readonly log: Logger,
    /** The snapshot label holding a snapshot's size in bytes, when its creator set one. */
    private readonly sizeLabel: string,
  ) {}

  /** Runs `fn` while no collection can start; a failed `fn` leaves garbage, so collect after. */
  async protect<T>(fn: () => Promise<T>): Promise<T> {
    while (this.collecting) await this.collecting.catch(() => undefined);
    this.inFlight++;
    try {
      return await fn();
    } catch (err) {
      this.collectSoon();
      throw err;
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** Collects now (after in-flight operations finish) and reports what was removed. */
  async collect(): Promise<GcResult> {
    while (this.collecting) await this.collecting.catch(() => undefined);
    // Set synchronously with the check above, so protect() holds new operations back while
    // this collection waits for the running ones.
    const run = (async () => {
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      return this.sweep();
    })();
    this.collecting = run;
    try {
      return await run;
    } finally {
      if (this.collecting === run) this.collecting = undefined;
    }
  }

  /** Collects soon without making the caller wait (used where an operation is in flight). */
  collectSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.collect().catch((err: unknown) => this.log.error({ err }, 'garbage collection failed'));
    });
  }

  /** True when a collection could run at once (nothing in flight). */
  get idle(): boolean {
    return this.inFlight === 0 && this.collecting === undefined;
  }

  private async sweep(): Promise<GcResult> {
    const result: GcResult = { blobsRemoved: [], snapshotsRemoved: [], bytesRemoved: 0 };

    const keepBlobs = new Set<string>();
    const keepSnapshots = new Set<string>();
    for (const r of this.roots) {
      for (const b of r.blobs()) keepBlobs.add(b);
      for (const s of r.snapshots()) keepSnapshots.add(s);
    }

    // Snapshots: keep roots and their ancestors; remove the rest children first.
    const parents = new Map<string, string | undefined>();
    const sizes = new Map<string, number>();
    for await (const info of this.snapshotter.list()) {
      parents.set(info.name, info.parent);
      // Layers carry their size as a label; walking a tree to measure it costs an lstat a file.
      const size = Number(info.labels[this.sizeLabel] ?? Number.NaN);
      if (Number.isFinite(size)) sizes.set(info.name, size);
    }
    const marked = new Set<string>();
    for (const key of keepSnapshots) {
      for (let k: string | undefined = key; k !== undefined && !marked.has(k) && parents.has(k); k = parents.get(k)) {
        marked.add(k);
      }
    }
    let pending = [...parents.keys()].filter((k) => !marked.has(k));
    while (pending.length > 0) {
      const stillParents = new Set([...pending].map((k) => parents.get(k)).filter((p): p is string => p !== undefined));
      const leaves = pending.filter((k) => !stillParents.has(k));
      if (leaves.length === 0) break;
      for (const key of leaves) {
        try {
          await this.snapshotter.remove(key);
          result.snapshotsRemoved.push(key);
          result.bytesRemoved += sizes.get(key) ?? 0;
        } catch (err) {
          if (kindOf(err) !== 'not-found') this.log.warn({ err, key }, 'cannot remove snapshot');
        }
      }
      const done = new Set(leaves);
      pending = pending.filter((k) => !done.has(k));
    }

    for await (const info of this.content.list()) {
      if (keepBlobs.has(info.digest)) continue;
      try {
        await this.content.delete(info.digest);
        result.blobsRemoved.push(info.digest);
        result.bytesRemoved += info.size;
      } catch (err) {
        if (kindOf(err) !== 'not-found') this.log.warn({ err, digest: info.digest }, 'cannot remove blob');
      }
    }
    if (result.blobsRemoved.length > 0 || result.snapshotsRemoved.length > 0) {
      this.log.debug(
        { blobs: result.blobsRemoved.length, snapshots: result.snapshotsRemoved.length, bytes: result.bytesRemoved },
        'garbage collected',
      );
    }
    return result;
  }
}
