import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ellipsis, truncateId } from './truncate.js';

test('truncateId: the hex after the algorithm, 12 characters', () => {
  assert.equal(truncateId(`sha256:${'ab'.repeat(32)}`), 'abababababab');
  assert.equal(truncateId('<missing>'), '<missing>');
  assert.equal(truncateId('0123456789abcdef'), '0123456789ab');
});

test('ellipsis counts terminal columns as formatter.Ellipsis does', () => {
  assert.equal(ellipsis('abcdef', 6), 'abcdef');
  assert.equal(ellipsis('abcdefg', 6), 'abcde…');
  assert.equal(ellipsis('abc', 1), 'a');
  assert.equal(ellipsis('abc', 0), '');
  // Wide characters take two columns: 世界世 is 6 columns.
  assert.equal(ellipsis('世界世界', 6), '世界…');
  assert.equal(ellipsis('a世界世界', 6), 'a世界…');
  assert.equal(ellipsis('世界世', 6), '世界世');
});
