// The state both snapshotters share: one directory per snapshot and one metadata file per
// snapshot, kept crash-safe together. The snapshotters decide what goes into a directory
// (an empty upper dir, a copy of the parent) and which mounts show it; this store decides when
// directories and metadata appear and disappear.
//
// Layout under the root:
//   snapshots/<id>/             one per snapshot; <id> is a short decimal integer, never reused,
//                               so overlay `lowerdir=` strings stay short and stable
//   snapshots/<id>/fs           the snapshot's own tree (what usage() measures)
//   snapshots/removing-<id>/    a removed snapshot's directory on its way out
//   metadata/<id>.json          {id, kind, name, parent, labels, created, updated}
//   metadata/next-id            the next id to hand out
//
// Crash safety comes from ordering, with metadata as the truth:
// - create: reserve the key in memory, make the directory, fill it, then write the metadata.
//   A crash before the metadata write leaves a directory without metadata: an orphan.
// - commit: rewrite the same id's metadata atomically (kind 'committed', the new name). The
//   directory never moves, so `lowerdir=` paths of children stay valid.
// - remove: delete the metadata and fsync, then rename the directory to `removing-<id>` and
//   delete it. A crash leaves an orphan or a `removing-*` directory.
// `cleanup()` deletes orphans, `removing-*` directories and stray temp files; `open()` deletes
// the temp files only (directories may be large, so the caller chooses when).
//
// All metadata changes run under one in-process mutex, so two prepares of one key cannot both
// succeed. Slow work (copying a parent, deleting a tree) runs outside it.

import { lstat, mkdir, opendir, readFile, readdir, realpath, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EngineError,
  alreadyExists,
  conflict,
  dataLoss,
  errorMessage,
  internal,
  invalidArgument,
  notFound,
} from '../core/errors.js';
import { fsyncDir, isTempName, writeJsonAtomic } from '../util/atomic-write.js';
import type { SnapshotInfo, SnapshotKind, SnapshotUsage } from './snapshotter.js';
import { mountPointsUnder } from '../util/mounts.js';

export const SNAPSHOTS_DIR = 'snapshots';
export const METADATA_DIR = 'metadata';
export const REMOVING_PREFIX = 'removing-';
const NEXT_ID_FILE = 'next-id';

/** Overlayfs stacks at most this many lower layers (the kernel's OVL_MAX_STACK). */
export const MAX_CHAIN_DEPTH = 500;

/** One snapshot's metadata, as stored in `metadata/<id>.json`. */
export interface SnapshotRecord {
  id: string;
  kind: SnapshotKind;
  /** The key of an active snapshot or view, the name of a committed one. */
  name: string;
  parent?: string;
  labels: Record<string, string>;
  /** ISO 8601 timestamps. */
  created: string;
  updated: string;
}

/** A snapshot with its ancestors, nearest first: what a snapshotter needs to build mounts. */
export interface ResolvedSnapshot {
  record: SnapshotRecord;
  parents: SnapshotRecord[];
}

/** Fills a new snapshot's directory; runs outside the mutex, so it may be slow. */
export type PopulateFn = (dir: string, parents: readonly SnapshotRecord[]) => Promise<void>;

export class SnapshotMetastore {
  /** The canonical (realpath) root, so mount options and mountinfo compare as equal strings. */
  readonly root: string;
  readonly #snapshotsDir: string;
  readonly #metadataDir: string;
  readonly #byKey = new Map<string, SnapshotRecord>();
  readonly #byId = new Map<string, SnapshotRecord>();
  // Snapshots between "directory made" and "metadata written": their key is taken and their
  // parent pinned, but stat/list do not show them yet.
  readonly #pending = new Map<string, SnapshotRecord>();
  // `removing-<id>` directories that a remove() in this process is deleting right now.
  readonly #removing = new Set<string>();
  readonly #mutex = new AsyncMutex();
  #nextId: number;
  #closed = false;

  private constructor(root: string, records: SnapshotRecord[], nextId: number) {
    this.root = root;
    this.#snapshotsDir = join(root, SNAPSHOTS_DIR);
    this.#metadataDir = join(root, METADATA_DIR);
    for (const r of records) {
      this.#byKey.set(r.name, r);
      this.#byId.set(r.id, r);
    }
    this.#nextId = nextId;
  }

  /** Creates the layout if needed, deletes stray temp files and loads all metadata. */
  static async open(root: string): Promise<SnapshotMetastore> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    const canonical = await realpath(root);
    const snapshotsDir = join(canonical, SNAPSHOTS_DIR);
    const metadataDir = join(canonical, METADATA_DIR);
    await mkdir(snapshotsDir, { recursive: true, mode: 0o700 });
    await mkdir(metadataDir, { recursive: true, mode: 0o700 });
    await removeTempFiles(metadataDir);

    const records: SnapshotRecord[] = [];
    let maxId = 0;
    let nextId = 1;
    for (const entry of await readdir(metadataDir)) {
      if (entry === NEXT_ID_FILE) {
        nextId = parseNextId(await readFile(join(metadataDir, entry), 'utf8'), join(metadataDir, entry));
        continue;
      }
      const m = /^(\d+)\.json$/.exec(entry);
      if (m === null) continue;
      const file = join(metadataDir, entry);
      const record = parseRecord(await readFile(file, 'utf8'), file);
      if (record.id !== m[1]) throw dataLoss(`snapshot metadata ${file} holds id ${record.id}`);
      records.push(record);
      maxId = Math.max(maxId, Number(record.id));
    }
    checkConsistency(records);
    // Directories count too: an orphan left by a crash still owns its id until cleanup().
    for (const entry of await readdir(snapshotsDir)) {
      const m = /^(?:removing-)?(\d+)$/.exec(entry);
      if (m !== null) maxId = Math.max(maxId, Number(m[1]));
    }
    records.sort((a, b) => Number(a.id) - Number(b.id));
    return new SnapshotMetastore(canonical, records, Math.max(nextId, maxId + 1));
  }

  /** `snapshots/<id>`: the directory a snapshotter fills. */
  snapshotDir(id: string): string {
    return join(this.#snapshotsDir, id);
  }

  /** `snapshots/<id>/fs`: the snapshot's own tree. */
  fsDir(id: string): string {
    return join(this.#snapshotsDir, id, 'fs');
  }

  /** Size and inodes of the snapshot's own `fs` tree (not its parents'). */
  async usage(key: string): Promise<SnapshotUsage> {
    const r = this.get(key);
    try {
      return await treeUsage(this.fsDir(r.id));
    } catch (err) {
      // Removed while we walked it.
      if (!this.#byId.has(r.id)) throw notFound(`snapshot ${key} does not exist`, err);
      throw internal(`usage of snapshot ${key}: ${errorMessage(err)}`, err);
    }
  }

  get(key: string): SnapshotRecord {
    this.#assertOpen();
    const r = this.#byKey.get(key);
    if (r === undefined) throw notFound(`snapshot ${key} does not exist`);
    return r;
  }

  resolve(key: string): ResolvedSnapshot {
    const record = this.get(key);
    return { record, parents: record.parent === undefined ? [] : this.#chain(record.parent) };
  }

  /** The visible snapshots at the time of the call, oldest id first. */
  records(): SnapshotRecord[] {
    this.#assertOpen();
    return [...this.#byId.values()];
  }

  /**
   * Creates an active snapshot or a view called `key` on `parent`. The directory exists (empty,
   * mode 0700) when `populate` runs; if populate fails, the directory is removed and the key
   * freed.
   */
  async create(
    kind: 'active' | 'view',
    key: string,
    parent: string | undefined,
    labels: Record<string, string> | undefined,
    populate: PopulateFn,
  ): Promise<ResolvedSnapshot> {
    const resolved = await this.#mutex.run(async () => {
      this.#assertOpen();
      checkName(key, 'key');
      if (this.#taken(key)) throw alreadyExists(`snapshot ${key} already exists`);
      const parents = parent === undefined ? [] : this.#chain(parent, true);
      if (parents.length > MAX_CHAIN_DEPTH) {
        throw invalidArgument(
          `parent ${parent} has ${parents.length} layers; at most ${MAX_CHAIN_DEPTH} can be stacked`,
        );
      }
      const id = await this.#allocateId();
      const now = new Date().toISOString();
      const record: SnapshotRecord = { id, kind, name: key, labels: copyLabels(labels), created: now, updated: now };
      if (parent !== undefined) record.parent = parent;
      try {
        await mkdir(this.snapshotDir(id), { mode: 0o700 });
      } catch (err) {
        throw internal(`create snapshot ${key}: ${errorMessage(err)}`, err);
      }
      this.#pending.set(key, record);
      return { record, parents };
    });
    const { record } = resolved;
    try {
      await populate(this.snapshotDir(record.id), resolved.parents);
      await this.#mutex.run(async () => {
        await writeJsonAtomic(this.#metadataPath(record.id), record);
        this.#pending.delete(key);
        this.#byKey.set(key, record);
        this.#byId.set(record.id, record);
      });
    } catch (err) {
      this.#pending.delete(key);
      // If this rm does not happen (a crash), the directory is an orphan for cleanup().
      await rm(this.snapshotDir(record.id), { recursive: true, force: true }).catch(() => undefined);
      if (err instanceof EngineError) throw err;
      throw internal(`create snapshot ${key}: ${errorMessage(err)}`, err);
    }
    return resolved;
  }

  /**
   * Turns the active snapshot `key` into the committed snapshot `name`. Labels given here
   * replace the active snapshot's labels; without them the labels carry over.
   */
  async commit(name: string, key: string, labels?: Record<string, string>): Promise<void> {
    await this.#mutex.run(async () => {
      this.#assertOpen();
      checkName(name, 'name');
      const r = this.get(key);
      if (r.kind !== 'active') {
        const what = r.kind === 'view' ? 'a view' : 'committed';
        throw invalidArgument(`snapshot ${key} is ${what}; only active snapshots can be committed`);
      }
      if (this.#taken(name)) throw alreadyExists(`snapshot ${name} already exists`);
      const now = new Date().toISOString();
      const next: SnapshotRecord = {
        ...r,
        kind: 'committed',
        name,
        labels: labels === undefined ? r.labels : copyLabels(labels),
        created: now,
        updated: now,
      };
      await this.#write(next, `commit snapshot ${key} as ${name}`);
      this.#byKey.delete(key);
      this.#byKey.set(name, next);
      this.#byId.set(next.id, next);
    });
  }

  /** Replaces labels; `fieldPaths` (`labels`, `labels.<k>`) limit the change. */
  async update(info: SnapshotInfo, fieldPaths?: string[]): Promise<SnapshotInfo> {
    return this.#mutex.run(async () => {
      const r = this.get(info.name);
      let labels: Record<string, string>;
      if (fieldPaths === undefined || fieldPaths.length === 0 || fieldPaths.includes('labels')) {
        labels = copyLabels(info.labels);
      } else {
        labels = { ...r.labels };
        for (const path of fieldPaths) {
          if (!path.startsWith('labels.') || path.length === 'labels.'.length) {
            throw invalidArgument(`cannot update field ${path} of snapshot ${info.name}; only labels can change`);
          }
          const k = path.slice('labels.'.length);
          const v = info.labels[k];
          if (v === undefined) delete labels[k];
          else labels[k] = v;
        }
      }
      const next: SnapshotRecord = { ...r, labels: copyLabels(labels), updated: new Date().toISOString() };
      await this.#write(next, `update snapshot ${info.name}`);
      this.#byKey.set(next.name, next);
      this.#byId.set(next.id, next);
      return toSnapshotInfo(next);
    });
  }

  /** Removes a snapshot that no other snapshot has as its parent. */
  async remove(key: string): Promise<void> {
    const removing = await this.#mutex.run(async () => {
      const r = this.get(key);
      if (this.#hasChildren(r.name)) throw conflict(`snapshot ${key} has children`);
      try {
        await unlink(this.#metadataPath(r.id));
        await fsyncDir(this.#metadataDir);
      } catch (err) {
        throw internal(`remove snapshot ${key}: ${errorMessage(err)}`, err);
      }
      this.#byKey.delete(key);
      this.#byId.delete(r.id);
      // From here on the snapshot is gone; the directory is only garbage, and a failure to
      // delete it is left to cleanup() instead of failing a remove that already happened.
      const target = join(this.#snapshotsDir, `${REMOVING_PREFIX}${r.id}`);
      try {
        await rename(this.snapshotDir(r.id), target);
      } catch {
        return undefined;
      }
      this.#removing.add(target);
      return target;
    });
    if (removing === undefined) return;
    try {
      await removeTree(removing);
    } catch {
      // left for cleanup()
    } finally {
      this.#removing.delete(removing);
    }
  }

  /**
   * Deletes directories without metadata (orphans of crashed creates and removes), `removing-*`
   * directories and stray temp files. A directory with something mounted inside is skipped and
   * reported, never deleted through the mount.
   */
  async cleanup(): Promise<void> {
    const victims = await this.#mutex.run(async () => {
      this.#assertOpen();
      // Under the mutex no metadata write is in flight, so every temp file is stray.
      await removeTempFiles(this.#metadataDir);
      const pendingIds = new Set([...this.#pending.values()].map((r) => r.id));
      const out: string[] = [];
      for (const entry of await readdir(this.#snapshotsDir)) {
        const path = join(this.#snapshotsDir, entry);
        if (this.#byId.has(entry) || pendingIds.has(entry) || this.#removing.has(path)) continue;
        out.push(path);
      }
      return out;
    });
    // Ids are never reused, so no new snapshot can take one of these paths meanwhile.
    const failures: string[] = [];
    let firstError: unknown;
    for (const path of victims) {
      try {
        await removeTree(path);
      } catch (err) {
        failures.push(`${path}: ${errorMessage(err)}`);
        firstError ??= err;
      }
    }
    if (failures.length > 0) {
      throw internal(`cleanup of snapshots could not remove ${failures.join('; ')}`, firstError);
    }
  }

  /** Waits for running metadata changes, then refuses further calls. Harmless to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#mutex.run(async () => undefined);
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineError('unavailable', 'snapshotter is closed');
  }

  #taken(key: string): boolean {
    return this.#byKey.has(key) || this.#pending.has(key);
  }

  #hasChildren(name: string): boolean {
    for (const r of this.#byId.values()) if (r.parent === name) return true;
    for (const r of this.#pending.values()) if (r.parent === name) return true;
    return false;
  }

  /** `parent` and its ancestors, nearest first. */
  #chain(parent: string, forCreate = false): SnapshotRecord[] {
    const out: SnapshotRecord[] = [];
    let name: string | undefined = parent;
    while (name !== undefined) {
      const r = this.#byKey.get(name);
      if (r === undefined) throw notFound(`parent snapshot ${name} does not exist`);
      if (forCreate && out.length === 0 && r.kind !== 'committed') {
        throw invalidArgument(`parent ${name} is not committed`);
      }
      out.push(r);
      name = r.parent;
    }
    return out;
  }

  async #allocateId(): Promise<string> {
    const id = this.#nextId;
    // Persisted before the directory is made, so an id is never handed out twice.
    await writeJsonAtomic(join(this.#metadataDir, NEXT_ID_FILE), id + 1);
    this.#nextId = id + 1;
    return String(id);
  }

  #metadataPath(id: string): string {
    return join(this.#metadataDir, `${id}.json`);
  }

  async #write(record: SnapshotRecord, what: string): Promise<void> {
    try {
      await writeJsonAtomic(this.#metadataPath(record.id), record);
    } catch (err) {
      throw internal(`${what}: ${errorMessage(err)}`, err);
    }
  }
}

export function toSnapshotInfo(r: SnapshotRecord): SnapshotInfo {
  const info: SnapshotInfo = {
    kind: r.kind,
    name: r.name,
    labels: { ...r.labels },
    created: new Date(r.created),
    updated: new Date(r.updated),
  };
  if (r.parent !== undefined) info.parent = r.parent;
  return info;
}

/**
 * Space used by one directory tree alone: the apparent size of regular files (a hardlinked
 * inode counted once) plus symlink sizes, and the number of distinct inodes, the root included.
 */
export async function treeUsage(dir: string): Promise<SnapshotUsage> {
  const seen = new Set<string>();
  let size = 0;
  const stack = [dir];
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    const st = await lstat(path);
    const ino = `${st.dev}:${st.ino}`;
    if (seen.has(ino)) continue;
    seen.add(ino);
    if (st.isFile() || st.isSymbolicLink()) size += st.size;
    if (st.isDirectory()) {
      // opendir streams entries, so a huge directory does not become one huge array.
      for await (const entry of await opendir(path)) stack.push(join(path, entry.name));
    }
  }
  return { size, inodes: seen.size };
}

/** rm -rf that refuses to descend into a mount (it would delete another filesystem's files). */
async function removeTree(dir: string): Promise<void> {
  const mounts = await mountPointsUnder(dir);
  if (mounts.length > 0) throw conflict(`${dir} has mounts under it: ${mounts.join(', ')}`);
  await rm(dir, { recursive: true, force: true });
}

/** A FIFO lock: `run(fn)` starts fn after every earlier fn has settled. */
class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release: () => void = () => undefined;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

async function removeTempFiles(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (isTempName(entry)) await rm(join(dir, entry), { force: true, recursive: true });
  }
}

function checkName(value: string, what: string): void {
  if (typeof value !== 'string' || value === '') throw invalidArgument(`snapshot ${what} must be a non-empty string`);
}

function copyLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (typeof v !== 'string') throw invalidArgument(`label ${k} must be a string`);
    out[k] = v;
  }
  return out;
}

const KINDS: readonly string[] = ['active', 'view', 'committed'] satisfies SnapshotKind[];

function parseRecord(text: string, file: string): SnapshotRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw dataLoss(`snapshot metadata ${file} is not valid JSON`, err);
  }
  const bad = (why: string): EngineError => dataLoss(`snapshot metadata ${file}: ${why}`);
  if (typeof raw !== 'object' || raw === null) throw bad('not an object');
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || !/^\d+$/.test(o.id)) throw bad('bad id');
  if (typeof o.kind !== 'string' || !KINDS.includes(o.kind)) throw bad('bad kind');
  if (typeof o.name !== 'string' || o.name === '') throw bad('bad name');
  if (o.parent !== undefined && (typeof o.parent !== 'string' || o.parent === '')) throw bad('bad parent');
  if (typeof o.labels !== 'object' || o.labels === null) throw bad('bad labels');
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.labels)) {
    if (typeof v !== 'string') throw bad(`label ${k} is not a string`);
    labels[k] = v;
  }
  for (const field of ['created', 'updated'] as const) {
    const v = o[field];
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw bad(`bad ${field}`);
  }
  const record: SnapshotRecord = {
    id: o.id,
    kind: o.kind as SnapshotKind,
    name: o.name,
    labels,
    created: o.created as string,
    updated: o.updated as string,
  };
  if (typeof o.parent === 'string') record.parent = o.parent;
  return record;
}

function parseNextId(text: string, file: string): number {
  let n: unknown;
  try {
    n = JSON.parse(text);
  } catch (err) {
    throw dataLoss(`${file} is not valid JSON`, err);
  }
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw dataLoss(`${file} does not hold a positive integer`);
  }
  return n;
}

// Removes never leave a parent without its children, so a dangling or uncommitted parent on
// disk means the store was changed behind our back.
function checkConsistency(records: SnapshotRecord[]): void {
  const byName = new Map<string, SnapshotRecord>();
  for (const r of records) {
    const other = byName.get(r.name);
    if (other !== undefined) throw dataLoss(`two snapshots are called ${r.name} (ids ${other.id} and ${r.id})`);
    byName.set(r.name, r);
  }
  for (const r of records) {
    if (r.parent === undefined) continue;
    const p = byName.get(r.parent);
    if (p === undefined) throw dataLoss(`parent snapshot ${r.parent} of ${r.name} does not exist`);
    if (p.kind !== 'committed') throw dataLoss(`parent ${r.parent} of ${r.name} is not committed`);
  }
}
