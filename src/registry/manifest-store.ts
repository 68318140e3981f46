// Manifests, tags and referrers of each repository. A manifest's bytes go into the shared
// blob store; the repository gets a revision file (its media type) and, for a tag, a tag file
// naming the digest. Each is one small file replaced atomically, written in the order
// bytes → revision → referrer → tag, so a reader never finds a tag whose manifest is missing.

import { mkdir, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type Digest, isDigest, sha256Digest } from '../core/digest.js';
import type { Descriptor } from '../oci/descriptor.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { type FsBlobStore, exists } from './blob-store.js';
import { RegistryError, digestInvalid, manifestUnknown } from './errors.js';
import { checkManifest } from './manifest-check.js';
import type { RegistryLayout } from './layout.js';
import type { ManifestReference } from './names.js';

export interface StoredManifest {
  digest: Digest;
  mediaType: string;
  size: number;
  path: string;
}

export interface PutManifestResult {
  digest: Digest;
  subject?: Digest;
}

interface Revision {
  mediaType: string;
}

export class FsManifestStore {
  constructor(
    private readonly layout: RegistryLayout,
    private readonly blobs: FsBlobStore,
  ) {}

  /**
   * Stores a manifest under `ref`; `extraTags` (the spec's `?tag=` on a push by digest) point at
   * it as well.
   */
  async put(
    repository: string,
    ref: ManifestReference,
    bytes: Buffer,
    contentType: string | undefined,
    extraTags: string[] = [],
  ): Promise<PutManifestResult> {
    const checked = checkManifest(bytes, contentType);
    const digest = sha256Digest(bytes);
    if (ref.digest !== undefined && ref.digest !== digest) {
      throw digestInvalid('manifest digest did not match the reference', { digest: ref.digest, actual: digest });
    }
    for (const b of checked.blobs) {
      if ((await this.blobs.statLinked(repository, b.digest)) === undefined) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: b.digest });
      }
    }
    for (const m of checked.manifests) {
      if (!(await exists(this.layout.revision(repository, m.digest)))) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', 'manifest unknown to registry', { digest: m.digest });
      }
    }
    await this.blobs.putBytes(digest, bytes);
    const revision = this.layout.revision(repository, digest);
    await mkdir(dirname(revision), { recursive: true });
    const rev: Revision = { mediaType: checked.mediaType };
    await writeFileAtomic(revision, JSON.stringify(rev));
    if (checked.subject) {
      const desc: Descriptor = { mediaType: checked.mediaType, digest, size: bytes.length };
      if (checked.artifactType !== undefined) desc.artifactType = checked.artifactType;
      if (checked.annotations !== undefined) desc.annotations = checked.annotations;
      const path = this.layout.referrer(repository, checked.subject.digest, digest);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, JSON.stringify(desc));
    }
    const tags = ref.tag !== undefined ? [ref.tag, ...extraTags] : extraTags;
    if (tags.length > 0) await mkdir(this.layout.tagsDir(repository), { recursive: true });
    for (const tag of tags) await writeFileAtomic(this.layout.tag(repository, tag), digest);
    return checked.subject ? { digest, subject: checked.subject.digest } : { digest };
  }

  async resolve(repository: string, ref: ManifestReference): Promise<Digest> {
    if (ref.digest !== undefined) return ref.digest;
    let text: string;
    try {
      text = (await readFile(this.layout.tag(repository, ref.tag), 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw manifestUnknown(ref.tag);
      throw err;
    }
    if (!isDigest(text)) throw new RegistryError('MANIFEST_UNKNOWN', 'tag file damaged', { tag: ref.tag });
    return text;
  }

  async get(repository: string, ref: ManifestReference): Promise<StoredManifest> {
    const digest = await this.resolve(repository, ref);
    let rev: Revision;
    try {
      rev = JSON.parse(await readFile(this.layout.revision(repository, digest), 'utf8')) as Revision;
    } catch {
      throw manifestUnknown(ref.tag ?? digest);
    }
    const size = await this.blobs.statBlob(digest);
    if (size === undefined) throw manifestUnknown(ref.tag ?? digest);
    return { digest, mediaType: rev.mediaType, size, path: this.blobs.blobPath(digest) };
  }

  /**
   * Removes a tag, or a manifest with every tag pointing at it and its referrer entry. The
   * bytes stay in the blob store until gc.
   */
  async remove(repository: string, ref: ManifestReference): Promise<void> {
    if (ref.tag !== undefined) {
      await this.resolve(repository, ref);
      await unlink(this.layout.tag(repository, ref.tag));
      return;
    }
    const revision = this.layout.revision(repository, ref.digest);
    if (!(await exists(revision))) throw manifestUnknown(ref.digest);
    for (const tag of await this.tags(repository).catch(() => [])) {
      const target = await this.resolve(repository, { tag }).catch(() => undefined);
      if (target === ref.digest) await unlink(this.layout.tag(repository, tag)).catch(() => undefined);
    }
    const bytes = await readFile(this.blobs.blobPath(ref.digest)).catch(() => undefined);
    if (bytes) {
      const subject = subjectOf(bytes);
      if (subject) await rm(this.layout.referrer(repository, subject, ref.digest), { force: true });
    }
    await unlink(revision);
  }

  async tags(repository: string): Promise<string[]> {
    if (!(await exists(this.layout.repository(repository)))) {
      throw new RegistryError('NAME_UNKNOWN', 'repository name not known to registry', { name: repository });
    }
    const names = await readdir(this.layout.tagsDir(repository)).catch(() => [] as string[]);
    return names.filter((n) => !n.startsWith('.')).sort();
  }

  async referrers(repository: string, subject: Digest): Promise<Descriptor[]> {
    const dir = this.layout.referrersOf(repository, subject);
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: Descriptor[] = [];
    for (const n of names.filter((x) => !x.startsWith('.')).sort()) {
      const text = await readFile(join(dir, n), 'utf8').catch(() => undefined);
      if (text !== undefined) out.push(JSON.parse(text) as Descriptor);
    }
    return out;
  }

  /** Every repository with at least one manifest or blob, sorted. */
  async catalog(): Promise<string[]> {
    const out: string[] = [];
    const root = this.layout.repositoriesDir;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      if (entries.some((e) => e.name === '_manifests' || e.name === '_layers')) {
        out.push(relative(root, dir).split(sep).join('/'));
      }
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')) await walk(join(dir, e.name));
      }
    };
    await walk(root);
    return out.sort();
  }
}

function subjectOf(bytes: Buffer): Digest | undefined {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { subject?: { digest?: unknown } };
    const d = doc.subject?.digest;
    return typeof d === 'string' && isDigest(d) ? d : undefined;
  } catch {
    return undefined;
  }
}
