// Hostile layers must never touch anything outside the target. Every case runs against a bind
// target and an overlay upper, next to a sentinel directory that must come out unchanged.

import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needsRoot, tempDir } from '../../test/helpers/env.js';
import type { Mount } from '../core/mount.js';
import { applyLayer } from './apply-layer.js';
import { makeTar, paxHeader, streamOf, type FixtureEntry } from './fixture-tar.js';
import { bindMounts, overlayMounts, tree } from './fixture-tree.js';

interface Env {
  dir: string;
  /** Where the layer's files land: the bind source or the overlay upper. */
  root: string;
  /** Where earlier layers live: the root itself (bind) or the lower dir (overlay). */
  below: string;
  sentinel: string;
  mounts: Mount[];
}

type Expect = { ok: true } | { kind: string; message: RegExp };

interface Case {
  name: string;
  entries: (env: Env) => FixtureEntry[];
  /** Earlier layers' content, written into `below` first. */
  setup?: (env: Env) => void;
  expect: Expect;
  check?: (env: Env) => void;
}

const PWNED = 'pwned';
const ETC_CANARY = '/etc/berth-diff-test-must-not-exist';

const OK: Expect = { ok: true };
const refused = (message: RegExp): Expect => ({ kind: 'invalid-argument', message });
const OUTSIDE = /is outside of the layer root/;
const link = (name: string, linkname: string): FixtureEntry => ({ name, type: 'symlink', linkname });
const hard = (name: string, linkname: string): FixtureEntry => ({ name, type: 'link', linkname });
const file = (name: string, data = PWNED): FixtureEntry => ({ name, data });

const cases: Case[] = [
  { name: 'name with ..', entries: () => [file('../escape')], expect: refused(/^"\.\.\/escape" is outside of the layer root$/) },
  { name: 'name climbing through a dir', entries: () => [file('a/../../escape')], expect: refused(OUTSIDE) },
  { name: 'PAX path with ..', entries: () => [paxHeader({ path: 'x/../../../escape' }), file('x')], expect: refused(OUTSIDE) },
  { name: 'dir entry with ..', entries: () => [{ name: '../newdir/', type: 'directory' }], expect: refused(OUTSIDE) },
  {
    name: 'absolute names land inside the root',
    entries: () => [file('/abs/file', 'in'), file('/../clamped', 'in')],
    expect: OK,
    check: ({ root }) => {
      assert.equal(readFileSync(join(root, 'abs/file'), 'utf8'), 'in');
      assert.equal(readFileSync(join(root, 'clamped'), 'utf8'), 'in');
    },
  },
  {
    name: "a -> /etc then a/passwd writes the root's etc/passwd",
    entries: () => [link('a', '/etc'), file('a/passwd'), file(`a/${ETC_CANARY.slice('/etc/'.length)}`)],
    expect: OK,
    check: ({ root }) => {
      assert.equal(readFileSync(join(root, 'etc/passwd'), 'utf8'), PWNED);
      assert.equal(lstatSync(join(root, 'a')).isSymbolicLink(), true);
    },
  },
  {
    name: 'symlink to the sentinel, then a file below it',
    entries: ({ sentinel }) => [link('s', sentinel), file('s/secret'), file('s/new')],
    expect: OK,
    check: ({ root, sentinel }) => assert.equal(readFileSync(join(root, sentinel, 'secret'), 'utf8'), PWNED),
  },
  {
    name: 'symlink from an earlier layer to the sentinel, then a file below it',
    setup: ({ below, sentinel }) => symlinkSync(sentinel, join(below, 'evil')),
    entries: () => [file('evil/secret'), file('evil/sub/deeper')],
    expect: OK,
    check: ({ root, sentinel }) => assert.equal(readFileSync(join(root, sentinel, 'sub/deeper'), 'utf8'), PWNED),
  },
  {
    name: 'relative symlink chain from an earlier layer climbing out',
    setup: ({ below }) => {
      mkdirSync(join(below, 'x/y'), { recursive: true });
      // Created by an earlier (already hostile) layer: must still resolve inside the root.
      symlinkSync('../../../../../../..', join(below, 'x/y/up'));
    },
    entries: ({ sentinel }) => [file(`x/y/up/${sentinel.slice(1)}/secret`)],
    expect: OK,
    check: ({ root, sentinel }) => assert.equal(readFileSync(join(root, sentinel, 'secret'), 'utf8'), PWNED),
  },
  {
    name: 'whiteout through a symlink to the sentinel',
    entries: ({ sentinel }) => [link('s', sentinel), { name: 's/.wh.secret' }, { name: 's/.wh.sub' }],
    expect: OK,
  },
  {
    name: 'opaque marker through a symlink to the sentinel',
    setup: ({ below, sentinel }) => symlinkSync(sentinel, join(below, 'evil')),
    entries: () => [{ name: 'evil/.wh..wh..opq' }],
    expect: OK,
  },
  {
    name: 'directory entry through a symlink to the sentinel',
    entries: ({ sentinel }) => [link('s', sentinel), { name: 's/sub/', type: 'directory', mode: 0o700, uid: 99 }],
    expect: OK,
  },
  {
    name: 'entries replacing symlinks to the sentinel replace the links',
    entries: ({ sentinel }) => [
      link('f', `${sentinel}/secret`),
      file('f'),
      link('d', `${sentinel}/sub`),
      { name: 'd/', type: 'directory', mode: 0o700 },
      file('d/x'),
    ],
    expect: OK,
    check: ({ root }) => {
      assert.equal(readFileSync(join(root, 'f'), 'utf8'), PWNED);
      assert.equal(lstatSync(join(root, 'd')).isDirectory(), true);
    },
  },
  {
    name: 'symlink loop',
    entries: () => [link('l1', 'l2'), link('l2', 'l1'), file('l1/x')],
    expect: refused(/too many levels of symbolic links/),
  },
  {
    name: 'relative symlink climbing out',
    entries: () => [link('a', '../../..')],
    expect: refused(/^invalid symlink "a" -> "\.\.\/\.\.\/\.\."$/),
  },
  {
    name: 'deeper relative symlink climbing out',
    entries: () => [link('x/y/a', '../../../sentinel')],
    expect: refused(/^invalid symlink "x\/y\/a" -> /),
  },
  {
    name: 'absolute symlink targets are container paths',
    entries: () => [link('up', '/../../..'), file('up/x', 'in'), link('b', '/'), link('a', 'b/c'), file('a/file', 'in')],
    expect: OK,
    check: ({ root }) => {
      assert.equal(readFileSync(join(root, 'x'), 'utf8'), 'in');
      assert.equal(readFileSync(join(root, 'c/file'), 'utf8'), 'in');
    },
  },
  {
    name: 'hardlink climbing out',
    entries: () => [hard('h', '../sentinel/secret')],
    expect: refused(/^invalid hardlink "h" -> "\.\.\/sentinel\/secret"$/),
  },
  { name: 'hardlink name climbing out', entries: () => [file('x', ''), hard('../h', 'x')], expect: refused(OUTSIDE) },
  {
    name: 'hardlink to the sentinel by absolute name',
    entries: ({ sentinel }) => [hard('h', `${sentinel}/secret`)],
    expect: refused(/^invalid hardlink "h" -> ".*": target does not exist$/),
  },
  {
    name: 'hardlink through a symlink to the sentinel',
    entries: ({ sentinel }) => [link('s', sentinel), hard('h', 's/secret')],
    expect: refused(/target does not exist/),
  },
  {
    name: 'hardlink to a directory',
    entries: () => [{ name: 'd/', type: 'directory' }, hard('h', 'd')],
    expect: refused(/target is a directory/),
  },
  {
    name: 'char device 0:0 as a plain entry',
    entries: () => [{ name: 'etc', type: 'character-device', devmajor: 0, devminor: 0 }],
    expect: refused(/^invalid device node "etc": whiteout devices are not allowed in layers$/),
  },
  { name: 'whiteout of nothing', entries: () => [{ name: 'dir/.wh.' }], expect: refused(/invalid whiteout "dir\/\.wh\."/) },
  { name: 'whiteout of .', entries: () => [{ name: '.wh..' }], expect: refused(/invalid whiteout/) },
  { name: 'whiteout of ..', entries: () => [{ name: 'x/.wh...' }], expect: refused(/invalid whiteout/) },
  { name: 'NUL in a PAX path', entries: () => [paxHeader({ path: 'a\0b' }), file('x', '')], expect: refused(/NUL/) },
];

function snapshotOutside(env: Env): unknown {
  const all = tree(env.dir, { dirTimes: true });
  const inside = (p: string): boolean => ['root', 'work'].some((d) => p === d || p.startsWith(`${d}/`));
  return Object.fromEntries(Object.entries(all).filter(([p]) => !inside(p)));
}

for (const mode of ['bind', 'overlay'] as const) {
  for (const c of cases) {
    test(`hostile (${mode}): ${c.name}`, { skip: needsRoot() }, async (t) => {
      const dir = tempDir(t);
      const root = join(dir, 'root');
      const sentinel = join(dir, 'sentinel');
      mkdirSync(root);
      mkdirSync(join(sentinel, 'sub'), { recursive: true });
      writeFileSync(join(sentinel, 'secret'), 'secret');
      let env: Env;
      if (mode === 'bind') {
        env = { dir, root, below: root, sentinel, mounts: bindMounts(root) };
      } else {
        mkdirSync(join(dir, 'work'));
        mkdirSync(join(dir, 'lower'));
        const lower = join(dir, 'lower');
        env = { dir, root, below: lower, sentinel, mounts: overlayMounts(root, join(dir, 'work'), [lower]) };
      }
      c.setup?.(env);
      const before = snapshotOutside(env);
      const passwd = readFileSync('/etc/passwd');
      try {
        const p = applyLayer(env.mounts, streamOf(await makeTar(c.entries(env))));
        if ('ok' in c.expect) {
          await p;
        } else {
          const { kind, message } = c.expect;
          await assert.rejects(p, (err: Error & { kind?: string }) => {
            assert.equal(err.kind, kind, err.message);
            assert.match(err.message, message);
            return true;
          });
        }
        c.check?.(env);
        assert.deepEqual(snapshotOutside(env), before, 'something outside the root changed');
        assert.equal(existsSync(ETC_CANARY), false, `${ETC_CANARY} was created`);
        assert.deepEqual(readFileSync('/etc/passwd'), passwd, '/etc/passwd changed');
      } finally {
        // Undo the damage a regression would do to the host, so one failure stays one failure.
        if (!readFileSync('/etc/passwd').equals(passwd)) writeFileSync('/etc/passwd', passwd);
        rmSync(ETC_CANARY, { force: true });
      }
    });
  }
}
