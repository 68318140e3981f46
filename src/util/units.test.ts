// Tables drawn from docker/go-units (size_test.go, duration_test.go), Go's time package
// (ParseDuration tests) and moby's daemon/internal/timestamp tests, plus edge cases whose
// answers follow from the same Go code (rounding of %.4g, suffix checks, error words).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../core/errors.js';
import {
  bytesSize,
  fromHumanSize,
  humanDuration,
  humanSize,
  humanSizeWithPrecision,
  parseGoDuration,
  parseTimestampOrDuration,
  parseUnixTimestamp,
  ramInBytes,
  unixTimeFromDate,
  unixTimeToMillis,
  type UnixTime,
} from './units.js';

const KB = 1e3;
const MB = 1e6;
const GB = 1e9;
const TB = 1e12;
const PB = 1e15;
const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const TiB = 2 ** 40;
const PiB = 2 ** 50;

function assertInvalid(fn: () => unknown, message?: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EngineError, `expected EngineError, got ${String(err)}`);
    assert.equal(err.kind, 'invalid-argument');
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

/** An RFC 3339 UTC time with up to nine fraction digits, as a UnixTime. */
function utc(iso: string): UnixTime {
  const m = /^([^.]*?)(?:\.(\d+))?Z$/.exec(iso);
  assert.ok(m !== null, iso);
  return { seconds: Date.parse(`${m[1] ?? ''}Z`) / 1000, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

describe('bytesSize', () => {
  const cases: [size: number, expected: string][] = [
    [1024, '1KiB'],
    [1024 * 1024, '1MiB'],
    [1048576, '1MiB'],
    [2 * MiB, '2MiB'],
    [3.42 * GiB, '3.42GiB'],
    [5.372 * TiB, '5.372TiB'],
    [2.22 * PiB, '2.22PiB'],
    [KiB * KiB * KiB * KiB * KiB * PiB, '1.049e+06YiB'],
    [0, '0B'],
    [1023, '1023B'],
    [1536, '1.5KiB'],
    [1.5 * MiB, '1.5MiB'],
    [1.5 * 2 ** 80, '1.5YiB'],
  ];
  for (const [size, expected] of cases) {
    test(`${size} → ${expected}`, () => assert.equal(bytesSize(size), expected));
  }
});

describe('humanSize', () => {
  const cases: [size: number, expected: string][] = [
    [1000, '1kB'],
    [1024, '1.024kB'],
    [1000000, '1MB'],
    [1048576, '1.049MB'],
    [2 * MB, '2MB'],
    [3.42e9, '3.42GB'],
    [5.372e12, '5.372TB'],
    [2.22e15, '2.22PB'],
    [10000000000000 * PB, '1e+04YB'],
    [0, '0B'],
    [1, '1B'],
    [999, '999B'],
    [999.5, '999.5B'],
    [123456789, '123.5MB'],
    [4100, '4.1kB'],
    [1990000, '1.99MB'],
    // Rounds to 1000 within the unit; the unit is chosen before rounding.
    [999999, '1000kB'],
    // 9999.5 / 1000 is just below 9.9995 as a double, so it rounds down.
    [9999.5, '9.999kB'],
    [9999.6, '10kB'],
    // Exact ties round to even, as Go's strconv does (10.625 and 10.875 are exact doubles).
    [10625, '10.62kB'],
    [10875, '10.88kB'],
    [0.5, '0.5B'],
    [0.00001, '1e-05B'],
    [-1, '-1B'],
    [-2000, '-2000B'],
    [Number.NaN, 'NaNB'],
    [Infinity, '+InfYB'],
    [-Infinity, '-InfB'],
  ];
  for (const [size, expected] of cases) {
    test(`${size} → ${expected}`, () => assert.equal(humanSize(size), expected));
  }

  const precision: [size: number, precision: number, expected: string][] = [
    [1234567, 2, '1.2MB'],
    [1234567, 4, '1.235MB'],
    [1500, 1, '2kB'],
    [2500, 1, '2kB'],
    [1500, 0, '2kB'],
    [123456, 1, '1e+02kB'],
    [123456, 3, '123kB'],
  ];
  for (const [size, p, expected] of precision) {
    test(`precision ${p}: ${size} → ${expected}`, () => {
      assert.equal(humanSizeWithPrecision(size, p), expected);
    });
  }
});

describe('fromHumanSize', () => {
  const ok: [input: string, expected: number][] = [
    ['0', 0],
    ['0b', 0],
    ['0B', 0],
    ['0 B', 0],
    ['32', 32],
    ['32b', 32],
    ['32B', 32],
    ['32k', 32 * KB],
    ['32K', 32 * KB],
    ['32kb', 32 * KB],
    ['32Kb', 32 * KB],
    ['32Mb', 32 * MB],
    ['32Gb', 32 * GB],
    ['32Tb', 32 * TB],
    ['32Pb', 32 * PB],
    ['32.5kB', 32.5 * KB],
    ['32.5 kB', 32.5 * KB],
    ['32.5 B', 32],
    ['0.3 K', 300],
    ['.3kB', 300],
    ['0.', 0],
    ['0. ', 0],
    ['0.b', 0],
    ['0.B', 0],
    ['-0', 0],
    ['-0b', 0],
    ['-0B', 0],
    ['-0 b', 0],
    ['-0 B', 0],
    ['32.', 32],
    ['32.b', 32],
    ['32.B', 32],
    ['32. b', 32],
    ['32. B', 32],
    ['0 ', 0],
    // The decimal map still takes an "ib" ending.
    ['32kib', 32 * KB],
    // Go float syntax: exponents, digit separators, hex floats.
    ['1e3', 1000],
    ['1_000k', 1e6],
    ['1_23.50_0_0e+1_2', 123500000000000],
    ['0x1p4', 16],
    ['8e18', 8e18],
    // strings.ToLower maps the Kelvin sign to 'k'.
    ['32\u212a', 32 * KB],
  ];
  for (const [input, expected] of ok) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      const got = fromHumanSize(input);
      assert.equal(got, expected);
      assert.ok(!Object.is(got, -0));
    });
  }

  const bad = [
    ' 0',
    ' 0b',
    ' 0B',
    ' 0 B',
    '0b ',
    '0B ',
    '0 B ',
    '',
    'hello',
    '.',
    '. ',
    ' ',
    '  ',
    ' .',
    ' . ',
    '-32',
    '-32b',
    '-32B',
    '-32 b',
    '-32 B',
    '32b.',
    '32B.',
    '32 b.',
    '32 B.',
    '32 bb',
    '32 BB',
    '32 b b',
    '32 B B',
    '32  b',
    '32  B',
    ' 32 ',
    '32m b',
    '32bm',
  ];
  for (const input of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => assertInvalid(() => fromHumanSize(input)));
  }

  const words: [input: string, message: string][] = [
    ['', "invalid size: ''"],
    ['hello', "invalid size: 'hello'"],
    ['-32', "invalid size: '-32'"],
    ['-32 B', "invalid size: '-32 B'"],
    ['32bm', "invalid suffix: 'bm'"],
    ['32 BB', "invalid suffix: 'bb'"],
    ['32 b b', "invalid suffix: 'b b'"],
    ['32  b', "invalid suffix: ' b'"],
    ['32x', "invalid suffix: 'x'"],
    ['32 kx', "invalid suffix: 'kx'"],
    ['32 kbx', "invalid suffix: 'kbx'"],
    // Too long: reported before lowercasing.
    ['32Kbbb', "invalid suffix: 'Kbbb'"],
    ['32m b', 'strconv.ParseFloat: parsing "32m": invalid syntax'],
    [' 32 ', 'strconv.ParseFloat: parsing "": invalid syntax'],
    ['32b.', 'strconv.ParseFloat: parsing "32b.": invalid syntax'],
    ['.', 'strconv.ParseFloat: parsing ".": invalid syntax'],
    ['1__0', 'strconv.ParseFloat: parsing "1__0": invalid syntax'],
    ['_1', 'strconv.ParseFloat: parsing "_1": invalid syntax'],
    // The number ends at the last digit, so the underscore is the suffix.
    ['1_', "invalid suffix: '_'"],
    ['1_0_', "invalid suffix: '_'"],
    ['1_0_ b', 'strconv.ParseFloat: parsing "1_0_": invalid syntax'],
    ['1_.5', 'strconv.ParseFloat: parsing "1_.5": invalid syntax'],
    ['0x10', 'strconv.ParseFloat: parsing "0x10": invalid syntax'],
    ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
    ['\t5 b', 'strconv.ParseFloat: parsing "\\t5": invalid syntax'],
    // Beyond int64, where Go's conversion is undefined.
    ['1e19', "invalid size: '1e19'"],
    ['inf b', "invalid size: 'inf b'"],
    ['nan b', "invalid size: 'nan b'"],
  ];
  for (const [input, message] of words) {
    test(`error words for ${JSON.stringify(input)}`, () => assertInvalid(() => fromHumanSize(input), message));
  }
});

describe('ramInBytes', () => {
  const ok: [input: string, expected: number][] = [
    ['32', 32],
    ['32b', 32],
    ['32B', 32],
    ['32k', 32 * KiB],
    ['32K', 32 * KiB],
    ['32kb', 32 * KiB],
    ['32Kb', 32 * KiB],
    ['32Kib', 32 * KiB],
    ['32KIB', 32 * KiB],
    ['32Mb', 32 * MiB],
    ['32Gb', 32 * GiB],
    ['32Tb', 32 * TiB],
    ['32Pb', 32 * PiB],
    ['32PB', 32 * PiB],
    ['32P', 32 * PiB],
    ['32.3', 32],
    ['32.3 mb', Math.trunc(32.3 * MiB)],
    ['0.3MB', Math.trunc(0.3 * MiB)],
    ['64m', 67108864],
    ['1g', 1073741824],
    ['512k', 524288],
    ['1.5GB', 1610612736],
    ['0x1p10k', 1048576],
  ];
  for (const [input, expected] of ok) {
    test(`${input} → ${expected}`, () => assert.equal(ramInBytes(input), expected));
  }

  const bad: [input: string, message: string][] = [
    ['', "invalid size: ''"],
    ['hello', "invalid size: 'hello'"],
    ['-32', "invalid size: '-32'"],
    [' 32 ', 'strconv.ParseFloat: parsing "": invalid syntax'],
    ['32m b', 'strconv.ParseFloat: parsing "32m": invalid syntax'],
    ['32bm', "invalid suffix: 'bm'"],
    ['32e', "invalid suffix: 'e'"],
    ['8192P', "invalid size: '8192P'"],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => assertInvalid(() => ramInBytes(input), message));
  }
});

describe('humanDuration', () => {
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  const week = 7 * day;
  const month = 30 * day;
  const year = 365 * day;
  const cases: [ms: number, expected: string][] = [
    [450, 'Less than a second'],
    [1 * second, '1 second'],
    [45 * second, '45 seconds'],
    [46 * second, '46 seconds'],
    [47 * second, '47 seconds'],
    [59 * second, '59 seconds'],
    [60 * second, 'About a minute'],
    [1 * minute, 'About a minute'],
    [3 * minute, '3 minutes'],
    [35 * minute, '35 minutes'],
    [35 * minute + 40 * second, '35 minutes'],
    [45 * minute, '45 minutes'],
    [45 * minute + 40 * second, '45 minutes'],
    [46 * minute, '46 minutes'],
    [59 * minute, '59 minutes'],
    [1 * hour, 'About an hour'],
    [1 * hour + 29 * minute, 'About an hour'],
    [1 * hour + 31 * minute, '2 hours'],
    [1 * hour + 45 * minute, '2 hours'],
    [1 * hour + 59 * minute, '2 hours'],
    [3 * hour, '3 hours'],
    [3 * hour + 29 * minute, '3 hours'],
    [3 * hour + 31 * minute, '4 hours'],
    [3 * hour + 59 * minute, '4 hours'],
    [3 * hour + 60 * minute, '4 hours'],
    [24 * hour, '24 hours'],
    [1 * day + 12 * hour, '36 hours'],
    [2 * day, '2 days'],
    [7 * day, '7 days'],
    [13 * day + 5 * hour, '13 days'],
    [2 * week, '2 weeks'],
    [2 * week + 4 * day, '2 weeks'],
    [3 * week, '3 weeks'],
    [4 * week, '4 weeks'],
    [4 * week + 3 * day, '4 weeks'],
    [1 * month, '4 weeks'],
    [1 * month + 2 * week, '6 weeks'],
    [2 * month, '2 months'],
    [2 * month + 2 * week, '2 months'],
    [3 * month, '3 months'],
    [3 * month + 1 * week, '3 months'],
    [5 * month + 2 * week, '5 months'],
    [13 * month, '13 months'],
    [23 * month, '23 months'],
    [24 * month, '24 months'],
    [24 * month + 2 * week, '2 years'],
    [3 * year + 2 * month, '3 years'],
    // Boundaries that follow from the same code.
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [-5 * second, 'Less than a second'],
    [1999, '1 second'],
    [2 * minute - 1, 'About a minute'],
    [2 * minute, '2 minutes'],
    [1 * hour + 30 * minute - 1, 'About an hour'],
    [1 * hour + 30 * minute, '2 hours'],
    [47 * hour + 29 * minute, '47 hours'],
    [47 * hour + 30 * minute, '2 days'],
    [13 * day + 23 * hour + 29 * minute, '13 days'],
    [13 * day + 23 * hour + 30 * minute, '2 weeks'],
    [60 * day - 31 * minute, '8 weeks'],
    [60 * day - 30 * minute, '2 months'],
    [730 * day - 31 * minute, '24 months'],
    [730 * day - 30 * minute, '1 years'],
    [730 * day, '2 years'],
    [Infinity, '292 years'],
    [Number.NaN, 'Less than a second'],
  ];
  for (const [ms, expected] of cases) {
    test(`${ms} ms → ${expected}`, () => assert.equal(humanDuration(ms), expected));
  }
});

describe('parseGoDuration', () => {
  const ns = 1n;
  const us = 1000n * ns;
  const ms = 1000n * us;
  const s = 1000n * ms;
  const m = 60n * s;
  const h = 60n * m;
  const max = (1n << 63n) - 1n;
  const min = -(1n << 63n);
  const ok: [input: string, expected: bigint][] = [
    ['0', 0n],
    ['5s', 5n * s],
    ['30s', 30n * s],
    ['1478s', 1478n * s],
    ['-5s', -5n * s],
    ['+5s', 5n * s],
    ['-0', 0n],
    ['+0', 0n],
    ['5.0s', 5n * s],
    ['5.6s', 5n * s + 600n * ms],
    ['5.s', 5n * s],
    ['.5s', 500n * ms],
    ['1.0s', 1n * s],
    ['1.00s', 1n * s],
    ['1.004s', 1n * s + 4n * ms],
    ['1.0040s', 1n * s + 4n * ms],
    ['100.00100s', 100n * s + 1n * ms],
    ['10ns', 10n * ns],
    ['11us', 11n * us],
    ['12µs', 12n * us],
    ['12μs', 12n * us],
    ['13ms', 13n * ms],
    ['14s', 14n * s],
    ['15m', 15n * m],
    ['16h', 16n * h],
    ['3h30m', 3n * h + 30n * m],
    ['10.5s4m', 4n * m + 10n * s + 500n * ms],
    ['-2m3.4s', -(2n * m + 3n * s + 400n * ms)],
    ['1h2m3s4ms5us6ns', 1n * h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n * ns],
    ['39h9m14.425s', 39n * h + 9n * m + 14n * s + 425n * ms],
    ['52763797000ns', 52763797000n * ns],
    ['0.3333333333333333333h', 20n * m],
    ['9007199254740993ns', (1n << 53n) + 1n],
    ['9223372036854775807ns', max],
    ['9223372036854775.807us', max],
    ['9223372036s854ms775us807ns', max],
    ['-9223372036854775807ns', min + 1n],
    ['-9223372036854775808ns', min],
    ['-9223372036854775.808us', min],
    ['-9223372036s854ms775us808ns', min],
    ['-2562047h47m16.854775808s', min],
    ['0.100000000000000000000h', 6n * m],
    ['0.830103483285477580700h', 49n * m + 48n * s + 372539827n * ns],
    ['1m30s', 90n * s],
    ['1.5h', 90n * m],
    ['300ms', 300n * ms],
  ];
  for (const [input, expected] of ok) {
    test(`${input} → ${expected}`, () => assert.equal(parseGoDuration(input), expected));
  }

  const errors: [input: string, message: string][] = [
    ['', 'time: invalid duration ""'],
    ['3', 'time: missing unit in duration "3"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['1µ', 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'],
    ['\ufffd', 'time: invalid duration "\\xef\\xbf\\xbd"'],
    ['\ufffd hello \ufffd world', 'time: invalid duration "\\xef\\xbf\\xbd hello \\xef\\xbf\\xbd world"'],
    ['1s"', 'time: unknown unit "s\\"" in duration "1s\\""'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['9223372036854775810ns', 'time: invalid duration "9223372036854775810ns"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['-9223372036854775809ns', 'time: invalid duration "-9223372036854775809ns"'],
    ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'],
    ['9223372036854ms775us808ns', 'time: invalid duration "9223372036854ms775us808ns"'],
    ['99999999999999999999s', 'time: invalid duration "99999999999999999999s"'],
    ['1 s', 'time: unknown unit " s" in duration "1 s"'],
    ['1s ', 'time: unknown unit "s " in duration "1s "'],
  ];
  for (const [input, message] of errors) {
    test(`rejects ${JSON.stringify(input)}`, () => assertInvalid(() => parseGoDuration(input), message));
  }
});

describe('parseUnixTimestamp', () => {
  const ok: [input: string, expected: UnixTime | undefined][] = [
    ['', undefined],
    ['1136073600', { seconds: 1136073600, nanos: 0 }],
    ['1136073600.', { seconds: 1136073600, nanos: 0 }],
    ['1136073600.0', { seconds: 1136073600, nanos: 0 }],
    ['1136073600.000000001', { seconds: 1136073600, nanos: 1 }],
    ['1136073600.0000000010', { seconds: 1136073600, nanos: 1 }],
    ['1136073600.0000000001', { seconds: 1136073600, nanos: 0 }],
    ['1136073600.0000000009', { seconds: 1136073600, nanos: 0 }],
    ['1136073600.00000001', { seconds: 1136073600, nanos: 10 }],
    ['1136073600.1', { seconds: 1136073600, nanos: 100000000 }],
    ['1712345678', { seconds: 1712345678, nanos: 0 }],
    ['1712345678.000000000', { seconds: 1712345678, nanos: 0 }],
    ['1712345678.123', { seconds: 1712345678, nanos: 123000000 }],
    ['0', { seconds: 0, nanos: 0 }],
    ['+5', { seconds: 5, nanos: 0 }],
    ['-1.5', { seconds: -1, nanos: 500000000 }],
    ['1.00000000000000000000', { seconds: 1, nanos: 0 }],
  ];
  for (const [input, expected] of ok) {
    test(JSON.stringify(input), () => assert.deepEqual(parseUnixTimestamp(input), expected));
  }

  const bad: [input: string, message: string][] = [
    [' 1136073600 \t', 'invalid timestamp " 1136073600 \\t": invalid seconds " 1136073600 \\t": invalid syntax'],
    ['foo.bar', 'invalid timestamp "foo.bar": invalid seconds "foo": invalid syntax'],
    ['.0000000009', 'invalid timestamp ".0000000009": invalid seconds "": invalid syntax'],
    ['1136073600.bar', 'invalid timestamp "1136073600.bar": invalid nanoseconds: invalid character \'b\' at position 0'],
    ['1.12x', 'invalid timestamp "1.12x": invalid nanoseconds: invalid character \'x\' at position 2'],
    ['1.-5', 'invalid timestamp "1.-5": invalid nanoseconds: invalid character \'-\' at position 0'],
    ['1.2.3', 'invalid timestamp "1.2.3": invalid nanoseconds: invalid character \'.\' at position 1'],
    ["1.'", 'invalid timestamp "1.\'": invalid nanoseconds: invalid character \'\\\'\' at position 0'],
    // The byte 0xc3 of "é", printed as the rune U+00C3.
    ['1.1é', 'invalid timestamp "1.1é": invalid nanoseconds: invalid character \'Ã\' at position 1'],
    ['1.\t', 'invalid timestamp "1.\\t": invalid nanoseconds: invalid character \'\\t\' at position 0'],
    ['1.' + '0'.repeat(20) + '1', 'invalid timestamp "1.' + '0'.repeat(20) + '1": invalid nanoseconds: length 21 exceeds maximum 20'],
    ['99999999999999999999', 'invalid timestamp "99999999999999999999": invalid seconds "99999999999999999999": value out of range'],
    ['9223372036854775808', 'invalid timestamp "9223372036854775808": invalid seconds "9223372036854775808": value out of range'],
    ['-9223372036854775809', 'invalid timestamp "-9223372036854775809": invalid seconds "-9223372036854775809": value out of range'],
    ['+', 'invalid timestamp "+": invalid seconds "+": invalid syntax'],
    ['1e9', 'invalid timestamp "1e9": invalid seconds "1e9": invalid syntax'],
    ['1_000', 'invalid timestamp "1_000": invalid seconds "1_000": invalid syntax'],
    ['\u0085', 'invalid timestamp "\\u0085": invalid seconds "\\u0085": invalid syntax'],
    ['\u{1F600}', 'invalid timestamp "\u{1F600}": invalid seconds "\u{1F600}": invalid syntax'],
    ['\u{E0001}', 'invalid timestamp "\\U000e0001": invalid seconds "\\U000e0001": invalid syntax'],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => assertInvalid(() => parseUnixTimestamp(input), message));
  }
});

describe('parseTimestampOrDuration', () => {
  const now: UnixTime = utc('2020-01-02T03:04:05.123456789Z');
  const ok: [input: string, expected: string][] = [
    ['2006-01-02T15:04:05.999999999+07:00', '2006-01-02T08:04:05.999999999Z'],
    ['2006-01-02T15:04:05.999999999Z', '2006-01-02T15:04:05.999999999Z'],
    ['2006-01-02T15:04:05.999999999', '2006-01-02T15:04:05.999999999Z'],
    ['2006-01-02T15:04:05Z', '2006-01-02T15:04:05Z'],
    ['2006-01-02T15:04:05', '2006-01-02T15:04:05Z'],
    ['2006-01-02T15:04Z', '2006-01-02T15:04:00Z'],
    ['2006-01-02T15:04+00:00', '2006-01-02T15:04:00Z'],
    ['2006-01-02T15:04-00:00', '2006-01-02T15:04:00Z'],
    ['2006-01-02T15:04', '2006-01-02T15:04:00Z'],
    ['2006-01-02T15Z', '2006-01-02T15:00:00Z'],
    ['2006-01-02T15+00:00', '2006-01-02T15:00:00Z'],
    ['2006-01-02T15-00:00', '2006-01-02T15:00:00Z'],
    ['2006-01-02T15', '2006-01-02T15:00:00Z'],
    ['2006-01-02T1Z', '2006-01-02T01:00:00Z'],
    ['2006-01-02T1', '2006-01-02T01:00:00Z'],
    ['2006-01-02+00:00', '2006-01-02T00:00:00Z'],
    ['2006-01-02-00:00', '2006-01-02T00:00:00Z'],
    ['2006-01-02-00:01', '2006-01-02T00:01:00Z'],
    ['2006-01-02Z', '2006-01-02T00:00:00Z'],
    ['2006-01-02', '2006-01-02T00:00:00Z'],
    ['2015-05-13T20:39:09Z', '2015-05-13T20:39:09Z'],
    ['1136073600', '2006-01-01T00:00:00Z'],
    ['1136073600.000000001', '2006-01-01T00:00:00.000000001Z'],
    ['1136073600.00000000000000000001', '2006-01-01T00:00:00Z'],
    ['-1m', '2020-01-02T03:05:05.123456789Z'],
    ['0m', '2020-01-02T03:04:05.123456789Z'],
    ['1m', '2020-01-02T03:03:05.123456789Z'],
    ['1.5h', '2020-01-02T01:34:05.123456789Z'],
    ['1h30m', '2020-01-02T01:34:05.123456789Z'],
    ['24h', '2020-01-01T03:04:05.123456789Z'],
    ['0', '1970-01-01T00:00:00Z'],
    // A comma fraction after the seconds, and more than nine digits.
    ['2006-01-02T15:04:05,5Z', '2006-01-02T15:04:05.5Z'],
    ['2006-01-02T15:04:05.1234567891Z', '2006-01-02T15:04:05.123456789Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
    ['2000-02-29T23:59:59Z', '2000-02-29T23:59:59Z'],
    ['2006-01-02T15:04:05+24:00', '2006-01-01T15:04:05Z'],
  ];
  for (const [input, expected] of ok) {
    test(`${input} → ${expected}`, () => {
      assert.deepEqual(parseTimestampOrDuration(input, now, { localOffsetSeconds: 0 }), utc(expected));
    });
  }

  test('a time without a zone is read at the local offset', () => {
    assert.deepEqual(
      parseTimestampOrDuration('2006-01-02T15:04', now, { localOffsetSeconds: 3600 }),
      utc('2006-01-02T14:04:00Z'),
    );
    assert.deepEqual(
      parseTimestampOrDuration('2006-01-02T15:04:05.5', now, { localOffsetSeconds: -7200 }),
      utc('2006-01-02T17:04:05.5Z'),
    );
    assert.deepEqual(
      parseTimestampOrDuration('2006-01-02', now, { localOffsetSeconds: 19800 }),
      utc('2006-01-01T18:30:00Z'),
    );
    // An explicit zone ignores it.
    assert.deepEqual(
      parseTimestampOrDuration('2006-01-02T15:04Z', now, { localOffsetSeconds: 3600 }),
      utc('2006-01-02T15:04:00Z'),
    );
  });

  test('now may be a Date', () => {
    assert.deepEqual(
      parseTimestampOrDuration('1h', new Date('2020-01-02T03:04:05.123Z')),
      utc('2020-01-02T02:04:05.123Z'),
    );
  });

  test('the default local offset is the process zone at now', () => {
    const date = new Date('2020-01-02T03:04:05Z');
    const offset = -date.getTimezoneOffset() * 60;
    assert.deepEqual(
      parseTimestampOrDuration('2020-01-02T03:04:05', date),
      { seconds: date.getTime() / 1000 - offset, nanos: 0 },
    );
  });

  const bad: [input: string, message: string][] = [
    ['', 'failed to parse value as time or duration: value is empty'],
    [' \t\n', 'failed to parse value as time or duration: value is empty'],
    ['2006-01-02T15:04:0Z', 'parsing time "2006-01-02T15:04:0Z" as "2006-01-02T15:04:05Z07:00": cannot parse "0Z" as "05"'],
    ['2006-01-02T15:04:0', 'parsing time "2006-01-02T15:04:0" as "2006-01-02T15:04:05": cannot parse "0" as "05"'],
    ['2006-01-02T15:0Z', 'parsing time "2006-01-02T15:0Z" as "2006-01-02T15:04Z07:00": cannot parse "0Z" as "04"'],
    ['2006-01-02T15:0', 'parsing time "2006-01-02T15:0" as "2006-01-02T15:04": cannot parse "0" as "04"'],
    ['2006-01-02TZ', 'parsing time "2006-01-02TZ" as "2006-01-02T15Z07:00": cannot parse "Z" as "15"'],
    ['2006-01-02T', 'parsing time "2006-01-02T" as "2006-01-02T15": cannot parse "" as "15"'],
    ['2006-13-02', 'parsing time "2006-13-02": month out of range'],
    ['2006-00-02', 'parsing time "2006-00-02": month out of range'],
    ['2006-02-30', 'parsing time "2006-02-30": day out of range'],
    ['2023-02-29', 'parsing time "2023-02-29": day out of range'],
    ['2006-04-31', 'parsing time "2006-04-31": day out of range'],
    ['2006-01-00', 'parsing time "2006-01-00": day out of range'],
    ['2006-01-02T24:00', 'parsing time "2006-01-02T24:00": hour out of range'],
    ['2006-01-02T23:60', 'parsing time "2006-01-02T23:60": minute out of range'],
    ['2006-01-02T23:59:60Z', 'parsing time "2006-01-02T23:59:60Z": second out of range'],
    ['2006-01-02x', 'parsing time "2006-01-02x": extra text: "x"'],
    ['2006-1-02', 'parsing time "2006-1-02" as "2006-01-02": cannot parse "1-02" as "01"'],
    ['06-01-02', 'parsing time "06-01-02" as "2006-01-02": cannot parse "06-01-02" as "2006"'],
    ['2006-01-02+25:00', 'parsing time "2006-01-02+25:00": time zone offset hour out of range'],
    ['2006-01-02+01:61', 'parsing time "2006-01-02+01:61": time zone offset minute out of range'],
    ['2006-01-02+0100', 'parsing time "2006-01-02+0100" as "2006-01-02Z07:00": cannot parse "+0100" as "Z07:00"'],
    ['2006-01-02T15:04:05z', 'parsing time "2006-01-02T15:04:05z" as "2006-01-02T15:04:05Z07:00": cannot parse "z" as "Z07:00"'],
    ['-1', 'parsing time "-1" as "2006-01-02": cannot parse "-1" as "2006"'],
    ['invalid', 'failed to parse value as time or duration: invalid seconds "invalid": invalid syntax'],
    ['foo.bar', 'failed to parse value as time or duration: invalid seconds "foo": invalid syntax'],
    ['1136073600.bar', "failed to parse value as time or duration: invalid nanoseconds: invalid character 'b' at position 0"],
    ['1136073600.000000001bar', "failed to parse value as time or duration: invalid nanoseconds: invalid character 'b' at position 9"],
    [' 1136073600 \t', 'failed to parse value as time or duration: invalid seconds " 1136073600 \\t": invalid syntax'],
    [
      '1136073600.000000000000000000001',
      'failed to parse value as time or duration: invalid nanoseconds: length 21 exceeds maximum 20',
    ],
    ['2006/01/02', 'failed to parse value as time or duration: invalid seconds "2006/01/02": invalid syntax'],
    ['1d', 'failed to parse value as time or duration: invalid seconds "1d": invalid syntax'],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assertInvalid(() => parseTimestampOrDuration(input, now, { localOffsetSeconds: 0 }), message);
    });
  }
});

describe('UnixTime conversions', () => {
  test('from and to Date', () => {
    assert.deepEqual(unixTimeFromDate(new Date('2020-01-02T03:04:05.678Z')), utc('2020-01-02T03:04:05.678Z'));
    assert.deepEqual(unixTimeFromDate(new Date(-1500)), { seconds: -2, nanos: 500000000 });
    assert.equal(unixTimeToMillis({ seconds: 1712345678, nanos: 123456789 }), 1712345678123);
    assert.equal(unixTimeToMillis({ seconds: -2, nanos: 500000000 }), -1500);
  });
});
