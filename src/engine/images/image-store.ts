// The image catalogue: image records and the references (tags and digests) that name them,
// kept in one JSON document that is replaced atomically on every change. One document means
// an image appears together with its tags after a crash, or not at all. It stays small (a
// record is a few hundred bytes), so rewriting it per change is cheap at the scale of a host.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../core/digest.js';
import { EngineError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../util/atomic-write.js';
import { KeyedMutex } from '../../util/keyed-mutex.js';
import type { ImageRecord } from './image-record.js';

interface StoreDocument {
  version: 1;
  images: Record<string, ImageRecord>;
  /** Full reference string (`docker.io/library/busybox:latest`, `…@sha256:…`) → image ID. */
  references: Record<string, Digest>;
}

export class ImageStore {
  private readonly lock = new KeyedMutex();

  private constructor(
    private readonly file: string,
    private doc: StoreDocument,
  ) {}

  static async open(dir: string): Promise<ImageStore> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'images.json');
    let doc: StoreDocument = { version: 1, images: {}, references: {} };
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as StoreDocument;
      if (parsed.version !== 1 || typeof parsed.images !== 'object' || typeof parsed.references !== 'object') {
        throw new EngineError('data-loss', `image store ${file} has an unknown format`);
      }
      doc = parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // A reference to an image that is gone would make lookups fail later; drop it now.
    for (const [ref, id] of Object.entries(doc.references)) {
      if (!doc.images[id]) delete doc.references[ref];
    }
    return new ImageStore(file, doc);
  }

  list(): ImageRecord[] {
    return Object.values(this.doc.images);
  }

  get(id: Digest): ImageRecord | undefined {
    return this.doc.images[id];
  }

  resolve(ref: string): Digest | undefined {
    return this.doc.references[ref];
  }

  /** All references, sorted, optionally only those naming `id`. */
  references(id?: Digest): string[] {
    const refs = Object.entries(this.doc.references)
      .filter(([, target]) => id === undefined || target === id)
      .map(([ref]) => ref);
    return refs.sort();
  }

  /** IDs starting with `hexPrefix` (without the algorithm). */
  searchIdPrefix(hexPrefix: string): Digest[] {
    const want = `sha256:${hexPrefix}`;
    return Object.keys(this.doc.images).filter((id) => id.startsWith(want)) as Digest[];
  }

  /** Children by parent link (images built or committed on top of `id`). */
  children(id: Digest): Digest[] {
    return this.list()
      .filter((r) => r.parent === id)
      .map((r) => r.id);
  }

  /**
   * Adds or replaces an image record and points `refs` at it, in one write. Returns, per
   * reference, the image it named before (so callers can report the untag).
   */
  async put(record: ImageRecord, refs: string[] = []): Promise<Map<string, Digest>> {
    return this.mutate((doc) => {
      doc.images[record.id] = record;
      return setRefs(doc, refs, record.id);
    });
  }

  async setReferences(id: Digest, refs: string[], lastTagTime?: string): Promise<Map<string, Digest>> {
    return this.mutate((doc) => {
      const rec = doc.images[id];
      if (!rec) throw new EngineError('not-found', `image ${id} does not exist`);
      if (lastTagTime !== undefined) doc.images[id] = { ...rec, lastTagTime };
      return setRefs(doc, refs, id);
    });
  }

  async removeReferences(refs: string[]): Promise<void> {
    await this.mutate((doc) => {
      for (const r of refs) delete doc.references[r];
    });
  }

  /** Removes the record and every reference to it. */
  async remove(id: Digest): Promise<void> {
    await this.mutate((doc) => {
      delete doc.images[id];
      for (const [ref, target] of Object.entries(doc.references)) if (target === id) delete doc.references[ref];
    });
  }

  private async mutate<T>(fn: (doc: StoreDocument) => T): Promise<T> {
    return this.lock.run('doc', async () => {
      // Work on a copy so a failed write leaves memory equal to disk.
      const next = structuredClone(this.doc);
      const result = fn(next);
      await writeJsonAtomic(this.file, next);
      this.doc = next;
      return result;
    });
  }
}

function setRefs(doc: StoreDocument, refs: string[], id: Digest): Map<string, Digest> {
  const previous = new Map<string, Digest>();
  for (const r of refs) {
    const old = doc.references[r];
    if (old !== undefined && old !== id) previous.set(r, old);
    doc.references[r] = id;
  }
  return previous;
}
