import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCpArg } from './cp.js';

test('splitCpArg reads container:path as the docker CLI does', () => {
  assert.deepEqual(splitCpArg('web:/etc/hosts'), { container: 'web', path: '/etc/hosts' });
  assert.deepEqual(splitCpArg('web:'), { container: 'web', path: '' });
  assert.deepEqual(splitCpArg('/tmp/a:b'), { path: '/tmp/a:b' });
  assert.deepEqual(splitCpArg('./a:b'), { path: './a:b' });
  assert.deepEqual(splitCpArg('dir/a:b'), { path: 'dir/a:b' });
  assert.deepEqual(splitCpArg('-'), { path: '-' });
  assert.deepEqual(splitCpArg('file'), { path: 'file' });
});
