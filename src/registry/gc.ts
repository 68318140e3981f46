// Garbage collection of the filesystem driver: mark every blob a manifest of any repository
// refers to (the manifests themselves, configs, layers, index entries), then remove the blobs
// nobody marked, the repository links that pointed at them, interrupted uploads older than
// `uploadsOlderThanMs`, and temp files of interrupted atomic writes. It must not run while a
// server writes to the same root (a blob pushed but not yet named by a manifest would look
// unused); src/cmd/registry.ts holds the root's process lock for both.

import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Digest, isDigest } from '../core/digest.js';
import { isTempName } from '../util/atomic-write.js';
import type { RegistryLayout } from './layout.js';

export interface GcOptions {
  dryRun: boolean;
  uploadsOlderThanMs: number;
}

export interface GcResult {
  marked: number;
  removedBlobs: Digest[];
  removedBytes: number;
  removedUploads: string[];
}

export async function collectGarbage(layout: RegistryLayout, opts: GcOptions): Promise<GcResult> {
  const marked = new Set<string>();
  const layerLinks: { path: string; digest: Digest }[] = [];
  await walkRepositories(layout.repositoriesDir, async (repoDir) => {
    for (const alg of await dirNames(join(repoDir, '_manifests', 'revisions'))) {
      for (const hex of await dirNames(join(repoDir, '_manifests', 'revisions', alg))) {
        const d = `${alg}:${hex}`;
        if (!isDigest(d)) continue;
        marked.add(d);
        for (const ref of await referencesOf(layout, d)) marked.add(ref);
      }
    }
    for (const alg of await dirNames(join(repoDir, '_layers'))) {
      for (const hex of await dirNames(join(repoDir, '_layers', alg))) {
        const d = `${alg}:${hex}`;
        if (isDigest(d)) layerLinks.push({ path: join(repoDir, '_layers', alg, hex), digest: d });
      }
    }
  });

  const result: GcResult = { marked: marked.size, removedBlobs: [], removedBytes: 0, removedUploads: [] };
  for (const alg of await dirNames(layout.blobsDir)) {
    for (const prefix of await dirNames(join(layout.blobsDir, alg))) {
      for (const name of await dirNames(join(layout.blobsDir, alg, prefix))) {
        const path = join(layout.blobsDir, alg, prefix, name);
        if (isTempName(name)) {
          if (!opts.dryRun) await rm(path, { force: true });
          continue;
        }
        const d = `${alg}:${name}`;
        if (!isDigest(d) || marked.has(d)) continue;
        result.removedBlobs.push(d);
        result.removedBytes += (await stat(path)).size;
        if (!opts.dryRun) await rm(path, { force: true });
      }
    }
  }
  if (!opts.dryRun) {
    const removed = new Set<string>(result.removedBlobs);
    for (const l of layerLinks) if (removed.has(l.digest)) await rm(l.path, { force: true });
  }
  const now = Date.now();
  for (const id of await dirNames(layout.uploadsDir)) {
    const dir = join(layout.uploadsDir, id);
    const mtime = await stat(join(dir, 'data')).then((s) => s.mtimeMs, () => 0);
    if (now - mtime < opts.uploadsOlderThanMs) continue;
    result.removedUploads.push(id);
    if (!opts.dryRun) await rm(dir, { recursive: true, force: true });
  }
  result.removedBlobs.sort();
  return result;
}

async function dirNames(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

async function walkRepositories(dir: string, fn: (repoDir: string) => Promise<void>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (entries.some((e) => e.name === '_manifests' || e.name === '_layers')) await fn(dir);
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')) await walkRepositories(join(dir, e.name), fn);
  }
}

/** The digests a stored manifest names: config, layers, index entries. */
async function referencesOf(layout: RegistryLayout, d: Digest): Promise<Digest[]> {
  let doc: { config?: { digest?: unknown }; layers?: { digest?: unknown }[]; manifests?: { digest?: unknown }[] };
  try {
    doc = JSON.parse(await readFile(layout.blob(d), 'utf8')) as typeof doc;
  } catch {
    return [];
  }
  const out: Digest[] = [];
  for (const x of [doc.config, ...(doc.layers ?? []), ...(doc.manifests ?? [])]) {
    if (x && typeof x.digest === 'string' && isDigest(x.digest)) out.push(x.digest);
  }
  return out;
}
