// Go time layouts in a zone with a half-hour offset and one with daylight saving time.

process.env.TZ = 'Asia/Kolkata';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRfc3339, formatRfc3339NanoFixed, reformatDate } from './go-time.js';

test('RFC 3339 in local time', () => {
  assert.equal(formatRfc3339(Date.parse('2024-05-01T10:00:00Z') / 1000), '2024-05-01T15:30:00+05:30');
  process.env.TZ = 'UTC';
  assert.equal(formatRfc3339(0), '1970-01-01T00:00:00Z');
  process.env.TZ = 'America/New_York';
  assert.equal(formatRfc3339(Date.parse('2024-01-15T12:00:00Z') / 1000), '2024-01-15T07:00:00-05:00');
  assert.equal(formatRfc3339(Date.parse('2024-07-15T12:00:00Z') / 1000), '2024-07-15T08:00:00-04:00');
  process.env.TZ = 'Asia/Kolkata';
});

test('RFC 3339 with fixed nanoseconds (events)', () => {
  assert.equal(formatRfc3339NanoFixed(1714557600_000000001n), '2024-05-01T15:30:00.000000001+05:30');
  assert.equal(formatRfc3339NanoFixed(1714557600_120000000n), '2024-05-01T15:30:00.120000000+05:30');
});

test('reformatDate: ANSI C in the time own zone, anything else unchanged', () => {
  assert.equal(reformatDate('2024-05-01T10:00:00Z'), 'Wed May  1 10:00:00 2024');
  assert.equal(reformatDate('2025-05-30T12:07:14.000000000+00:00'), 'Fri May 30 12:07:14 2025');
  assert.equal(reformatDate('2024-12-31T23:30:00-02:00'), 'Tue Dec 31 23:30:00 2024');
  assert.equal(reformatDate(''), '');
  assert.equal(reformatDate('yesterday'), 'yesterday');
});
