// The image catalogue as Docker users see it: look up, list, inspect, history, tag, remove,
// prune. Creating images (load, import, pull, commit) lives in its own files and ends in
// `ImageService.add()`. Docker's rules for what `rmi` untags and deletes are followed
// step by step (moby daemon/images/image_delete.go), because scripts depend on its output.

import type { ContentProvider } from '../../content/content-store.js';
import { type Digest, shortId } from '../../core/digest.js';
import { EngineError, conflict, noSuchImage } from '../../core/errors.js';
import type { Filters } from '../../core/filters.js';
import { parseTimestampOrDuration, unixTimeToMillis } from '../../util/units.js';
import {
  type Reference,
  classifyImageRef,
  familiarMatch,
  familiarString,
  fullName,
  fullString,
  parseNormalizedNamed,
  parseRepoTag,
  withDefaultTag,
} from '../../core/reference.js';
import { type ImageConfig, parseImageConfig } from '../../oci/image.js';
import type { EventBus } from '../events/event-bus.js';
import type { GarbageCollector } from '../gc/garbage-collector.js';
import type { ImageRecord } from './image-record.js';
import type { ImageStore } from './image-store.js';

export interface ImageSummary {
  id: Digest;
  parent?: Digest;
  /** Familiar `name:tag` strings. */
  repoTags: string[];
  /** Familiar `name@sha256:…` strings. */
  repoDigests: string[];
  created: Date;
  size: number;
  labels: Record<string, string>;
  /** Containers using the image; -1 when not counted. */
  containers: number;
}

export interface ImageDetails extends ImageSummary {
  record: ImageRecord;
  config: ImageConfig;
}

export interface ImageHistoryItem {
  id: string;
  created: Date;
  createdBy: string;
  tags: string[];
  size: number;
  comment: string;
}

export type ImageRemoveItem = { untagged: string } | { deleted: string };

export interface ImageListOptions {
  all?: boolean;
  filters?: Filters;
  /** Fill `containers` (system df). */
  withContainerCounts?: boolean;
}

export interface ImageRemoveOptions {
  force?: boolean;
  /** Keep untagged parents (`--no-prune`). */
  noPrune?: boolean;
}

export interface ImagePruneOptions {
  /** Remove every unused image, not only dangling ones (`-a`). */
  all?: boolean;
  filters?: Filters;
}

export interface ImagePruneResult {
  deleted: ImageRemoveItem[];
  spaceReclaimed: number;
}

export interface ImageDiskUsage {
  images: ImageSummary[];
  layersSize: number;
}

/** Who uses an image; the container service answers once containers exist. */
export interface ImageUsers {
  containersUsing(imageId: Digest): { id: string; running: boolean }[];
}

export const IMAGE_LIST_FILTERS = ['dangling', 'label', 'label!', 'before', 'since', 'reference', 'until'];
export const IMAGE_PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'];

const NO_USERS: ImageUsers = { containersUsing: () => [] };

export class ImageService {
  private users: ImageUsers = NO_USERS;

  constructor(
    private readonly store: ImageStore,
    private readonly content: ContentProvider,
    private readonly events: EventBus,
    private readonly gc: GarbageCollector,
  ) {}

  /** Wired by the composition root once the container service exists. */
  setUsers(users: ImageUsers): void {
    this.users = users;
  }

  /** Finds an image by ID, ID prefix, name, name:tag or name@digest; 404 in Docker's words. */
  resolve(refOrId: string): ImageRecord {
    const found = this.find(refOrId);
    if (!found) throw noSuchImage(notFoundName(refOrId));
    return found;
  }

  find(refOrId: string): ImageRecord | undefined {
    const c = classifyImageRef(refOrId);
    if (c.kind === 'id') return this.store.get(c.id);
    const id = this.store.resolve(fullString(withDefaultTag(c.ref)));
    if (id) return this.store.get(id);
    // Docker tries a name first, then the same string as a truncated image ID.
    if (!c.maybeIdPrefix) return undefined;
    const ids = this.store.searchIdPrefix(c.maybeIdPrefix);
    if (ids.length > 1) throw new EngineError('not-found', `No such image: ${refOrId} (ambiguous prefix)`);
    return ids[0] === undefined ? undefined : this.store.get(ids[0]);
  }

  /** Every image record (the push looks for a compressed blob of a layer among them). */
  records(): ImageRecord[] {
    return this.store.list();
  }

  /** The tags of a repository that name an image here (`push` without a tag). */
  tagsOf(repo: Reference): string[] {
    const prefix = `${fullName(repo)}:`;
    return this.store
      .references()
      .filter((r) => r.startsWith(prefix) && !r.includes('@'))
      .map((r) => r.slice(prefix.length));
  }

  summary(rec: ImageRecord, containers = -1): ImageSummary {
    const tags: string[] = [];
    const digests: string[] = [];
    for (const ref of this.store.references(rec.id)) {
      const r = parseNormalizedNamed(ref);
      if (r.digest) digests.push(familiarString(r));
      else tags.push(familiarString(r));
    }
    const s: ImageSummary = {
      id: rec.id,
      repoTags: tags,
      repoDigests: digests,
      created: new Date(rec.created),
      size: rec.size,
      labels: rec.labels,
      containers,
    };
    if (rec.parent) s.parent = rec.parent;
    return s;
  }

  list(opts: ImageListOptions = {}): ImageSummary[] {
    const f = opts.filters;
    f?.validateKeys(IMAGE_LIST_FILTERS);
    const records = this.store.list();
    const hasChildren = new Set(records.map((r) => r.parent).filter((p): p is Digest => p !== undefined));
    const dangling = f?.getBoolOrDefault('dangling', false) ?? false;
    const danglingFilterSet = f?.has('dangling') ?? false;
    const before = f?.has('before') ? this.boundTime(f, 'before') : undefined;
    const since = f?.has('since') ? this.boundTime(f, 'since') : undefined;
    const until = f?.has('until') ? untilTime(f) : undefined;
    const refPatterns = f?.get('reference') ?? [];

    const out: ImageSummary[] = [];
    for (const rec of records) {
      const s = this.summary(rec, opts.withContainerCounts ? this.users.containersUsing(rec.id).length : -1);
      const isDangling = s.repoTags.length === 0;
      if (danglingFilterSet) {
        if (dangling !== isDangling) continue;
      } else if (!opts.all && isDangling && s.repoDigests.length === 0 && hasChildren.has(rec.id)) {
        continue; // an intermediate image: shown only with -a
      }
      const created = s.created.getTime();
      if (before !== undefined && created >= before) continue;
      if (since !== undefined && created <= since) continue;
      if (until !== undefined && created >= until) continue;
      if (f && !f.matchLabels(s.labels)) continue;
      if (refPatterns.length > 0) {
        const matched = this.matchingRefs(rec.id, refPatterns);
        if (matched.tags.length === 0 && matched.digests.length === 0) continue;
        // As Docker: only the matching references are listed.
        s.repoTags = matched.tags;
        s.repoDigests = matched.digests;
      }
      out.push(s);
    }
    out.sort((a, b) => b.created.getTime() - a.created.getTime() || a.id.localeCompare(b.id));
    return out;
  }

  async config(rec: ImageRecord): Promise<ImageConfig> {
    const reader = await this.content.open(rec.id);
    return parseImageConfig(await reader.readAll());
  }

  async inspect(refOrId: string): Promise<ImageDetails> {
    const rec = this.resolve(refOrId);
    return { ...this.summary(rec), record: rec, config: await this.config(rec) };
  }

  async history(refOrId: string): Promise<ImageHistoryItem[]> {
    let rec = this.resolve(refOrId);
    const cfg = await this.config(rec);
    const items: ImageHistoryItem[] = [];
    let layer = 0;
    for (const h of cfg.history ?? []) {
      let size = 0;
      if (!h.empty_layer) {
        const l = rec.layers[layer];
        if (!l) throw new EngineError('internal', 'too many non-empty layers in History section');
        size = l.contentSize;
        layer++;
      }
      items.unshift({
        id: '<missing>',
        created: new Date(h.created ?? 0),
        createdBy: h.created_by ?? '',
        tags: [],
        size,
        comment: h.comment ?? '',
      });
    }
    // Entries that are local images (this one and its local parents) get their IDs and tags.
    for (const item of items) {
      item.id = rec.id;
      item.tags = this.summary(rec).repoTags;
      const parent = rec.parent ? this.store.get(rec.parent) : undefined;
      if (!parent) break;
      rec = parent;
    }
    return items;
  }

  /** `docker tag`: points `repo:tag` at the source image. */
  async tag(source: string, repo: string, tag?: string): Promise<void> {
    const rec = this.resolve(source);
    const ref = parseRepoTag(repo, tag);
    await this.setReference(rec, ref);
  }

  /** Points a reference at an image and reports the tag (and the untag of a previous owner). */
  async setReference(rec: ImageRecord, ref: Reference): Promise<void> {
    const full = fullString(withDefaultTag(ref));
    const previous = await this.store.setReferences(rec.id, [full], new Date().toISOString());
    for (const oldId of previous.values()) this.publish(oldId, 'untag', oldId);
    this.publish(rec.id, 'tag', familiarString(withDefaultTag(ref)));
  }

  /** Adds a new image (from load, import, pull, commit) with its references. */
  async add(rec: ImageRecord, refs: Reference[] = []): Promise<void> {
    const full = refs.map((r) => fullString(r.digest ? r : withDefaultTag(r)));
    if (full.length > 0) rec = { ...rec, lastTagTime: new Date().toISOString() };
    const previous = await this.store.put(rec, full);
    for (const oldId of new Set(previous.values())) {
      this.publish(oldId, 'untag', oldId);
    }
  }

  publish(imageId: string, action: string, name: string): void {
    const rec = this.store.get(imageId as Digest);
    this.events.publish({
      type: 'image',
      action,
      actor: { id: imageId, attributes: { ...(rec?.labels ?? {}), name } },
    });
  }

  /** `docker rmi`: untags and, when nothing else names the image, deletes it. */
  async remove(refOrId: string, opts: ImageRemoveOptions = {}): Promise<ImageRemoveItem[]> {
    const rec = this.resolve(refOrId);
    const items: ImageRemoveItem[] = [];
    let refs = this.store.references(rec.id).map((r) => parseNormalizedNamed(r));
    const byId = isIdReference(refOrId, rec.id);

    if (!byId) {
      const given = withDefaultTagUnlessDigest(parseNormalizedNamed(refOrId));
      if (!opts.force) this.checkInUse(rec, `unable to remove repository reference "${refOrId}" (must force)`);
      await this.untag(rec.id, [given], items);
      refs = refs.filter((r) => fullString(r) !== fullString(given));
      // Removing the last tag of a repository also removes its digest references.
      if (!given.digest && !refs.some((r) => !r.digest && fullName(r) === fullName(given))) {
        const sameRepoDigests = refs.filter((r) => r.digest && fullName(r) === fullName(given));
        await this.untag(rec.id, sameRepoDigests, items);
        refs = refs.filter((r) => !sameRepoDigests.includes(r));
      }
      if (refs.length > 0) return items;
    } else if (isSingleReference(refs)) {
      if (!opts.force) this.checkDeleteConflicts(rec, false);
      await this.untag(rec.id, refs, items);
      refs = [];
    }
    await this.deleteImage(rec, refs, items, opts);
    return items;
  }

  async prune(opts: ImagePruneOptions = {}): Promise<ImagePruneResult> {
    opts.filters?.validateKeys(IMAGE_PRUNE_FILTERS);
    const f = opts.filters;
    const danglingOnly = !opts.all && (f?.getBoolOrDefault('dangling', true) ?? true);
    const until = f?.has('until') ? untilTime(f) : undefined;
    const records = this.store.list();
    const parents = new Set(records.map((r) => r.parent).filter((p): p is Digest => p !== undefined));
    const deleted: ImageRemoveItem[] = [];
    let spaceReclaimed = 0;
    for (const rec of records) {
      if (!this.store.get(rec.id)) continue; // removed as a parent of an earlier one
      if (parents.has(rec.id)) continue; // only heads; parents go with their children
      const s = this.summary(rec);
      if (danglingOnly && s.repoTags.length > 0) continue;
      if (this.users.containersUsing(rec.id).length > 0) continue;
      if (until !== undefined && s.created.getTime() >= until) continue;
      if (f && !f.matchLabels(s.labels)) continue;
      const before = this.uniqueLayerBytes();
      try {
        deleted.push(...(await this.remove(rec.id, { force: !danglingOnly })));
      } catch (err) {
        if (err instanceof EngineError && err.kind === 'conflict') continue;
        throw err;
      }
      spaceReclaimed += before - this.uniqueLayerBytes();
    }
    return { deleted, spaceReclaimed };
  }

  diskUsage(): ImageDiskUsage {
    const images = this.list({ all: true, withContainerCounts: true });
    return { images, layersSize: this.uniqueLayerBytes() };
  }

  private uniqueLayerBytes(): number {
    const seen = new Map<string, number>();
    for (const rec of this.store.list()) for (const l of rec.layers) seen.set(l.chainId, l.contentSize);
    let total = 0;
    for (const v of seen.values()) total += v;
    return total;
  }

  private async untag(id: Digest, refs: Reference[], items: ImageRemoveItem[]): Promise<void> {
    if (refs.length === 0) return;
    await this.store.removeReferences(refs.map((r) => fullString(r)));
    for (const r of refs) {
      items.push({ untagged: familiarString(r) });
      this.publish(id, 'untag', id);
    }
  }

  private async deleteImage(
    rec: ImageRecord,
    refs: Reference[],
    items: ImageRemoveItem[],
    opts: ImageRemoveOptions,
  ): Promise<void> {
    this.checkDeleteConflicts(rec, !!opts.force);
    if (refs.length > 0) {
      if (!opts.force) {
        throw conflict(`conflict: unable to delete ${shortId(rec.id)} (must be forced) - image is referenced in multiple repositories`);
      }
      await this.untag(rec.id, refs, items);
    }
    const chainIdsBefore = new Set(this.store.list().flatMap((r) => r.layers.map((l) => l.chainId)));
    await this.store.remove(rec.id);
    items.push({ deleted: rec.id });
    this.publish(rec.id, 'delete', rec.id);
    const stillUsed = new Set(this.store.list().flatMap((r) => r.layers.map((l) => l.chainId)));
    if (this.gc.idle) {
      const result = await this.gc.collect();
      const removed = new Set(result.snapshotsRemoved);
      for (const l of [...rec.layers].reverse()) {
        if (chainIdsBefore.has(l.chainId) && !stillUsed.has(l.chainId) && removed.has(l.chainId)) {
          items.push({ deleted: l.chainId });
        }
      }
    } else {
      this.gc.collectSoon();
    }
    // Untagged parents that nothing else needs go too, unless --no-prune.
    if (!opts.noPrune && rec.parent) {
      const parent = this.store.get(rec.parent);
      if (parent && this.store.references(parent.id).length === 0 && this.store.children(parent.id).length === 0) {
        if (this.users.containersUsing(parent.id).length === 0) await this.deleteImage(parent, [], items, opts);
      }
    }
  }

  private checkDeleteConflicts(rec: ImageRecord, force: boolean): void {
    if (this.store.children(rec.id).length > 0) {
      throw conflict(`conflict: unable to delete ${shortId(rec.id)} (cannot be forced) - image has dependent child images`);
    }
    const users = this.users.containersUsing(rec.id);
    const running = users.find((u) => u.running);
    if (running) {
      throw conflict(
        `conflict: unable to delete ${shortId(rec.id)} (cannot be forced) - image is being used by running container ${shortId(running.id)}`,
      );
    }
    const stopped = users[0];
    if (stopped && !force) {
      throw conflict(
        `conflict: unable to delete ${shortId(rec.id)} (must be forced) - image is being used by stopped container ${shortId(stopped.id)}`,
      );
    }
  }

  private checkInUse(rec: ImageRecord, prefix: string): void {
    // Untagging is refused only when this is the image's last reference and a container uses it.
    if (this.store.references(rec.id).length > 1) return;
    const user = this.users.containersUsing(rec.id)[0];
    if (user) {
      throw conflict(`conflict: ${prefix} - container ${shortId(user.id)} is using its referenced image ${shortId(rec.id)}`);
    }
  }

  private matchingRefs(id: Digest, patterns: string[]): { tags: string[]; digests: string[] } {
    const tags: string[] = [];
    const digests: string[] = [];
    for (const full of this.store.references(id)) {
      const r = parseNormalizedNamed(full);
      if (!patterns.some((p) => familiarMatch(p, r))) continue;
      (r.digest ? digests : tags).push(familiarString(r));
    }
    return { tags, digests };
  }

  private boundTime(f: Filters, key: string): number {
    let t = Infinity;
    for (const v of f.get(key)) {
      const rec = this.find(v);
      if (!rec) throw noSuchImage(notFoundName(v));
      t = Math.min(t, new Date(rec.created).getTime());
    }
    return t;
  }
}

/** The name Docker prints in `No such image: …` (a tag is added to bare names). */
export function notFoundName(refOrId: string): string {
  const c = (() => {
    try {
      return classifyImageRef(refOrId);
    } catch {
      return undefined;
    }
  })();
  if (c?.kind === 'reference' && !c.maybeIdPrefix) return familiarString(withDefaultTagUnlessDigest(c.ref));
  return refOrId;
}

function withDefaultTagUnlessDigest(r: Reference): Reference {
  return r.digest ? r : withDefaultTag(r);
}

function isIdReference(given: string, id: Digest): boolean {
  const hex = id.slice('sha256:'.length);
  const g = given.startsWith('sha256:') ? given.slice('sha256:'.length) : given;
  return /^[a-f0-9]+$/.test(g) && hex.startsWith(g);
}

/** moby's rule: at most one tag, and every reference within one repository. */
function isSingleReference(refs: Reference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: Reference | undefined;
  const canonicalNames = new Set<string>();
  for (const r of refs) {
    if (r.digest) canonicalNames.add(fullName(r));
    else if (single === undefined) single = r;
    else return false;
  }
  const one = single ?? refs[0]!;
  return canonicalNames.size === 1 && canonicalNames.has(fullName(one));
}

function untilTime(f: Filters): number {
  const now = new Date();
  return Math.min(...f.get('until').map((v) => unixTimeToMillis(parseTimestampOrDuration(v, now))));
}
