// Volume records on disk, in Docker's layout: `<root>/<name>/volume.json` beside the data in
// `<root>/<name>/_data`, one document per volume replaced atomically. All are loaded at start
// and kept in memory. Which containers use a volume is not stored here: the container records
// say it, so the two can never disagree.

import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../core/errors.js';
import { isTempName, writeJsonAtomic } from '../../util/atomic-write.js';
import { mountPointsUnder } from '../../util/mounts.js';

/** The label Docker 23+ puts on anonymous volumes; `volume prune` keeps to those by default. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export interface VolumeRecord {
  name: string;
  driver: string;
  /** RFC 3339, seconds. */
  created: string;
  labels: Record<string, string>;
  /** The driver's options (`-o`): for local, type, device and o. */
  options: Record<string, string>;
}

const RECORD = 'volume.json';

export class VolumeStore {
  private readonly byName = new Map<string, VolumeRecord>();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<VolumeStore> {
    await mkdir(root, { recursive: true, mode: 0o701 });
    const store = new VolumeStore(root);
    for (const entry of await readdir(root)) {
      if (isTempName(entry)) continue;
      const dir = join(root, entry);
      for (const f of await readdir(dir).catch(() => [])) if (isTempName(f)) await rm(join(dir, f), { force: true });
      let text: string;
      try {
        text = await readFile(join(dir, RECORD), 'utf8');
      } catch {
        // A volume whose create did not finish (the driver made its directory, the record was
        // never written): it goes, unless something is mounted there (never delete through one).
        if ((await mountPointsUnder(dir)).length === 0) await rm(dir, { recursive: true, force: true });
        continue;
      }
      try {
        const rec = JSON.parse(text) as VolumeRecord;
        store.byName.set(rec.name, rec);
      } catch (err) {
        throw new EngineError('data-loss', `volume record ${entry}/${RECORD} is unreadable`, { cause: err });
      }
    }
    return store;
  }

  list(): VolumeRecord[] {
    return [...this.byName.values()];
  }

  get(name: string): VolumeRecord | undefined {
    return this.byName.get(name);
  }

  async save(rec: VolumeRecord): Promise<void> {
    await mkdir(join(this.root, rec.name), { recursive: true, mode: 0o701 });
    await writeJsonAtomic(join(this.root, rec.name, RECORD), rec);
    this.byName.set(rec.name, rec);
  }

  /** Forgets the record (the driver removes the directory). */
  async remove(name: string): Promise<void> {
    await rm(join(this.root, name, RECORD), { force: true });
    this.byName.delete(name);
  }
}
