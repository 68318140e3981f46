// resolveBeneath: the one guard between an image's or a volume's symlinks and the host's files
// (copy-up sources, volume-subpath); byDepth: the order of a container's own mounts.

import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/helpers/env.js';
import { byDepth, resolveBeneath } from './volume-mounts.js';

test('resolveBeneath follows symlinks that stay inside and refuses those that leave', async (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, 'real/sub'), { recursive: true });
  writeFileSync(join(root, 'real/sub/f'), 'x');
  symlinkSync('real', join(root, 'rel'));
  symlinkSync('/', join(root, 'abs'));
  symlinkSync('../..', join(root, 'real/up'));
  assert.equal(await resolveBeneath(root, 'rel/sub'), join(root, 'real/sub'));
  assert.equal(await resolveBeneath(root, '/rel/sub/f'), join(root, 'real/sub/f'));
  assert.equal(await resolveBeneath(root, '.'), root);
  assert.equal(await resolveBeneath(root, 'abs/etc'), undefined);
  assert.equal(await resolveBeneath(root, 'real/up/etc'), undefined);
  assert.equal(await resolveBeneath(root, '../'), undefined);
  assert.equal(await resolveBeneath(root, 'missing'), undefined);
});

test('byDepth puts parents before children and keeps the order of equals', () => {
  const m = (destination: string, source = destination) => ({ destination, type: 'bind', source, options: [] });
  assert.deepEqual(
    byDepth([m('/data/sub'), m('/b', 'first'), m('/data'), m('/b', 'second')]).map((x) => [x.destination, x.source]),
    [['/b', 'first'], ['/data', '/data'], ['/b', 'second'], ['/data/sub', '/data/sub']],
  );
});
