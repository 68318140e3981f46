import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTar, paxHeader, rawHeader } from './fixture-tar.js';
import { TarReader, type TarEntry } from './tar-reader.js';

interface Read {
  entries: TarEntry[];
  data: Map<string, Buffer>;
}

/** Reads `tar` in chunks of `chunk` bytes. */
function read(tar: Uint8Array, chunk = tar.length || 1): Read {
  const entries: TarEntry[] = [];
  const data = new Map<string, Buffer>();
  let cur: Buffer[] = [];
  const r = new TarReader({
    entry: (e) => {
      entries.push(e);
      cur = [];
    },
    data: (buf, start, end) => cur.push(Buffer.from(buf.subarray(start, end))),
    endData: () => data.set((entries[entries.length - 1] as TarEntry).name, Buffer.concat(cur)),
  });
  for (let i = 0; i < tar.length; i += chunk) r.push(Buffer.from(tar.subarray(i, i + chunk)));
  r.end();
  return { entries, data };
}

test('reads entries of every type with their metadata, whatever the chunking', async () => {
  const tar = await makeTar([
    { name: 'dir/', type: 'directory', mode: 0o1755, uid: 1000, gid: 1001, mtime: new Date(1_600_000_000_000) },
    { name: 'dir/file', mode: 0o4750, uid: 7, gid: 8, data: 'hello', mtime: new Date(1_500_000_000_000) },
    { name: 'dir/empty', data: '' },
    { name: 'dir/link', type: 'symlink', linkname: '../target' },
    { name: 'dir/hard', type: 'link', linkname: 'dir/file' },
    { name: 'dir/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'dir/loop', type: 'block-device', devmajor: 7, devminor: 0 },
    { name: 'dir/fifo', type: 'fifo', mode: 0o600 },
  ]);
  for (const chunk of [1, 7, 511, 512, 513, tar.length]) {
    const { entries, data } = read(tar, chunk);
    assert.deepEqual(
      entries.map((e) => [e.name, e.type]),
      [
        ['dir/', 'dir'],
        ['dir/file', 'file'],
        ['dir/empty', 'file'],
        ['dir/link', 'symlink'],
        ['dir/hard', 'hardlink'],
        ['dir/null', 'char'],
        ['dir/loop', 'block'],
        ['dir/fifo', 'fifo'],
      ],
    );
    const [dir, file, , link, hard, nul, loop] = entries as [TarEntry, TarEntry, TarEntry, TarEntry, TarEntry, TarEntry, TarEntry];
    assert.deepEqual([dir.mode, dir.uid, dir.gid, dir.mtime], [0o1755, 1000, 1001, 1_600_000_000]);
    assert.deepEqual([file.mode, file.uid, file.gid, file.size, file.mtime], [0o4750, 7, 8, 5, 1_500_000_000]);
    assert.equal(link.linkname, '../target');
    assert.equal(hard.linkname, 'dir/file');
    assert.deepEqual([nul.devmajor, nul.devminor, loop.devmajor], [1, 3, 7]);
    assert.equal(data.get('dir/file')?.toString(), 'hello');
    assert.equal(data.get('dir/empty')?.length, 0);
  }
});

test('long names: ustar prefix, PAX path and linkpath, GNU long name', async () => {
  const deep = `${'d'.repeat(90)}/${'e'.repeat(90)}/file`;
  const long = `x/${'n'.repeat(150)}`;
  const gnuName = `g/${'l'.repeat(300)}`;
  const body = Buffer.from(`${gnuName}\0`);
  const tar = await makeTar([
    { name: deep, data: 'a' },
    { name: long, data: 'b' },
    { name: 'sym', type: 'symlink', linkname: `/${'t'.repeat(200)}` },
    { raw: Buffer.concat([rawHeader({ name: '././@LongLink', typeflag: 'L', size: body.length }), body, Buffer.alloc(512 - body.length)]) },
    { raw: Buffer.concat([rawHeader({ name: 'truncated', typeflag: '0', size: 1 }), Buffer.from('c'), Buffer.alloc(511)]) },
  ]);
  const { entries, data } = read(tar, 100);
  assert.deepEqual(
    entries.map((e) => e.name),
    [deep, long, 'sym', gnuName],
  );
  assert.equal(entries[2]?.linkname, `/${'t'.repeat(200)}`);
  assert.equal(data.get(gnuName)?.toString(), 'c');
});

test('PAX records: binary xattrs stay bytes; mtime fractions, size and ids override the header', async () => {
  const cap = Buffer.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const tar = await makeTar([
    paxHeader({
      'SCHILY.xattr.security.capability': cap,
      'LIBARCHIVE.xattr.user.b%3Dc': Buffer.from('hi').toString('base64'),
      mtime: '1234567890.5',
      uid: '3000000',
      path: 'from/pax',
    }),
    { name: 'ignored', data: 'xyz', uid: 1 },
    { name: 'plain', data: 'p' },
  ]);
  const { entries } = read(tar, 3);
  const e = entries[0] as TarEntry;
  assert.equal(e.name, 'from/pax');
  assert.equal(e.mtime, 1234567890.5);
  assert.equal(e.uid, 3_000_000);
  assert.deepEqual(e.xattrs?.get('security.capability'), cap);
  assert.equal(e.xattrs?.get('user.b=c')?.toString(), 'hi');
  // PAX records apply to one entry only.
  assert.deepEqual([entries[1]?.name, entries[1]?.xattrs], ['plain', undefined]);
});

test('GNU base-256 numbers', async () => {
  const h = rawHeader({ name: 'big', typeflag: '0', size: 0 });
  // uid 0x01020304 in base-256 (high bit set on the first byte of the field).
  h.fill(0, 108, 116);
  h[108] = 0x80;
  h.set([1, 2, 3, 4], 112);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of h) sum += x;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const { entries } = read(await makeTar([{ raw: h }]));
  assert.equal(entries[0]?.uid, 0x01020304);
});

test('end of archive: one or two zero blocks, EOF between entries; bytes after the end are ignored', async () => {
  const body = await makeTar([{ name: 'a', data: 'x' }], { end: false });
  assert.equal(read(Buffer.concat([body, Buffer.alloc(1024), Buffer.from('trailing garbage')])).entries.length, 1);
  assert.equal(read(Buffer.concat([body, Buffer.alloc(512)])).entries.length, 1);
  assert.equal(read(body).entries.length, 1);
  assert.equal(read(Buffer.alloc(0)).entries.length, 0);
  assert.throws(() => read(Buffer.concat([body, Buffer.alloc(512), Buffer.alloc(512, 1)])), /invalid tar header/);
});

test('truncation anywhere inside an entry is "unexpected EOF"', async () => {
  const tar = await makeTar([{ name: 'a', data: 'x'.repeat(1000) }], { end: false });
  for (const cut of [100, 512 + 10, 512 + 1000, 512 + 1000 + 10]) {
    assert.throws(
      () => read(tar.subarray(0, cut)),
      (err: Error & { kind?: string }) => err.message === 'unexpected EOF' && err.kind === 'invalid-argument',
      `cut at ${cut}`,
    );
  }
  // A PAX header without its entry.
  assert.throws(() => read((paxHeader({ path: 'x' }) as { raw: Uint8Array }).raw), /unexpected EOF/);
});

test('bad checksums, bad numbers and unknown types are refused', async () => {
  const tar = await makeTar([{ name: 'a', data: 'x' }]);
  const bad = Buffer.from(tar);
  bad[0] = 0x62; // name changed, checksum not
  assert.throws(() => read(bad), /archive\/tar: invalid tar header/);
  assert.throws(() => read(Buffer.from('not a tar at all'.repeat(64))), /invalid tar header/);
  const unknown = await makeTar([{ raw: rawHeader({ name: 'x', typeflag: 'Z' }) }]);
  assert.throws(() => read(unknown), /unhandled tar header type 90/);
  const sparse = await makeTar([{ raw: rawHeader({ name: 'x', typeflag: 'S' }) }]);
  assert.throws(() => read(sparse), (err: Error & { kind?: string }) => err.kind === 'not-implemented');
  const badPax = await makeTar([paxHeader({ size: 'abc' }), { name: 'x' }]);
  assert.throws(() => read(badPax), /invalid tar header/);
});

test('non-UTF-8 names are refused rather than mangled', async () => {
  const h = rawHeader({ name: 'x', typeflag: '0' });
  h[0] = 0xff;
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of h) sum += x;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  assert.throws(
    () => read(Buffer.concat([h, Buffer.alloc(1024)])),
    (err: Error & { kind?: string }) => err.kind === 'not-implemented' && /UTF-8/.test(err.message),
  );
});
