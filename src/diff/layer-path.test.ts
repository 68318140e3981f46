import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mknodScript, shellQuote } from './make-nodes.js';
import { cleanEntryName, symlinkEscapes } from './layer-path.js';
import { parseWhiteout } from './whiteout.js';

test('entry names are cleaned like filepath.Clean, relative to the layer root', () => {
  const cases: Array<[string, string]> = [
    ['a/b', 'a/b'],
    ['./a/b/', 'a/b'],
    ['/etc/passwd', 'etc/passwd'],
    ['//a//b/./c', 'a/b/c'],
    ['a/b/../c', 'a/c'],
    ['/../x', 'x'], // an absolute name stops at the root, as Clean("/../x") == "/x"
    ['/a/../../x', 'x'],
    ['./', ''],
    ['.', ''],
    ['/', ''],
    ['.wh.x', '.wh.x'],
    ['..x/y..', '..x/y..'],
  ];
  for (const [name, want] of cases) assert.equal(cleanEntryName(name), want, name);
});

test('relative names climbing above the root are refused with Docker words', () => {
  for (const name of ['..', '../x', 'a/../../x', './../etc/passwd']) {
    assert.throws(
      () => cleanEntryName(name),
      (err: Error & { kind?: string }) => err.message === `${JSON.stringify(name)} is outside of the layer root` && err.kind === 'invalid-argument',
    );
  }
  assert.throws(() => cleanEntryName('a\0b'), /NUL/);
});

test('symlink targets: relative ones must stay below the root at every step', () => {
  assert.equal(symlinkEscapes('', '/etc/passwd'), false);
  assert.equal(symlinkEscapes('', '/../../..'), false);
  assert.equal(symlinkEscapes('a/b', '../c'), false);
  assert.equal(symlinkEscapes('a/b', '../../c'), false);
  assert.equal(symlinkEscapes('a/b', '../../../c'), true);
  assert.equal(symlinkEscapes('', '..'), true);
  assert.equal(symlinkEscapes('', 'x/../..'), true);
  assert.equal(symlinkEscapes('a', '../../a/x'), true); // leaves the root, even if it comes back
  assert.equal(symlinkEscapes('a', './././x'), false);
});

test('whiteout names', () => {
  assert.deepEqual(parseWhiteout('.wh.foo'), { kind: 'remove', name: 'foo' });
  assert.deepEqual(parseWhiteout('.wh..hidden'), { kind: 'remove', name: '.hidden' });
  assert.deepEqual(parseWhiteout('.wh..wh..opq'), { kind: 'opaque' });
  assert.deepEqual(parseWhiteout('.wh..wh.plnk'), { kind: 'aufs-meta' });
  for (const bad of ['.wh.', '.wh..', '.wh...']) assert.deepEqual(parseWhiteout(bad), { kind: 'invalid' }, bad);
  assert.equal(parseWhiteout('foo.wh.bar'), undefined);
  assert.equal(parseWhiteout('.whx'), undefined);
});

test('mknod script quotes every path', () => {
  assert.equal(shellQuote(`it's $(rm -rf /)\n`), `'it'\\''s $(rm -rf /)\n'`);
  assert.equal(
    mknodScript([
      { path: "/r/a b'c", type: 'char', major: 0, minor: 0 },
      { path: '/r/f', type: 'fifo', major: 0, minor: 0 },
      { path: '/r/sda', type: 'block', major: 8, minor: 0 },
    ]),
    `mknod -m 0 -- '/r/a b'\\''c' c 0 0\nmknod -m 0 -- '/r/f' p\nmknod -m 0 -- '/r/sda' b 8 0\n`,
  );
  assert.throws(() => mknodScript([{ path: '/r/x', type: 'char', major: -1, minor: 0 }]), /invalid device number/);
});
