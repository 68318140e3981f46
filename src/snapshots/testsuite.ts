// The conformance suite every Snapshotter implementation runs (containerd's
// core/snapshots/testsuite idea). It checks behaviour through the public interface, and checks
// content through real mounts of the returned Mount[]: a snapshotter whose metadata is right
// but whose mounts show the wrong files fails here.
//
// Usage, from an implementation's test file:
//   snapshotterSuite('overlay', (root) => OverlaySnapshotter.open(root), { requiresRoot: true });
//
// Tests that mount need root and skip, naming the reason, without it; with `requiresRoot` every
// test does. The crash test relies on the shared on-disk layout of snapshot-metastore.ts.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { link, mkdir, readFile, readdir, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { needsRoot, tempDir } from '../../test/helpers/env.js';
import { isEngineError, type ErrorKind } from '../core/errors.js';
import type { Mount } from '../core/mount.js';
import { METADATA_DIR, REMOVING_PREFIX, SNAPSHOTS_DIR } from './snapshot-metastore.js';
import { isSnapshotCleaner, type SnapshotInfo, type Snapshotter } from './snapshotter.js';

const execFileAsync = promisify(execFile);

type TestContext = { after(fn: () => void | Promise<void>): void };

/**
 * Mounts `mounts` (stacked, in order) on `target`, runs `fn(target)`, and always unmounts.
 * Bind mounts with `ro` are made read-only with a remount, as runc does.
 */
export async function withMounts<T>(mounts: Mount[], target: string, fn: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(target, { recursive: true });
  let mounted = 0;
  try {
    for (const m of mounts) {
      await mountOne(m, target);
      mounted++;
    }
    return await fn(target);
  } finally {
    for (; mounted > 0; mounted--) await execFileAsync('umount', [target]);
  }
}

async function mountOne(m: Mount, target: string): Promise<void> {
  if (m.type === 'overlay') {
    await execFileAsync('mount', ['-t', 'overlay', m.source, '-o', m.options.join(','), target]);
    return;
  }
  if (m.type !== 'bind') throw new Error(`test mount helper: unsupported mount type ${m.type}`);
  await execFileAsync('mount', [m.options.includes('rbind') ? '--rbind' : '--bind', m.source, target]);
  if (!m.options.includes('ro')) return;
  try {
    await execFileAsync('mount', ['-o', 'remount,bind,ro', target]);
  } catch (err) {
    await execFileAsync('umount', [target]);
    throw err;
  }
}

/** Files to write (string) or delete (null), relative to the mounted root. */
type Changes = Record<string, string | null>;

async function applyChanges(dir: string, changes: Changes): Promise<void> {
  for (const [path, content] of Object.entries(changes)) {
    const full = join(dir, path);
    if (content === null) {
      await rm(full, { recursive: true });
    } else {
      await mkdir(join(full, '..'), { recursive: true });
      await writeFile(full, content);
    }
  }
}

/** The files under `dir` (relative paths) with their contents; directories are not listed. */
async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(dir.length + 1)] = await readFile(full, 'utf8');
  }
  return out;
}

async function rejectsWith(p: Promise<unknown>, kind: ErrorKind, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isEngineError(err), `expected an EngineError, got ${String(err)}`);
    assert.equal(err.kind, kind, `kind of "${err.message}"`);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  });
}

async function collect(sn: Snapshotter): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  for await (const info of sn.list()) out.push(info);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function snapshotterSuite(
  name: string,
  factory: (root: string) => Promise<Snapshotter>,
  opts: { requiresRoot?: boolean } = {},
): void {
  const mountSkip = needsRoot();
  const baseSkip = opts.requiresRoot === true ? mountSkip : false;

  /** A fresh snapshotter on a private root; `mnt(n)` is a mount target inside the temp dir. */
  async function setup(t: TestContext): Promise<{ sn: Snapshotter; root: string; mnt: (n: string) => string }> {
    const tmp = tempDir(t, `berth-snap-${name}-`);
    const root = join(tmp, 'root');
    const sn = await factory(root);
    t.after(() => sn.close());
    return { sn, root, mnt: (n) => join(tmp, 'mnt', n) };
  }

  /** prepare → mount → write → unmount → commit: one layer, as diff/ would make it. */
  async function layer(
    sn: Snapshotter,
    mnt: string,
    layerName: string,
    parent: string | undefined,
    changes: Changes,
  ): Promise<void> {
    const key = `extract-${layerName}`;
    const mounts = await sn.prepare(key, parent);
    await withMounts(mounts, mnt, (dir) => applyChanges(dir, changes));
    await sn.commit(layerName, key);
  }

  describe(`snapshotter conformance: ${name}`, () => {
    it('prepare, stat, commit, list and remove', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      const mounts = await sn.prepare('a', undefined, { labels: { role: 'base' } });
      assert.ok(mounts.length > 0);
      const active = await sn.stat('a');
      assert.equal(active.kind, 'active');
      assert.equal(active.name, 'a');
      assert.equal(active.parent, undefined);
      assert.deepEqual(active.labels, { role: 'base' });
      assert.ok(active.created instanceof Date && active.updated instanceof Date);
      assert.deepEqual(await sn.mounts('a'), mounts);

      await sn.commit('layer1', 'a');
      await rejectsWith(sn.stat('a'), 'not-found', /snapshot a does not exist/);
      const committed = await sn.stat('layer1');
      assert.equal(committed.kind, 'committed');
      assert.deepEqual(committed.labels, { role: 'base' }, 'labels carry over when commit gives none');
      await rejectsWith(sn.mounts('layer1'), 'invalid-argument');

      await sn.prepare('b', 'layer1');
      await sn.view('v', 'layer1');
      assert.deepEqual(
        (await collect(sn)).map((i) => [i.name, i.kind, i.parent]),
        [
          ['b', 'active', 'layer1'],
          ['layer1', 'committed', undefined],
          ['v', 'view', 'layer1'],
        ],
      );

      await sn.commit('layer2', 'b', { labels: { role: 'second' } });
      assert.deepEqual((await sn.stat('layer2')).labels, { role: 'second' });
      await sn.remove('v');
      await sn.remove('layer2');
      await sn.remove('layer1');
      assert.deepEqual(await collect(sn), []);
      await rejectsWith(sn.remove('layer1'), 'not-found', /snapshot layer1 does not exist/);
    });

    it('views: kind, parent, and no commit', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      await sn.prepare('a');
      await sn.commit('base', 'a');
      const mounts = await sn.view('v', 'base', { labels: { x: 'y' } });
      assert.deepEqual(await sn.mounts('v'), mounts);
      const info = await sn.stat('v');
      assert.equal(info.kind, 'view');
      assert.equal(info.parent, 'base');
      assert.deepEqual(info.labels, { x: 'y' });
      await rejectsWith(sn.commit('c', 'v'), 'invalid-argument', /only active snapshots can be committed/);
      await rejectsWith(sn.commit('c', 'base'), 'invalid-argument');
      await sn.view('v0');
      assert.equal((await sn.stat('v0')).parent, undefined);
    });

    it('errors: unknown keys and bad parents', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      const calls = [
        () => sn.stat('nope'),
        () => sn.mounts('nope'),
        () => sn.usage('nope'),
        () => sn.remove('nope'),
        () => sn.commit('x', 'nope'),
        () => sn.update({ kind: 'active', name: 'nope', labels: {}, created: new Date(), updated: new Date() }),
      ];
      for (const call of calls) await rejectsWith(call(), 'not-found', /snapshot nope does not exist/);
      await rejectsWith(sn.prepare('x', 'missing'), 'not-found', /parent snapshot missing does not exist/);
      await rejectsWith(sn.view('x', 'missing'), 'not-found', /parent snapshot missing does not exist/);
      await sn.prepare('active');
      await rejectsWith(sn.prepare('x', 'active'), 'invalid-argument', /parent active is not committed/);
      await sn.view('aview');
      await rejectsWith(sn.view('x', 'aview'), 'invalid-argument', /parent aview is not committed/);
      await rejectsWith(sn.prepare(''), 'invalid-argument');
      // A failed prepare leaves nothing behind.
      await rejectsWith(sn.stat('x'), 'not-found');
      assert.deepEqual((await collect(sn)).map((i) => i.name), ['active', 'aview']);
    });

    it('keys and names share one namespace', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      await sn.prepare('a');
      await rejectsWith(sn.prepare('a'), 'already-exists', /snapshot a already exists/);
      await rejectsWith(sn.view('a'), 'already-exists');
      await sn.commit('n', 'a');
      await rejectsWith(sn.prepare('n'), 'already-exists', /snapshot n already exists/);
      await rejectsWith(sn.view('n', 'n'), 'already-exists');
      await sn.prepare('b', 'n');
      await rejectsWith(sn.commit('n', 'b'), 'already-exists', /snapshot n already exists/);
      await sn.prepare('c');
      await rejectsWith(sn.commit('c', 'b'), 'already-exists'); // an active key is taken too
      await rejectsWith(sn.commit('b', 'b'), 'already-exists');
      // The failed commits changed nothing.
      assert.equal((await sn.stat('b')).kind, 'active');
      assert.equal((await sn.stat('c')).kind, 'active');
    });

    it('concurrent prepares of one key: exactly one wins', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      await sn.prepare('a');
      await sn.commit('base', 'a');
      const results = await Promise.allSettled([
        sn.prepare('k', 'base'),
        sn.prepare('k', 'base'),
        sn.view('k', 'base'),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(isEngineError(r.reason) && r.reason.kind === 'already-exists');
      }
      // Different keys at once all succeed, each with its own mounts.
      const many = await Promise.all(Array.from({ length: 8 }, (_, i) => sn.prepare(`p${i}`, 'base')));
      assert.equal(new Set(many.map((m) => JSON.stringify(m))).size, 8);
      // A remove racing a prepare on a childless parent: the prepare, called first, pins it.
      await sn.prepare('b');
      await sn.commit('base2', 'b');
      const [prep, rem] = await Promise.allSettled([sn.prepare('late', 'base2'), sn.remove('base2')]);
      assert.equal(prep.status, 'fulfilled');
      assert.ok(rem.status === 'rejected' && isEngineError(rem.reason) && rem.reason.kind === 'conflict');
    });

    it('a parent cannot be removed while it has children', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      await sn.prepare('a');
      await sn.commit('l1', 'a');
      await sn.prepare('b', 'l1');
      await sn.commit('l2', 'b');
      await sn.prepare('child', 'l2');
      await sn.view('look', 'l1');
      await rejectsWith(sn.remove('l1'), 'conflict', /snapshot l1 has children/);
      await rejectsWith(sn.remove('l2'), 'conflict', /snapshot l2 has children/);
      await sn.remove('child');
      await sn.remove('l2');
      await rejectsWith(sn.remove('l1'), 'conflict'); // a view is a child too
      await sn.remove('look');
      await sn.remove('l1');
      assert.deepEqual(await collect(sn), []);
    });

    it('update changes labels only, limited by field paths', { skip: baseSkip }, async (t) => {
      const { sn, root } = await setup(t);
      await sn.prepare('a', undefined, { labels: { a: '1', b: '2' } });
      const before = await sn.stat('a');
      await new Promise((r) => setTimeout(r, 5));
      const one = await sn.update({ ...before, labels: { a: 'x', c: '3' } }, ['labels.a']);
      assert.deepEqual(one.labels, { a: 'x', b: '2' });
      assert.ok(one.updated.getTime() > before.updated.getTime());
      assert.equal(one.created.getTime(), before.created.getTime());
      const two = await sn.update({ ...before, labels: { c: '3' } }, ['labels.c', 'labels.b']);
      assert.deepEqual(two.labels, { a: 'x', c: '3' });
      assert.deepEqual((await sn.update({ ...before, labels: { only: 'this' } })).labels, { only: 'this' });
      assert.deepEqual((await sn.update({ ...before, labels: { l: 'v' } }, ['labels'])).labels, { l: 'v' });
      // Only labels are mutable; other fields in `info` are ignored or refused.
      await rejectsWith(sn.update({ ...before, labels: {} }, ['parent']), 'invalid-argument');
      const ignored = await sn.update({ ...before, kind: 'committed', parent: 'zzz', labels: { l: 'v' } });
      assert.equal(ignored.kind, 'active');
      assert.equal(ignored.parent, undefined);
      assert.deepEqual((await sn.stat('a')).labels, { l: 'v' });

      await sn.close();
      const again = await factory(root);
      t.after(() => again.close());
      assert.deepEqual((await again.stat('a')).labels, { l: 'v' });
    });

    it('metadata survives re-opening the root', { skip: baseSkip }, async (t) => {
      const { sn, root } = await setup(t);
      await sn.prepare('a', undefined, { labels: { k: 'v' } });
      await sn.commit('l1', 'a');
      await sn.prepare('b', 'l1');
      await sn.commit('l2', 'b');
      await sn.prepare('work', 'l2', { labels: { c: 'd' } });
      await sn.view('look', 'l2');
      await sn.prepare('gone');
      await sn.remove('gone');
      const before = await collect(sn);
      const mountsBefore = await sn.mounts('work');
      await sn.close();
      await sn.close(); // harmless twice

      const again = await factory(root);
      t.after(() => again.close());
      assert.deepEqual(await collect(again), before);
      assert.deepEqual(await again.mounts('work'), mountsBefore);
      await rejectsWith(again.stat('gone'), 'not-found');
      // New snapshots after re-open do not collide with the loaded ones.
      const fresh = await again.prepare('fresh', 'l2');
      assert.notDeepEqual(fresh, mountsBefore);
      await rejectsWith(again.prepare('work'), 'already-exists');
      await rejectsWith(again.remove('l1'), 'conflict');
    });

    it('a closed snapshotter refuses calls', { skip: baseSkip }, async (t) => {
      const { sn } = await setup(t);
      await sn.prepare('a');
      await sn.close();
      await sn.close();
      await rejectsWith(sn.stat('a'), 'unavailable');
      await rejectsWith(sn.prepare('b'), 'unavailable');
    });

    it('cleanup removes what a crash left behind', { skip: baseSkip }, async (t) => {
      const { sn, root } = await setup(t);
      if (!isSnapshotCleaner(sn)) {
        t.skip('not a SnapshotCleaner');
        return;
      }
      await sn.prepare('a');
      await sn.commit('kept', 'a');
      await sn.prepare('active', 'kept');
      const snapshots = join(root, SNAPSHOTS_DIR);
      const metadata = join(root, METADATA_DIR);
      const legit = (await readdir(snapshots)).sort();
      assert.equal(legit.length, 2);

      // A prepare that crashed after making its directory; a remove that crashed after
      // deleting the metadata (before and after the rename); an interrupted metadata write.
      await mkdir(join(snapshots, '900', 'fs', 'deep'), { recursive: true });
      await writeFile(join(snapshots, '900', 'fs', 'deep', 'f'), 'orphan');
      await mkdir(join(snapshots, `${REMOVING_PREFIX}901`, 'fs'), { recursive: true });
      await writeFile(join(snapshots, `${REMOVING_PREFIX}901`, 'fs', 'f'), 'half removed');
      await writeFile(join(metadata, '.tmp-902.json-0123456789ab'), '{"id": "9');

      await sn.cleanup();
      assert.deepEqual((await readdir(snapshots)).sort(), legit);
      assert.ok(!(await readdir(metadata)).some((e) => e.startsWith('.tmp-')));
      assert.equal((await sn.stat('kept')).kind, 'committed');
      assert.equal((await sn.stat('active')).kind, 'active');
      await sn.cleanup(); // nothing left to do

      // Re-opening removes stray temp files on its own, and ids of orphans are not reused.
      await sn.close();
      await writeFile(join(metadata, '.tmp-903.json-0123456789ab'), '');
      await mkdir(join(snapshots, '950'));
      const again = await factory(root);
      t.after(() => again.close());
      assert.ok(!(await readdir(metadata)).some((e) => e.startsWith('.tmp-')));
      await again.prepare('after-crash', 'kept');
      assert.ok((await readdir(snapshots)).includes('950'));
      assert.ok(isSnapshotCleaner(again));
      await again.cleanup();
      assert.equal((await readdir(snapshots)).length, 3);
      assert.equal((await again.stat('after-crash')).kind, 'active');
    });

    it('a 3-layer chain reads through a mounted active snapshot', { skip: mountSkip }, async (t) => {
      const { sn, mnt } = await setup(t);
      const l1 = { 'a.txt': '1', 'b.txt': '1', 'dir/c.txt': '1', 'keep.txt': '1', 'gone/f': '1' };
      await layer(sn, mnt('x'), 'l1', undefined, l1);
      await layer(sn, mnt('x'), 'l2', 'l1', { 'a.txt': '2', 'b.txt': null, 'dir/c.txt': '2', 'gone': null });
      await layer(sn, mnt('x'), 'l3', 'l2', { 'a.txt': '3', 'new3.txt': '3', 'gone/g': '3' });
      // Upper layers win; a deleted file or directory stays deleted; a directory made again
      // over a deleted one (gone/) shows only its new contents.
      const l3 = { 'a.txt': '3', 'dir/c.txt': '2', 'keep.txt': '1', 'new3.txt': '3', 'gone/g': '3' };

      const ctr = await sn.prepare('ctr', 'l3');
      await withMounts(ctr, mnt('ctr'), async (dir) => {
        assert.deepEqual(await readTree(dir), l3);
        await writeFile(join(dir, 'ctr-only.txt'), 'mine');
        await unlink(join(dir, 'keep.txt'));
      });
      // The container's changes stay in its snapshot and never reach the layers.
      await withMounts(await sn.view('v3', 'l3'), mnt('v3'), async (dir) => {
        assert.deepEqual(await readTree(dir), l3);
      });
      await withMounts(await sn.view('v1', 'l1'), mnt('v1'), async (dir) => {
        assert.deepEqual(await readTree(dir), l1);
      });
      await withMounts(await sn.prepare('sibling', 'l2'), mnt('sib'), async (dir) => {
        assert.deepEqual(await readTree(dir), { 'a.txt': '2', 'dir/c.txt': '2', 'keep.txt': '1' });
      });
      // Mounting the active snapshot again shows what was written before.
      await withMounts(await sn.mounts('ctr'), mnt('ctr'), async (dir) => {
        const { 'keep.txt': _deleted, ...rest } = l3;
        assert.deepEqual(await readTree(dir), { ...rest, 'ctr-only.txt': 'mine' });
      });
    });

    it('views are read-only through their mounts', { skip: mountSkip }, async (t) => {
      const { sn, mnt } = await setup(t);
      await layer(sn, mnt('x'), 'l1', undefined, { 'f': '1' });
      await layer(sn, mnt('x'), 'l2', 'l1', { 'g': '2' });
      const cases: Array<[string, string | undefined, Record<string, string>]> = [
        ['empty', undefined, {}],
        ['one', 'l1', { f: '1' }],
        ['two', 'l2', { f: '1', g: '2' }],
      ];
      for (const [key, parent, files] of cases) {
        await withMounts(await sn.view(key, parent), mnt(key), async (dir) => {
          assert.deepEqual(await readTree(dir), files);
          await assert.rejects(writeFile(join(dir, 'new'), 'x'), { code: 'EROFS' });
          await assert.rejects(mkdir(join(dir, 'newdir')), { code: 'EROFS' });
          if (parent !== undefined) await assert.rejects(unlink(join(dir, 'f')), { code: 'EROFS' });
        });
      }
      // An active snapshot on the same parent is writable.
      await withMounts(await sn.prepare('rw', 'l1'), mnt('rw'), (dir) => writeFile(join(dir, 'new'), 'x'));
    });

    it('usage counts the apparent size and inodes of the snapshot alone', { skip: mountSkip }, async (t) => {
      const { sn, mnt } = await setup(t);
      await sn.prepare('empty');
      assert.deepEqual(await sn.usage('empty'), { size: 0, inodes: 1 });

      await withMounts(await sn.prepare('u'), mnt('u'), async (dir) => {
        await writeFile(join(dir, 'a'), Buffer.alloc(1000, 1));
        await writeFile(join(dir, 'b'), Buffer.alloc(500, 2));
        await link(join(dir, 'b'), join(dir, 'c')); // same inode: counted once
        await symlink('a', join(dir, 'l')); // 1 byte of target
        await mkdir(join(dir, 'd'));
        await writeFile(join(dir, 'd', 'e'), '');
      });
      // root, a, b(=c), l, d, d/e
      assert.deepEqual(await sn.usage('u'), { size: 1501, inodes: 6 });
      await sn.commit('uc', 'u');
      assert.deepEqual(await sn.usage('uc'), { size: 1501, inodes: 6 });
    });

    it('removing a snapshot removes its files', { skip: mountSkip }, async (t) => {
      const { sn, mnt, root } = await setup(t);
      await withMounts(await sn.prepare('a'), mnt('a'), (dir) => writeFile(join(dir, 'f'), 'x'));
      const [m] = await sn.mounts('a');
      assert.ok(m !== undefined);
      const snapshots = join(root, SNAPSHOTS_DIR);
      assert.equal((await readdir(snapshots)).length, 1);
      await sn.remove('a');
      assert.deepEqual(await readdir(snapshots), []);
      await assert.rejects(stat(m.source), { code: 'ENOENT' });
    });
  });
}
