import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { mountsUnder, needsRoot, tempDir } from '../../../test/helpers/env.js';
import { isEngineError } from '../../core/errors.js';
import { mountOption, type Mount } from '../../core/mount.js';
import { snapshotterSuite, withMounts } from '../testsuite.js';
import { OverlaySnapshotter } from './overlay-snapshotter.js';

snapshotterSuite('overlay', (root) => OverlaySnapshotter.open(root), { requiresRoot: true });

const execFileAsync = promisify(execFile);

function overlayMount(lower: string, upper: string, work: string): Mount {
  return { type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] };
}

function only(mounts: Mount[]): Mount {
  assert.equal(mounts.length, 1);
  const [m] = mounts;
  assert.ok(m !== undefined);
  return m;
}

describe('OverlaySnapshotter', () => {
  it('returns the documented mount shapes with short, stable paths', async (t) => {
    const root = join(tempDir(t), 'root');
    const sn = await OverlaySnapshotter.open(root);
    t.after(() => sn.close());
    const fs = (id: number): string => join(root, 'snapshots', String(id), 'fs');

    assert.deepEqual(await sn.prepare('a'), [{ type: 'bind', source: fs(1), options: ['rbind', 'rw'] }]);
    await sn.commit('l1', 'a');
    assert.deepEqual(await sn.prepare('b', 'l1'), [
      {
        type: 'overlay',
        source: 'overlay',
        options: [
          'index=off',
          `lowerdir=${fs(1)}`,
          `upperdir=${fs(2)}`,
          `workdir=${join(root, 'snapshots', '2', 'work')}`,
        ],
      },
    ]);
    await sn.commit('l2', 'b');
    await sn.prepare('c', 'l2');
    await sn.commit('l3', 'c');
    // Nearest parent first: l3 (id 3), l2 (id 2), l1 (id 1).
    assert.equal(mountOption(only(await sn.prepare('ctr', 'l3')), 'lowerdir'), `${fs(3)}:${fs(2)}:${fs(1)}`);
    assert.equal(mountOption(only(await sn.mounts('ctr')), 'upperdir'), fs(4));

    assert.deepEqual(await sn.view('v0'), [{ type: 'bind', source: fs(5), options: ['rbind', 'ro'] }]);
    assert.deepEqual(await sn.view('v1', 'l1'), [{ type: 'bind', source: fs(1), options: ['rbind', 'ro'] }]);
    assert.deepEqual(await sn.view('v3', 'l3'), [
      { type: 'overlay', source: 'overlay', options: [`lowerdir=${fs(3)}:${fs(2)}:${fs(1)}`] },
    ]);
  });

  it('refuses a root that cannot be written into mount options', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(
      OverlaySnapshotter.open(join(dir, 'a:b')),
      (err: unknown) => isEngineError(err) && err.kind === 'invalid-argument',
    );
  });

  it('supported() really mounts an overlay and leaves nothing behind', { skip: needsRoot() }, async (t) => {
    const root = join(tempDir(t), 'root');
    const started = performance.now();
    const result = await OverlaySnapshotter.supported(root);
    const ms = performance.now() - started;
    assert.deepEqual(result, { ok: true });
    assert.ok(ms < 500, `supported() took ${ms.toFixed(0)} ms`);
    assert.deepEqual(await readdir(root), []);
  });

  it('supported() reports overlayfs on overlayfs as unsupported', { skip: needsRoot() }, async (t) => {
    const dir = tempDir(t);
    await Promise.all(['l', 'u', 'w', 'm'].map((d) => mkdir(join(dir, d))));
    const outer = overlayMount(join(dir, 'l'), join(dir, 'u'), join(dir, 'w'));
    await withMounts([outer], join(dir, 'm'), async (merged) => {
      const result = await OverlaySnapshotter.supported(join(merged, 'root'));
      assert.equal(result.ok, false);
      assert.match(result.reason ?? '', /overlay/);
      assert.deepEqual(await readdir(join(merged, 'root')), []);
    });
  });

  it('open() removes a stale supported() scratch directory, unmounting it first', { skip: needsRoot() }, async (t) => {
    const root = join(tempDir(t), 'root');
    const scratch = join(root, '.tmp-overlay-check-abc123');
    await Promise.all(['lower', 'upper', 'work', 'merged'].map((d) => mkdir(join(scratch, d), { recursive: true })));
    const m = overlayMount(join(scratch, 'lower'), join(scratch, 'upper'), join(scratch, 'work'));
    await execFileAsync('mount', ['-t', 'overlay', 'overlay', '-o', m.options.join(','), join(scratch, 'merged')]);
    // If open() leaves it mounted, tempDir's leak check fails the test; this hook then detaches it.
    t.after(async () => {
      if (mountsUnder(scratch).length > 0) await execFileAsync('umount', ['-l', join(scratch, 'merged')]);
    });
    const sn = await OverlaySnapshotter.open(root);
    t.after(() => sn.close());
    assert.deepEqual(mountsUnder(root), []);
    assert.deepEqual((await readdir(root)).sort(), ['metadata', 'snapshots']);
  });

  it('an active snapshot holds only its changes: usage and whiteouts', { skip: needsRoot() }, async (t) => {
    const tmp = tempDir(t);
    const sn = await OverlaySnapshotter.open(join(tmp, 'root'));
    t.after(() => sn.close());
    await withMounts(await sn.prepare('a'), join(tmp, 'm'), async (dir) => {
      await writeFile(join(dir, 'big'), Buffer.alloc(4096));
      await writeFile(join(dir, 'doomed'), 'x');
    });
    await sn.commit('l1', 'a');
    const mounts = await sn.prepare('b', 'l1');
    await withMounts(mounts, join(tmp, 'm'), async (dir) => {
      await writeFile(join(dir, 'small'), '0123456789');
      await execFileAsync('rm', [join(dir, 'doomed')]);
    });
    // The kernel records the delete as a 0:0 character device in the upper dir: the whiteout
    // format diff/ reads and writes.
    const upper = mountOption(only(mounts), 'upperdir');
    assert.ok(upper !== undefined);
    const wh = await lstat(join(upper, 'doomed'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
    // root, small, the whiteout; nothing of the 4 KiB lower file.
    assert.deepEqual(await sn.usage('b'), { size: 10, inodes: 3 });
  });
});
