import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mountsUnder, needsRoot, tempDir } from '../../test/helpers/env.js';
import { isEngineError } from '../core/errors.js';
import { commonDir, MAX_MOUNT_OPTIONS, mountAll, mountCommand, mountCount, unmountAll } from './rootfs-mount.js';

describe('rootfs mounts', () => {
  it('builds mount(8) arguments', () => {
    assert.deepEqual(mountCommand({ type: 'bind', source: '/a/fs', options: ['rbind', 'ro'] }, '/b/rootfs'), {
      args: ['-o', 'rbind,ro', '/a/fs', '/b/rootfs'],
    });
    assert.deepEqual(mountCommand({ type: 'none', source: '/a/fs', options: ['bind', 'rw'] }, '/t'), { args: ['-o', 'bind,rw', '/a/fs', '/t'] });
    assert.deepEqual(mountCommand({ type: 'overlay', source: 'overlay', options: ['index=off', 'lowerdir=/l2:/l1'] }, '/t'), {
      args: ['-t', 'overlay', 'overlay', '-o', 'index=off,lowerdir=/l2:/l1', '/t'],
    });
    assert.deepEqual(mountCommand({ type: 'tmpfs', source: 'tmpfs', options: [] }, '/t'), { args: ['-t', 'tmpfs', 'tmpfs', '/t'] });
  });

  it('gives long overlay options relative to the layers\' common parent', () => {
    const root = `/var/lib/berth/snapshots/${'d'.repeat(40)}`;
    const lowers = Array.from({ length: 120 }, (_v, i) => `${root}/${1000 + i}/fs`);
    const cmd = mountCommand(
      { type: 'overlay', source: 'overlay', options: ['index=off', `lowerdir=${lowers.join(':')}`, `upperdir=${root}/9999/fs`, `workdir=${root}/9999/work`] },
      '/b/rootfs',
    );
    assert.equal(cmd.cwd, root);
    const opts = cmd.args[4] ?? '';
    assert.ok(opts.length < MAX_MOUNT_OPTIONS);
    assert.ok(opts.startsWith('index=off,lowerdir=1000/fs:1001/fs:'), opts.slice(0, 60));
    assert.ok(opts.endsWith(',upperdir=9999/fs,workdir=9999/work'));
    const tooMany = Array.from({ length: 900 }, (_v, i) => `${root}/${10000 + i}/fs`);
    assert.throws(
      () => mountCommand({ type: 'overlay', source: 'overlay', options: [`lowerdir=${tooMany.join(':')}`] }, '/t'),
      (err: unknown) => isEngineError(err) && err.kind === 'invalid-argument',
    );
    assert.equal(commonDir(['/a/b/c', '/a/b/d/e']), '/a/b');
    assert.equal(commonDir(['/x/1', '/y/2']), '/');
  });

  it('mounts a deep overlay chain through relative paths and unmounts it', { skip: needsRoot() }, async (t) => {
    const dir = tempDir(t);
    const layers = join(dir, 'l'.repeat(60), 'layers-with-a-rather-long-directory-name');
    const lowers: string[] = [];
    for (let i = 0; i < 70; i++) {
      const fs = join(layers, `layer-number-${String(i).padStart(4, '0')}`, 'fs');
      await mkdir(fs, { recursive: true });
      await writeFile(join(fs, `f${i}`), String(i));
      lowers.unshift(fs);
    }
    const upper = join(layers, 'upper', 'fs');
    const work = join(layers, 'upper', 'work');
    await mkdir(upper, { recursive: true });
    await mkdir(work, { recursive: true });
    const options = ['index=off', `lowerdir=${lowers.join(':')}`, `upperdir=${upper}`, `workdir=${work}`];
    assert.ok(options.join(',').length > MAX_MOUNT_OPTIONS);
    const target = join(dir, 'rootfs');
    await mkdir(target);
    await mountAll([{ type: 'overlay', source: 'overlay', options }], target);
    try {
      assert.equal(await readFile(join(target, 'f0'), 'utf8'), '0');
      assert.equal(await readFile(join(target, 'f69'), 'utf8'), '69');
      assert.equal(await mountCount(target), 1);
    } finally {
      await unmountAll(target);
    }
    assert.deepEqual(mountsUnder(dir), []);
    await unmountAll(target); // nothing mounted: no error
  });

  it('makes read-only bind mounts read-only', { skip: needsRoot() }, async (t) => {
    const dir = tempDir(t);
    const src = join(dir, 'src');
    const target = join(dir, 'rootfs');
    await mkdir(src);
    await mkdir(target);
    await mountAll([{ type: 'bind', source: src, options: ['rbind', 'ro'] }], target);
    try {
      await assert.rejects(writeFile(join(target, 'x'), 'x'), (err: unknown) => (err as NodeJS.ErrnoException).code === 'EROFS');
    } finally {
      await unmountAll(target);
    }
  });

  it('undoes earlier mounts when a later one fails', { skip: needsRoot() }, async (t) => {
    const dir = tempDir(t);
    const src = join(dir, 'src');
    const target = join(dir, 'rootfs');
    await mkdir(src);
    await mkdir(target);
    await assert.rejects(
      mountAll([{ type: 'bind', source: src, options: ['rbind'] }, { type: 'bind', source: join(dir, 'missing'), options: ['bind'], target: 'sub' }], target),
      (err: unknown) => isEngineError(err) && /mount bind/.test(err.message),
    );
    assert.deepEqual(mountsUnder(dir), []);
  });
});
