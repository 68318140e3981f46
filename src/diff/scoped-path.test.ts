import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { baseName, resolveInRoot } from './scoped-path.js';

test('resolveInRoot keeps every lookup inside the root', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'scoped-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'data/sub'), { recursive: true });
  writeFileSync(join(root, 'data/f'), 'x');
  symlinkSync('/etc', join(root, 'hostetc'));
  symlinkSync('../../../../../../etc', join(root, 'data/climb'));
  symlinkSync('sub', join(root, 'data/rel'));
  symlinkSync('/data/f', join(root, 'abs-f'));
  symlinkSync('loop', join(root, 'loop'));

  const r = (p: string, followLast = false) => resolveInRoot(root, p, { followLast });
  assert.deepEqual(await r('/data/f'), { hostPath: join(root, 'data/f'), containerPath: '/data/f' });
  // An absolute link restarts at the container's root, not the host's.
  assert.equal((await r('/hostetc/passwd')).hostPath, join(root, 'etc/passwd'));
  assert.equal((await r('/hostetc', true)).containerPath, '/etc');
  // `..` stops at the root, lexically and through links.
  assert.equal((await r('/../../../etc/passwd')).hostPath, join(root, 'etc/passwd'));
  assert.equal((await r('/data/climb/shadow')).hostPath, join(root, 'etc/shadow'));
  assert.equal((await r('/data/rel/x')).containerPath, '/data/sub/x');
  // The last link is kept unless asked to follow it.
  assert.equal((await r('/abs-f')).containerPath, '/abs-f');
  assert.equal((await r('/abs-f', true)).containerPath, '/data/f');
  assert.equal((await r('/nosuch/../data')).containerPath, '/data');
  await assert.rejects(r('/loop/x'), /too many links/);
  assert.equal((await r('/')).containerPath, '/');
});

test('baseName names archive entries as Docker does', () => {
  assert.equal(baseName('/etc/hosts'), 'hosts');
  assert.equal(baseName('/data/'), 'data');
  assert.equal(baseName('/data/.'), '.');
  assert.equal(baseName('/'), '/');
});
