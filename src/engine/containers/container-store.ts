// Container records on disk: `<root>/<id>/container.json`, replaced atomically on every change,
// beside the container's other files (bundle, hosts, resolv.conf, hostname, log). All records
// are loaded at start and kept in memory; names are indexed for lookups and conflicts.

import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, noSuchContainer } from '../../core/errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { unmountAll } from '../../runtime/rootfs-mount.js';
import { mountPointsUnder } from '../../util/mounts.js';
import type { ContainerRecord } from './container-record.js';

const RECORD_FILE = 'container.json';
const REMOVING_PREFIX = '.removing-';

export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<ContainerStore> {
    await mkdir(root, { recursive: true, mode: 0o711 });
    const store = new ContainerStore(root);
    for (const entry of await readdir(root)) {
      // A removal a crash interrupted: finish it.
      if (entry.startsWith(REMOVING_PREFIX)) {
        await rm(join(root, entry), { recursive: true, force: true });
        continue;
      }
      let rec: ContainerRecord;
      try {
        rec = JSON.parse(await readFile(join(root, entry, RECORD_FILE), 'utf8')) as ContainerRecord;
      } catch (err) {
        // A directory whose record was never written: a create that did not finish.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          // Its root filesystem may still be mounted for a copy-up (volume-mounts.ts): never
          // delete through a mount.
          for (const m of (await mountPointsUnder(join(root, entry))).reverse()) await unmountAll(m);
          await rm(join(root, entry), { recursive: true, force: true });
          continue;
        }
        throw new EngineError('data-loss', `container record ${entry} is unreadable`, { cause: err });
      }
      store.byId.set(rec.id, rec);
      store.byName.set(rec.name, rec.id);
    }
    return store;
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  list(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): ContainerRecord | undefined {
    return this.byId.get(id);
  }

  idByName(name: string): string | undefined {
    return this.byName.get(name);
  }

  /** Full ID, unique ID prefix, or name (with or without the leading slash). */
  find(ref: string): ContainerRecord | undefined {
    const byId = this.byId.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const named = this.byName.get(name);
    if (named) return this.byId.get(named);
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    let found: ContainerRecord | undefined;
    for (const rec of this.byId.values()) {
      if (!rec.id.startsWith(ref)) continue;
      if (found) throw new EngineError('invalid-argument', `multiple IDs found with provided prefix: ${ref}`);
      found = rec;
    }
    return found;
  }

  resolve(ref: string): ContainerRecord {
    const rec = this.find(ref);
    if (!rec) throw noSuchContainer(ref);
    return rec;
  }

  /** Reserves the name and writes the first record; the directory must exist already. */
  async add(rec: ContainerRecord): Promise<void> {
    const owner = this.byName.get(rec.name);
    if (owner !== undefined && owner !== rec.id) throw nameConflict(rec.name, owner);
    this.byName.set(rec.name, rec.id);
    try {
      await writeJsonAtomic(join(this.dir(rec.id), RECORD_FILE), rec);
    } catch (err) {
      this.byName.delete(rec.name);
      throw err;
    }
    this.byId.set(rec.id, rec);
  }

  /** Reserves a name before the container's files exist (two creates racing for one name). */
  reserveName(name: string, id: string): void {
    const owner = this.byName.get(name);
    if (owner !== undefined && owner !== id) throw nameConflict(name, owner);
    this.byName.set(name, id);
  }

  releaseName(name: string, id: string): void {
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  async save(rec: ContainerRecord): Promise<void> {
    await writeJsonAtomic(join(this.dir(rec.id), RECORD_FILE), rec);
    this.byId.set(rec.id, rec);
  }

  async rename(rec: ContainerRecord, newName: string): Promise<ContainerRecord> {
    const owner = this.byName.get(newName);
    if (owner !== undefined && owner !== rec.id) throw nameConflict(newName, owner);
    const next = { ...rec, name: newName };
    this.byName.set(newName, rec.id);
    try {
      await this.save(next);
    } catch (err) {
      this.byName.delete(newName);
      throw err;
    }
    this.byName.delete(rec.name);
    return next;
  }

  /** Removes the record and the container's directory (renamed first, so it goes at once). */
  async remove(id: string): Promise<void> {
    const rec = this.byId.get(id);
    const dir = this.dir(id);
    // Never move or delete a directory with a filesystem mounted below it.
    const mounts = await mountPointsUnder(dir);
    if (mounts.length > 0) throw new EngineError('internal', `container ${id} still has mounts: ${mounts.join(', ')}`);
    const gone = join(this.root, `${REMOVING_PREFIX}${id}`);
    await rename(dir, gone).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.byId.delete(id);
    if (rec && this.byName.get(rec.name) === id) this.byName.delete(rec.name);
    await rm(gone, { recursive: true, force: true });
  }
}

export function nameConflict(name: string, ownerId: string): EngineError {
  return new EngineError(
    'conflict',
    `Conflict. The container name "/${name}" is already in use by container "${ownerId}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}
