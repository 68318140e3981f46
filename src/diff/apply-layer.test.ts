import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { getAttributeSync } from '@napi-rs/xattr';
import { needsRoot, tempDir } from '../../test/helpers/env.js';
import { applyLayer } from './apply-layer.js';
import { makeTar, paxHeader, gzip, streamOf } from './fixture-tar.js';
import { bindMounts, devOf, tree } from './fixture-tree.js';

/** security.capability v2: effective, permitted = CAP_NET_RAW. */
const CAP_NET_RAW = Buffer.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const T1 = new Date(1_500_000_000_000);
const T2 = new Date(1_600_000_000_000);

function sha256(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function isKind(kind: string, message?: RegExp) {
  return (err: Error & { kind?: string }): boolean => {
    assert.equal(err.kind, kind, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  };
}

test('bind: every entry type with mode, owner, mtime and xattrs', { skip: needsRoot() }, async (t) => {
  const root = tempDir(t);
  const tar = await makeTar([
    { name: './', type: 'directory', mode: 0o750, uid: 5, gid: 6, mtime: T1 },
    { name: 'usr/', type: 'directory', mode: 0o755, mtime: T2 },
    { name: 'usr/bin/', type: 'directory', mode: 0o2775, uid: 10, gid: 20, mtime: T1 },
    paxHeader({ 'SCHILY.xattr.security.capability': CAP_NET_RAW, 'SCHILY.xattr.user.note': 'hi', path: 'usr/bin/ping' }),
    { name: 'ignored', mode: 0o4755, uid: 0, gid: 0, data: 'ping binary', mtime: T1 },
    { name: 'usr/bin/setgid', mode: 0o2711, uid: 1000, gid: 1001, data: 'x', mtime: T2 },
    { name: 'tmp/', type: 'directory', mode: 0o1777, mtime: T1 },
    { name: 'usr/bin/rel', type: 'symlink', linkname: 'ping', uid: 3, gid: 4, mtime: T1 },
    { name: 'usr/bin/abs', type: 'symlink', linkname: '/usr/bin/ping', mtime: T2 },
    { name: 'usr/bin/hard', type: 'link', linkname: 'usr/bin/setgid' },
    { name: 'dev/', type: 'directory', mode: 0o755, mtime: T1 },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, uid: 0, gid: 5, mtime: T2 },
    { name: 'dev/loop0', type: 'block-device', devmajor: 7, devminor: 0, mode: 0o660, mtime: T1 },
    { name: 'dev/fifo', type: 'fifo', mode: 0o620, uid: 7, gid: 7, mtime: T2 },
    // Links to nodes made only at the end, by the mknod script.
    { name: 'dev/fifo-link', type: 'link', linkname: 'dev/fifo' },
    { name: 'dev/null-link', type: 'link', linkname: '/dev/null' },
    { name: 'implicit/parent/file', mode: 0o600, data: 'deep', mtime: T1 },
  ]);
  const res = await applyLayer(bindMounts(root), streamOf(tar, 700));
  // contentSize: file data (11 + 1 + 4) and symlink targets (4 + 13); hardlinks add nothing.
  assert.deepEqual(res, { diffId: sha256(tar), size: tar.length, contentSize: 33 });

  const got = tree(root);
  const rootSt = lstatSync(root);
  assert.deepEqual([rootSt.mode & 0o7777, rootSt.uid, rootSt.gid, rootSt.mtimeMs], [0o750, 5, 6, T1.getTime()]);
  assert.deepEqual(got['usr/bin'], { type: 'dir', mode: 0o2775, uid: 10, gid: 20, mtime: 1_500_000_000 });
  assert.deepEqual(got['usr'], { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_600_000_000 });
  assert.deepEqual(got['tmp']?.mode, 0o1777);
  assert.deepEqual(got['usr/bin/ping'], { type: 'file', mode: 0o4755, uid: 0, gid: 0, value: 'ping binary', mtime: 1_500_000_000 });
  assert.deepEqual(getAttributeSync(join(root, 'usr/bin/ping'), 'security.capability'), CAP_NET_RAW);
  assert.equal(getAttributeSync(join(root, 'usr/bin/ping'), 'user.note')?.toString(), 'hi');
  assert.deepEqual(got['usr/bin/setgid'], { type: 'file', mode: 0o2711, uid: 1000, gid: 1001, value: 'x', mtime: 1_600_000_000 });
  assert.deepEqual(got['usr/bin/rel'], { type: 'symlink', mode: 0o777, uid: 3, gid: 4, value: 'ping', mtime: 1_500_000_000 });
  assert.equal(got['usr/bin/abs']?.value, '/usr/bin/ping');
  assert.equal(lstatSync(join(root, 'usr/bin/hard')).ino, lstatSync(join(root, 'usr/bin/setgid')).ino);
  assert.deepEqual(got['dev/null'], { type: 'char', mode: 0o666, uid: 0, gid: 5, value: '1:3', mtime: 1_600_000_000 });
  assert.deepEqual(got['dev/loop0'], { type: 'block', mode: 0o660, uid: 0, gid: 0, value: '7:0', mtime: 1_500_000_000 });
  assert.deepEqual(got['dev/fifo'], { type: 'fifo', mode: 0o620, uid: 7, gid: 7, mtime: 1_600_000_000 });
  assert.equal(lstatSync(join(root, 'dev/fifo-link')).ino, lstatSync(join(root, 'dev/fifo')).ino);
  assert.equal(lstatSync(join(root, 'dev/null-link')).ino, lstatSync(join(root, 'dev/null')).ino);
  assert.deepEqual(got['implicit']?.mode, 0o755);
  assert.equal(got['implicit/parent/file']?.value, 'deep');
  // Directories keep their own times although entries were written into them afterwards.
  assert.equal(got['dev']?.mtime, 1_500_000_000);
});

test('bind: whiteouts remove files and trees; opaque dirs keep only this layer', { skip: needsRoot() }, async (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'etc/conf.d'), { recursive: true });
  writeFileSync(join(root, 'etc/conf.d/a'), 'a');
  writeFileSync(join(root, 'etc/keep'), 'keep');
  writeFileSync(join(root, 'etc/gone'), 'gone');
  mkdirSync(join(root, 'var/lib/old/deep'), { recursive: true });
  mkdirSync(join(root, 'opq/sub/old'), { recursive: true });
  writeFileSync(join(root, 'opq/old-file'), '');
  writeFileSync(join(root, 'opq/sub/old-file'), '');
  symlinkSync('/etc', join(root, 'link'));

  const tar = await makeTar([
    { name: 'etc/.wh.gone' },
    { name: 'var/lib/.wh.old' },
    { name: '.wh.link' },
    { name: 'etc/.wh.missing' },
    { name: 'opq/sub/new', data: 'before the marker' },
    { name: 'opq/.wh..wh..opq' },
    { name: 'opq/after', data: 'after the marker' },
    // A whiteout never removes this layer's own entries (OCI image spec).
    { name: 'etc/mine', data: 'mine' },
    { name: 'etc/.wh.mine' },
  ]);
  await applyLayer(bindMounts(root), streamOf(tar));
  const got = Object.keys(tree(root));
  assert.deepEqual(got, ['etc', 'etc/conf.d', 'etc/conf.d/a', 'etc/keep', 'etc/mine', 'opq', 'opq/after', 'opq/sub', 'opq/sub/new', 'var', 'var/lib']);
});

test('bind: replacing paths', { skip: needsRoot() }, async (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'dir/sub'), { recursive: true });
  writeFileSync(join(root, 'dir/sub/old'), 'old');
  mkdirSync(join(root, 'tree/x'), { recursive: true });
  writeFileSync(join(root, 'file'), 'file');
  symlinkSync('dir', join(root, 'ln'));
  const tar = await makeTar([
    { name: 'dir/', type: 'directory', mode: 0o700, uid: 9, mtime: T1 }, // dir over dir: merge
    { name: 'tree', data: 'now a file' }, // file over dir
    { name: 'file/', type: 'directory', mode: 0o755 }, // dir over file
    { name: 'ln/', type: 'directory', mode: 0o711 }, // dir over symlink: the link goes, not its target
    { name: 'dir/sub', type: 'symlink', linkname: '/elsewhere' }, // symlink over a dir with content
  ]);
  await applyLayer(bindMounts(root), streamOf(tar));
  const got = tree(root);
  assert.deepEqual(got['dir'], { type: 'dir', mode: 0o700, uid: 9, gid: 0, mtime: 1_500_000_000 });
  assert.equal(got['dir/sub']?.type, 'symlink');
  assert.equal(got['dir/sub/old'], undefined);
  assert.equal(got['tree']?.value, 'now a file');
  assert.equal(got['file']?.type, 'dir');
  assert.deepEqual([got['ln']?.type, got['ln']?.mode], ['dir', 0o711]);
});

test('diffId and size cover the whole uncompressed stream, padding included', { skip: needsRoot() }, async (t) => {
  const body = await makeTar([{ name: 'big', data: Buffer.alloc(3 * 1024 * 1024 + 17, 'ab') }, { name: 'small', data: 'x' }]);
  const padded = Buffer.concat([body, Buffer.alloc(10 * 1024)]); // tar(1) pads to 10 KiB records
  for (const [name, input, compression] of [
    ['plain', padded, 'none'],
    ['gzip', gzip(padded), 'gzip'],
  ] as const) {
    const root = tempDir(t);
    const progress: number[] = [];
    const res = await applyLayer(bindMounts(root), streamOf(input, 100_000), { compression, onProgress: (n) => progress.push(n) });
    assert.deepEqual(res, { diffId: sha256(padded), size: padded.length, contentSize: 3 * 1024 * 1024 + 17 + 1 }, name);
    assert.equal(readFileSync(join(root, 'big')).equals(Buffer.alloc(3 * 1024 * 1024 + 17, 'ab')), true);
    assert.ok(progress.length >= 2, `progress ${progress}`);
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
    );
    assert.equal(progress[progress.length - 1], padded.length);
  }
  // An empty stream is an empty layer.
  const root = tempDir(t);
  assert.deepEqual(await applyLayer(bindMounts(root), streamOf(Buffer.alloc(0))), { diffId: sha256(Buffer.alloc(0)), size: 0, contentSize: 0 });
});

test('broken input: truncated tar, gzip garbage, truncated gzip', async (t) => {
  const tar = await makeTar([{ name: 'a', data: 'x'.repeat(5000) }]);
  await assert.rejects(applyLayer(bindMounts(tempDir(t)), streamOf(tar.subarray(0, 3000))), isKind('invalid-argument', /unexpected EOF/));
  await assert.rejects(
    applyLayer(bindMounts(tempDir(t)), streamOf(Buffer.from('this is not gzip at all')), { compression: 'gzip' }),
    isKind('invalid-argument', /^gzip: invalid header$/),
  );
  const gz = gzip(tar);
  await assert.rejects(
    applyLayer(bindMounts(tempDir(t)), streamOf(gz.subarray(0, gz.length - 30)), { compression: 'gzip' }),
    isKind('invalid-argument', /unexpected EOF/),
  );
  await assert.rejects(applyLayer(bindMounts(tempDir(t)), streamOf(Buffer.alloc(700, 7))), isKind('invalid-argument', /invalid tar header/));
});

test('unsupported compression and mount shapes', async (t) => {
  const root = tempDir(t);
  const tar = await makeTar([]);
  await assert.rejects(applyLayer(bindMounts(root), streamOf(tar), { compression: 'zstd' }), isKind('not-implemented', /zstd/));
  const cases: Array<[Parameters<typeof applyLayer>[0], string]> = [
    [[], 'not-implemented'],
    [[...bindMounts(root), ...bindMounts(root)], 'not-implemented'],
    [[{ type: 'tmpfs', source: 'tmpfs', options: [] }], 'not-implemented'],
    [[{ type: 'bind', source: root, options: ['rbind', 'ro'] }], 'invalid-argument'],
    [[{ type: 'bind', source: 'relative/dir', options: [] }], 'invalid-argument'],
    [[{ type: 'overlay', source: 'overlay', options: [`lowerdir=${root}`] }], 'invalid-argument'],
    [bindMounts(join(root, 'missing')), 'not-found'],
    [[{ type: 'overlay', source: 'overlay', options: [`lowerdir=${join(root, 'gone')}`, `upperdir=${root}`, `workdir=${root}`] }], 'not-found'],
  ];
  for (const [mounts, kind] of cases) {
    const input = streamOf(tar);
    await assert.rejects(applyLayer(mounts, input), isKind(kind));
    assert.equal(input.destroyed, true);
  }
});

test('a throwing progress callback fails the apply instead of crashing', async (t) => {
  const tar = await makeTar([{ name: 'a', data: Buffer.alloc(3 << 20) }]);
  const boom = (): void => {
    throw new Error('progress bar broke');
  };
  await assert.rejects(applyLayer(bindMounts(tempDir(t)), streamOf(tar), { onProgress: boom }), /progress bar broke/);
});

test('abort: before the start and while waiting for input', async (t) => {
  const already = AbortSignal.abort();
  await assert.rejects(applyLayer(bindMounts(tempDir(t)), streamOf(await makeTar([])), { signal: already }), isKind('canceled'));

  const ac = new AbortController();
  const input = new Readable({ read() {} });
  input.push(await makeTar([{ name: 'a', data: 'x' }], { end: false }));
  const p = applyLayer(bindMounts(tempDir(t)), input, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, isKind('canceled'));
  assert.equal(input.destroyed, true);
});

test('an error stops the apply at once, without reading the rest of the input', async (t) => {
  const root = tempDir(t);
  const bad = await makeTar([{ name: '../escape', data: 'x' }], { end: false });
  let produced = 0;
  // An endless stream: the apply must fail on the first entry, not wait for the end.
  const input = new Readable({
    read() {
      produced += 1;
      this.push(produced === 1 ? bad : Buffer.alloc(1 << 20));
    },
  });
  await assert.rejects(applyLayer(bindMounts(root), input), isKind('invalid-argument', /outside of the layer root/));
  assert.equal(input.destroyed, true);
  assert.ok(produced < 64, `read ${produced} chunks`);
  assert.equal(existsSync(join(root, '..', 'escape')), false);
});

test('device numbers round-trip through the helper', () => {
  assert.equal(devOf(259), '1:3');
});
