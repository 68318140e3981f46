import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync, writeFileSync, chownSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { getAttributeSync, setAttributeSync } from '@napi-rs/xattr';
import { needsRoot, tempDir } from '../../test/helpers/env.js';
import { applyLayer } from './apply-layer.js';
import { makeTar, paxHeader, streamOf, type FixtureEntry } from './fixture-tar.js';
import { bindMounts, overlayMounts, tree, type TreeNode } from './fixture-tree.js';

const T1 = new Date(1_500_000_000_000);

function isWhiteoutDevice(path: string): boolean {
  const st = lstatSync(path);
  return st.isCharacterDevice() && st.rdev === 0;
}

function opaque(path: string): string | undefined {
  return getAttributeSync(path, 'trusted.overlay.opaque')?.toString();
}

/** Mounts a read-only overlay of `lowers` (topmost first) on `mnt` while `fn` runs. */
function withOverlay<T>(lowers: readonly string[], mnt: string, fn: () => T): T {
  mkdirSync(mnt, { recursive: true });
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `index=off,lowerdir=${lowers.join(':')}`, mnt]);
  try {
    return fn();
  } finally {
    execFileSync('umount', [mnt]);
  }
}

/** Upper, work dir and an empty lower for a one-layer overlay test. */
function overlayDirs(dir: string, lowers = 1): { upper: string; work: string; lowers: string[] } {
  const out = { upper: join(dir, 'upper'), work: join(dir, 'work'), lowers: [] as string[] };
  mkdirSync(out.upper);
  mkdirSync(out.work);
  for (let i = 0; i < lowers; i++) {
    const l = join(dir, `lower${i}`);
    mkdirSync(l);
    out.lowers.push(l);
  }
  return out;
}

test('overlay: whiteouts become 0:0 devices, opaque dirs get the xattr, lowers stay untouched', { skip: needsRoot() }, async (t) => {
  const { upper, work, lowers } = overlayDirs(tempDir(t));
  const lower = lowers[0] as string;
  mkdirSync(join(lower, 'etc'));
  writeFileSync(join(lower, 'etc/gone'), '');
  writeFileSync(join(lower, 'etc/kept'), '');
  mkdirSync(join(lower, 'var/lib/old/deep'), { recursive: true });
  mkdirSync(join(lower, 'opq/sub'), { recursive: true });
  mkdirSync(join(lower, 'recreated'));
  writeFileSync(join(lower, 'recreated/old'), '');
  mkdirSync(join(lower, 'd'));
  chownSync(join(lower, 'd'), 5, 6);
  chmodSync(join(lower, 'd'), 0o710);
  setAttributeSync(join(lower, 'd'), 'user.origin', 'lower');
  mkdirSync(join(lower, 'usr/lib'), { recursive: true });
  symlinkSync('/usr/lib', join(lower, 'lib'));
  const before = tree(lower);

  const tar = await makeTar([
    { name: 'etc/.wh.gone', uid: 3, gid: 4 },
    { name: 'var/lib/.wh.old' },
    { name: 'opq/.wh..wh..opq' },
    { name: 'opq/new', data: 'new' },
    { name: 'd/file', data: 'in a dir only the lower has' },
    { name: 'lib/libfoo.so', data: 'through a symlink of the lower' },
    { name: 'etc/mine', data: 'mine' },
    { name: 'etc/.wh.mine' },
    { name: '.wh.recreated' },
    { name: 'recreated/', type: 'directory' },
    { name: 'recreated/x', data: 'x' },
    paxHeader({ 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.trusted.overlay.redirect': '/etc', path: 'evil/' }),
    { name: 'ignored', type: 'directory' },
  ]);
  await applyLayer(overlayMounts(upper, work, lowers), streamOf(tar));

  assert.deepEqual(tree(lower), before, 'the lower dir changed');
  assert.ok(isWhiteoutDevice(join(upper, 'etc/gone')));
  assert.deepEqual([lstatSync(join(upper, 'etc/gone')).uid, lstatSync(join(upper, 'etc/gone')).gid], [3, 4]);
  assert.ok(isWhiteoutDevice(join(upper, 'var/lib/old')));
  assert.equal(opaque(join(upper, 'opq')), 'y');
  const got = tree(upper);
  assert.equal(got['opq/new']?.value, 'new');
  // A parent only the lower has is copied up with its owner, mode and xattrs.
  assert.deepEqual([got['d']?.type, got['d']?.mode, got['d']?.uid, got['d']?.gid], ['dir', 0o710, 5, 6]);
  assert.equal(getAttributeSync(join(upper, 'd'), 'user.origin')?.toString(), 'lower');
  assert.equal(opaque(join(upper, 'd')), undefined);
  // A symlinked parent in the lower is followed, inside the layer root.
  assert.equal(got['usr/lib/libfoo.so']?.value, 'through a symlink of the lower');
  assert.equal(got['lib'], undefined);
  // This layer's own file is not whited out.
  assert.equal(got['etc/mine']?.type, 'file');
  // Whiteout then directory: the new directory must not merge with the lower one.
  assert.equal(got['recreated']?.type, 'dir');
  assert.equal(opaque(join(upper, 'recreated')), 'y');
  // trusted.overlay.* from the archive is ignored.
  assert.equal(got['evil']?.type, 'dir');
  assert.equal(opaque(join(upper, 'evil')), undefined);
  assert.equal(getAttributeSync(join(upper, 'evil'), 'trusted.overlay.redirect'), null);
  assert.equal(got['etc/kept'], undefined);
});

test('overlay: a hardlink to a lower file copies the target up first', { skip: needsRoot() }, async (t) => {
  const { upper, work, lowers } = overlayDirs(tempDir(t), 2);
  const [top, bottom] = lowers as [string, string];
  mkdirSync(join(bottom, 'bin'));
  writeFileSync(join(bottom, 'bin/busybox'), 'busybox');
  chownSync(join(bottom, 'bin/busybox'), 0, 12);
  chmodSync(join(bottom, 'bin/busybox'), 0o4755);
  symlinkSync('busybox', join(bottom, 'bin/ls'));
  mkdirSync(join(top, 'bin'));
  const tar = await makeTar([
    { name: 'bin/sh', type: 'link', linkname: 'bin/busybox' },
    { name: 'bin/dir', type: 'link', linkname: '/bin/ls' },
  ]);
  await applyLayer(overlayMounts(upper, work, lowers), streamOf(tar));
  const got = tree(upper);
  assert.deepEqual(got['bin/busybox'], { ...got['bin/sh'] });
  assert.deepEqual([got['bin/busybox']?.value, got['bin/busybox']?.mode, got['bin/busybox']?.gid], ['busybox', 0o4755, 12]);
  assert.equal(lstatSync(join(upper, 'bin/sh')).ino, lstatSync(join(upper, 'bin/busybox')).ino);
  assert.equal(got['bin/dir']?.value, 'busybox');
  assert.equal(lstatSync(join(upper, 'bin/dir')).ino, lstatSync(join(upper, 'bin/ls')).ino);
});

test('overlay, mounted: whiteouts hide lower files and opaque dirs hide lower contents', { skip: needsRoot() }, async (t) => {
  const dir = tempDir(t);
  const { upper, work, lowers } = overlayDirs(dir);
  const lower = lowers[0] as string;
  writeFileSync(join(lower, 'a'), 'a');
  writeFileSync(join(lower, 'b'), 'b');
  mkdirSync(join(lower, 'd'));
  writeFileSync(join(lower, 'd/x'), 'x');
  writeFileSync(join(lower, 'd/y'), 'y');
  mkdirSync(join(lower, 'o'));
  writeFileSync(join(lower, 'o/p'), 'p');
  mkdirSync(join(lower, 'e/deep'), { recursive: true });
  writeFileSync(join(lower, 'e/deep/f'), 'f');
  const tar = await makeTar([
    { name: '.wh.a' },
    { name: 'd/.wh.x' },
    { name: 'o/.wh..wh..opq' },
    { name: 'o/new', data: 'new' },
    { name: '.wh.e' },
    { name: 'e/', type: 'directory' },
    { name: 'e/only', data: 'only' },
  ]);
  await applyLayer(overlayMounts(upper, work, lowers), streamOf(tar));
  const merged = withOverlay([upper, lower], join(dir, 'mnt'), () => Object.keys(tree(join(dir, 'mnt'))));
  assert.deepEqual(merged, ['b', 'd', 'd/y', 'e', 'e/only', 'o', 'o/new']);
});

test('overlay, mounted: an opaque layer root hides every lower entry', { skip: needsRoot() }, async (t) => {
  const dir = tempDir(t);
  const { upper, work, lowers } = overlayDirs(dir, 2);
  const [top, bottom] = lowers as [string, string];
  writeFileSync(join(bottom, 'a'), '');
  mkdirSync(join(bottom, 'usr/bin'), { recursive: true });
  writeFileSync(join(bottom, 'usr/bin/old'), '');
  mkdirSync(join(top, 'etc'));
  const tar = await makeTar([
    { name: 'usr/bin/new', data: 'before the marker' },
    { name: '.wh..wh..opq' },
    { name: 'keep', data: 'k' },
  ]);
  await applyLayer(overlayMounts(upper, work, lowers), streamOf(tar));
  const merged = withOverlay([upper, ...lowers], join(dir, 'mnt'), () => Object.keys(tree(join(dir, 'mnt'))));
  assert.deepEqual(merged, ['keep', 'usr', 'usr/bin', 'usr/bin/new']);
});

/** Three layers exercising whiteouts, opaque dirs, replacement, links and symlinked parents. */
async function layerStack(): Promise<Buffer[]> {
  const d = (name: string, mode = 0o755): FixtureEntry => ({ name, type: 'directory', mode, mtime: T1 });
  const f = (name: string, data: string, mode = 0o644): FixtureEntry => ({ name, data, mode, mtime: T1 });
  return [
    await makeTar([
      d('etc/'),
      f('etc/passwd', 'root:x:0:0'),
      f('etc/hosts', 'localhost'),
      d('usr/'),
      d('usr/lib/'),
      d('usr/bin/'),
      f('usr/bin/a', 'a', 0o755),
      f('usr/lib/liba.so', 'liba'),
      { name: 'lib', type: 'symlink', linkname: 'usr/lib', mtime: T1 },
      d('opt/'),
      d('opt/app/'),
      f('opt/app/x', 'x'),
      f('opt/y', 'y'),
      d('var/'),
      d('var/cache/'),
      f('var/cache/c1', 'c1'),
      f('var/cache/c2', 'c2'),
      d('tree/'),
      d('tree/del/'),
      f('tree/del/f1', 'f1'),
      f('tree/f2', 'f2'),
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, mtime: T1 },
    ]),
    await makeTar([
      { name: 'etc/.wh.passwd' },
      f('etc/passwd', 'root:x:0:0:new'),
      f('lib/libb.so', 'libb'),
      { name: 'opt/.wh..wh..opq' },
      f('opt/new', 'new'),
      { name: 'var/cache/.wh.c1' },
      { name: '.wh.tree' },
      { name: 'usr/bin/link', type: 'link', linkname: 'usr/bin/a' },
      d('usr/bin/', 0o711),
      f('etc/hosts/', 'x'),
      d('newdir/'),
      f('newdir/n', 'n'),
    ]),
    await makeTar([
      { name: '.wh.opt' },
      d('opt/'),
      f('opt/again', 'again'),
      { name: 'usr/lib/.wh.libb.so' },
      d('tree/', 0o700),
      f('tree/back', 'back'),
      { name: 'etc/hosts', type: 'symlink', linkname: '/etc/passwd', mtime: T1 },
      { name: 'var/.wh.cache' },
      f('var/cache', 'now a file'),
    ]),
  ];
}

test('bind and overlay give the same tree for a stack of layers', { skip: needsRoot() }, async (t) => {
  const dir = tempDir(t);
  const layers = await layerStack();
  const bind = join(dir, 'bind');
  mkdirSync(bind);
  for (const l of layers) await applyLayer(bindMounts(bind), streamOf(l));

  // The first layer of an overlay snapshotter comes as a bind mount; the others as overlays.
  const uppers: string[] = [];
  for (const [i, l] of layers.entries()) {
    const upper = join(dir, `u${i}`);
    const work = join(dir, `w${i}`);
    mkdirSync(upper);
    mkdirSync(work);
    const mounts = i === 0 ? bindMounts(upper) : overlayMounts(upper, work, [...uppers].reverse());
    await applyLayer(mounts, streamOf(l));
    uppers.push(upper);
  }
  const want = tree(bind, { dirTimes: false });
  const got = withOverlay([...uppers].reverse(), join(dir, 'mnt'), () => tree(join(dir, 'mnt'), { dirTimes: false }));
  assert.deepEqual(got, want);
  // Spot checks, so that a bug shared by both modes still shows.
  const expect: Record<string, Partial<TreeNode> | undefined> = {
    'etc/passwd': { value: 'root:x:0:0:new' },
    'etc/hosts': { type: 'symlink', value: '/etc/passwd' },
    'usr/lib/libb.so': undefined,
    'usr/lib/liba.so': { value: 'liba' },
    'usr/bin': { mode: 0o711 },
    'usr/bin/link': { value: 'a' },
    'opt/again': { value: 'again' },
    'opt/new': undefined,
    'opt/app': undefined,
    'tree/back': { value: 'back' },
    'tree/f2': undefined,
    'var/cache': { type: 'file', value: 'now a file' },
    'dev/null': { type: 'char', value: '1:3' },
  };
  for (const [path, e] of Object.entries(expect)) {
    if (e === undefined) assert.equal(want[path], undefined, path);
    else for (const [k, v] of Object.entries(e)) assert.equal(want[path]?.[k as keyof TreeNode], v, `${path} ${k}`);
  }
});
