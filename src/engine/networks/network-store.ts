// Network records on disk: `<root>/<id>.json`, one document per network replaced atomically.
// All are loaded at start and kept in memory. Which containers use a network is not stored
// here: the container records say it (their endpoints), so the two can never disagree.

import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, notFound } from '../../core/errors.js';
import { isTempName, writeJsonAtomic } from '../../util/atomic-write.js';

export type NetworkDriverName = 'bridge' | 'host' | 'null';

export interface IpamPool {
  subnet: string;
  gateway: string;
  ipRange?: string;
  auxAddresses?: Record<string, string>;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: NetworkDriverName;
  created: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipam: { driver: string; options: Record<string, string>; config: IpamPool[] };
  /** The kernel bridge (bridge driver only). */
  bridge?: string;
  /** bridge, host and none: made by the daemon, never removed. */
  predefined: boolean;
}

export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();

  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<NetworkStore> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    const store = new NetworkStore(root);
    for (const entry of await readdir(root)) {
      if (isTempName(entry)) {
        await rm(join(root, entry), { force: true });
        continue;
      }
      if (!entry.endsWith('.json')) continue;
      try {
        const rec = JSON.parse(await readFile(join(root, entry), 'utf8')) as NetworkRecord;
        store.byId.set(rec.id, rec);
      } catch (err) {
        throw new EngineError('data-loss', `network record ${entry} is unreadable`, { cause: err });
      }
    }
    return store;
  }

  list(): NetworkRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): NetworkRecord | undefined {
    return this.byId.get(id);
  }

  byName(name: string): NetworkRecord | undefined {
    return this.list().find((n) => n.name === name);
  }

  /** Docker's lookup: full ID, full name, then a unique ID prefix. */
  resolve(ref: string): NetworkRecord {
    const exact = this.byId.get(ref) ?? this.byName(ref);
    if (exact) return exact;
    const matches = ref.length > 0 ? this.list().filter((n) => n.id.startsWith(ref)) : [];
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new EngineError('invalid-argument', `network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`);
    throw notFound(`network ${ref} not found`);
  }

  async save(rec: NetworkRecord): Promise<void> {
    await writeJsonAtomic(join(this.root, `${rec.id}.json`), rec);
    this.byId.set(rec.id, rec);
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.root, `${id}.json`), { force: true });
    this.byId.delete(id);
  }
}
