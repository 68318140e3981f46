import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goFileMode, goTime } from './container-filesystem.js';

test('goFileMode turns st_mode into Go os.FileMode bits, as the docker CLI reads them', () => {
  assert.equal(goFileMode(0o040755), 2147484141); // the engine API doc's example: a directory 0755
  assert.equal(goFileMode(0o100644), 0o644);
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777);
  assert.equal(goFileMode(0o020666), 2 ** 26 + 2 ** 21 + 0o666);
  assert.equal(goFileMode(0o060660), 2 ** 26 + 0o660);
  assert.equal(goFileMode(0o010644), 2 ** 25 + 0o644);
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755);
  assert.equal(goFileMode(0o041777), 2 ** 31 + 2 ** 20 + 0o777);
});

test('goTime writes RFC 3339 with nanoseconds, trailing zeros dropped', () => {
  assert.equal(goTime(1_714_557_600_000_000_000n), '2024-05-01T10:00:00Z');
  assert.equal(goTime(1_714_557_600_123_456_789n), '2024-05-01T10:00:00.123456789Z');
  assert.equal(goTime(1_714_557_600_120_000_000n), '2024-05-01T10:00:00.12Z');
});
