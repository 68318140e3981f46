import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmod,
  chown,
  link,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { getAttribute, setAttribute } from '@napi-rs/xattr';
import { needsRoot, tempDir } from '../../../test/helpers/env.js';
import { isEngineError } from '../../core/errors.js';
import type { Mount } from '../../core/mount.js';
import { snapshotterSuite } from '../testsuite.js';
import { NativeSnapshotter } from './native-snapshotter.js';

snapshotterSuite('native', (root) => NativeSnapshotter.open(root));

const execFileAsync = promisify(execFile);

// The native snapshotter's mounts are plain directories, so these tests write into the bind
// source directly and need no mounts.
function source(mounts: Mount[]): string {
  const [m] = mounts;
  assert.ok(m !== undefined && mounts.length === 1 && m.type === 'bind');
  return m.source;
}

describe('NativeSnapshotter', () => {
  it('returns bind mounts; a view shares its committed parent read-only', async (t) => {
    const root = join(tempDir(t), 'root');
    const sn = await NativeSnapshotter.open(root);
    t.after(() => sn.close());
    const fs = (id: number): string => join(root, 'snapshots', String(id), 'fs');
    assert.deepEqual(await sn.prepare('a'), [{ type: 'bind', source: fs(1), options: ['rbind', 'rw'] }]);
    await sn.commit('l1', 'a');
    assert.deepEqual(await sn.prepare('b', 'l1'), [{ type: 'bind', source: fs(2), options: ['rbind', 'rw'] }]);
    assert.deepEqual(await sn.view('v', 'l1'), [{ type: 'bind', source: fs(1), options: ['rbind', 'ro'] }]);
    assert.deepEqual(await sn.view('v0'), [{ type: 'bind', source: fs(4), options: ['rbind', 'ro'] }]);
  });

  it('prepare copies the parent: contents, modes, times, links, xattrs, fifos', async (t) => {
    const root = join(tempDir(t), 'root');
    const sn = await NativeSnapshotter.open(root);
    t.after(() => sn.close());
    const base = source(await sn.prepare('a'));
    await chmod(base, 0o751);
    await mkdir(join(base, 'etc'), { mode: 0o700 });
    await writeFile(join(base, 'etc', 'conf'), 'v1', { mode: 0o640 });
    await link(join(base, 'etc', 'conf'), join(base, 'hard'));
    await symlink('etc/conf', join(base, 'soft'));
    await execFileAsync('mkfifo', [join(base, 'pipe')]);
    await setAttribute(join(base, 'etc', 'conf'), 'user.berth', 'kept');
    await utimes(join(base, 'etc', 'conf'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
    await sn.commit('l1', 'a');

    const copy = source(await sn.prepare('b', 'l1'));
    assert.notEqual(copy, base);
    assert.equal((await stat(copy)).mode & 0o7777, 0o751);
    assert.equal((await stat(join(copy, 'etc'))).mode & 0o7777, 0o700);
    const conf = await stat(join(copy, 'etc', 'conf'));
    assert.equal(conf.mode & 0o7777, 0o640);
    assert.equal(conf.mtime.toISOString(), '2001-02-03T04:05:06.000Z');
    assert.equal(conf.nlink, 2);
    assert.equal((await stat(join(copy, 'hard'))).ino, conf.ino);
    assert.notEqual(conf.ino, (await stat(join(base, 'etc', 'conf'))).ino);
    assert.equal(await readlink(join(copy, 'soft')), 'etc/conf');
    assert.ok((await lstat(join(copy, 'pipe'))).isFIFO());
    assert.equal((await getAttribute(join(copy, 'etc', 'conf'), 'user.berth'))?.toString(), 'kept');

    // The copy is independent of the committed parent.
    await writeFile(join(copy, 'etc', 'conf'), 'v2');
    assert.equal(await readFile(join(base, 'etc', 'conf'), 'utf8'), 'v1');
    // usage() of the child counts its full tree: root, etc, conf(=hard), soft, pipe.
    assert.deepEqual(await sn.usage('b'), { size: 2 + 'etc/conf'.length, inodes: 5 });
  });

  it('prepare keeps owners and device nodes', { skip: needsRoot() }, async (t) => {
    const root = join(tempDir(t), 'root');
    const sn = await NativeSnapshotter.open(root);
    t.after(() => sn.close());
    const base = source(await sn.prepare('a'));
    await writeFile(join(base, 'owned'), 'x');
    await chown(join(base, 'owned'), 1234, 5678);
    await execFileAsync('mknod', [join(base, 'null'), 'c', '1', '3']);
    await sn.commit('l1', 'a');
    const copy = source(await sn.prepare('b', 'l1'));
    const owned = await stat(join(copy, 'owned'));
    assert.deepEqual([owned.uid, owned.gid], [1234, 5678]);
    const dev = await lstat(join(copy, 'null'));
    assert.ok(dev.isCharacterDevice());
    assert.equal(dev.rdev, (await lstat(join(base, 'null'))).rdev);
  });

  it('a failed copy leaves neither a snapshot nor a directory', async (t) => {
    const root = join(tempDir(t), 'root');
    const sn = await NativeSnapshotter.open(root);
    t.after(() => sn.close());
    const base = source(await sn.prepare('a'));
    await sn.commit('l1', 'a');
    await rm(base, { recursive: true }); // the parent's tree vanished behind our back
    await assert.rejects(
      sn.prepare('b', 'l1'),
      (err: unknown) => isEngineError(err) && err.kind === 'internal' && /copy of parent l1/.test(err.message),
    );
    await assert.rejects(sn.stat('b'), (err: unknown) => isEngineError(err) && err.kind === 'not-found');
    assert.deepEqual(await readdir(join(root, 'snapshots')), ['1']);
  });
});
