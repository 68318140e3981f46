// ContainerStore.open's clean-up of a create that did not finish: a copy-up that a crash left
// mounted is unmounted before the directory goes, never deleted through.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needsRoot, tempDir } from '../../../test/helpers/env.js';
import { mountPointsUnder } from '../../util/mounts.js';
import { ContainerStore } from './container-store.js';

test('a record-less container directory with a mount below it is unmounted, then removed', { skip: needsRoot() }, async (t) => {
  const root = tempDir(t);
  const scratch = join(root, 'a'.repeat(64), 'copy-up');
  const keep = tempDir(t);
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(keep, 'precious'), 'x');
  execFileSync('mount', ['--bind', keep, scratch]);
  t.after(() => {
    if (existsSync(scratch)) execFileSync('umount', ['-l', scratch], { stdio: 'ignore' });
  });
  await ContainerStore.open(root);
  assert.deepEqual(await mountPointsUnder(root), []);
  assert.equal(existsSync(join(root, 'a'.repeat(64))), false);
  assert.equal(existsSync(join(keep, 'precious')), true);
});
