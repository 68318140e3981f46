import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setAttributeSync } from '@napi-rs/xattr';
import { extract } from 'tar-stream';
import { needsRoot, tempDir } from '../../test/helpers/env.js';
import { layerFromUpper, RUNTIME_PATHS, upperChanges } from './layer-from-upper.js';

const LETTER = { modified: 'C', added: 'A', deleted: 'D' } as const;

/** A lower layer and an upper dir as overlayfs leaves them after a container's changes. */
function fixture(dir: string): { upper: string; lowers: string[] } {
  const lower = join(dir, 'lower');
  const upper = join(dir, 'upper');
  mkdirSync(join(lower, 'etc'), { recursive: true });
  writeFileSync(join(lower, 'etc/passwd'), 'root\n');
  writeFileSync(join(lower, 'etc/group'), 'root\n');
  mkdirSync(join(lower, 'var/cache'), { recursive: true });
  writeFileSync(join(lower, 'var/cache/a'), '');
  writeFileSync(join(lower, 'var/cache/b'), '');
  mkdirSync(join(upper, 'etc'), { recursive: true });
  writeFileSync(join(upper, 'etc/group'), 'root\nextra\n');
  execFileSync('mknod', [join(upper, 'etc/passwd'), 'c', '0', '0']);
  writeFileSync(join(upper, 'etc/hosts'), '');
  mkdirSync(join(upper, 'new'));
  symlinkSync('../etc/group', join(upper, 'new/link'));
  mkdirSync(join(upper, 'var/cache'), { recursive: true });
  setAttributeSync(join(upper, 'var/cache'), 'trusted.overlay.opaque', 'y');
  writeFileSync(join(upper, 'var/cache/b'), 'again');
  mkdirSync(join(upper, 'proc'));
  return { upper, lowers: [lower] };
}

test('upperChanges lists A, C and D as Docker does, without runtime mount points', { skip: needsRoot() }, async (t) => {
  const dirs = fixture(tempDir(t));
  const changes = await upperChanges({ ...dirs, ignore: RUNTIME_PATHS });
  assert.deepEqual(
    changes.map((c) => `${LETTER[c.kind]} ${c.path}`),
    ['C /etc', 'C /etc/group', 'D /etc/passwd', 'A /new', 'A /new/link', 'C /var', 'C /var/cache', 'D /var/cache/a', 'C /var/cache/b'],
  );
});

test('layerFromUpper writes OCI whiteouts for deletions and opaque directories', { skip: needsRoot() }, async (t) => {
  const dirs = fixture(tempDir(t));
  const ex2 = extract();
  const names: string[] = [];
  const layer2 = layerFromUpper({ ...dirs, ignore: RUNTIME_PATHS });
  ex2.on('entry', (h, stream, next) => {
    names.push(`${h.type} ${h.name}${h.linkname ? ` -> ${h.linkname}` : ''}`);
    stream.resume();
    stream.on('end', next);
  });
  await Promise.all([
    new Promise<void>((resolve, reject) => {
      ex2.on('finish', () => resolve()).on('error', reject);
      layer2.stream.pipe(ex2);
    }),
    layer2.done,
  ]);
  assert.deepEqual(names, [
    'directory etc/',
    'file etc/group',
    'file etc/.wh.passwd',
    'directory new/',
    'symlink new/link -> ../etc/group',
    'directory var/',
    'directory var/cache/',
    'file var/cache/.wh..wh..opq',
    'file var/cache/b',
  ]);
});
