// fmt tests. Expected texts were checked against Go's fmt through the docker CLI's printf
// (see also the golden table in go-template.test.ts); the JS-only values (Map, bigint,
// class instances) follow the data model described in go-sprintf.ts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { formatGoFloat, goQuote } from '../../util/go-format.js';
import { formatGoValue, goSprint, goSprintf, goSprintln, goTypeName } from './go-sprintf.js';

describe('formatGoFloat', () => {
  const cases: readonly (readonly [number, 'e' | 'E' | 'f' | 'g' | 'G', number, string])[] = [
    [1e6, 'g', -1, '1e+06'],
    [123456789, 'g', -1, '1.23456789e+08'],
    [100000, 'g', -1, '100000'],
    [0.0001, 'g', -1, '0.0001'],
    [1e-5, 'g', -1, '1e-05'],
    [0, 'g', -1, '0'],
    [-0.5, 'g', -1, '-0.5'],
    [1e21, 'g', -1, '1e+21'],
    [1e-320, 'g', -1, '1e-320'],
    [1e-10, 'G', -1, '1E-10'],
    [2.675, 'f', 2, '2.67'],
    [1.005, 'f', 2, '1.00'],
    [0.25, 'f', 1, '0.2'],
    [0.5, 'f', 0, '0'],
    [1.5, 'f', 0, '2'],
    [2.5, 'f', 0, '2'],
    [-3.14159, 'f', 3, '-3.142'],
    [1234.5678, 'e', 6, '1.234568e+03'],
    [0, 'e', 6, '0.000000e+00'],
    [5.5, 'e', 0, '6e+00'],
    [9.9995, 'e', 3, '9.999e+00'],
    [1e-10, 'E', 6, '1.000000E-10'],
    [999.99, 'g', 4, '1000'],
    [999999, 'g', 4, '1e+06'],
    [1, 'g', 4, '1'],
    [0.0001234, 'g', 4, '0.0001234'],
    [100, 'g', 2, '1e+02'],
    [3.14159, 'g', 3, '3.14'],
    [0, 'g', 3, '0'],
    [Number.NaN, 'g', -1, 'NaN'],
    [Infinity, 'f', 2, '+Inf'],
    [-Infinity, 'e', 2, '-Inf'],
  ];
  for (const [x, fmt, prec, want] of cases) {
    test(`${x} %${fmt} prec ${prec}`, () => assert.equal(formatGoFloat(x, fmt, prec), want));
  }
});

describe('goSprintf with JS values', () => {
  const cases: readonly (readonly [string, readonly unknown[], string])[] = [
    ['%v', [new Map<unknown, unknown>([[10, 'b'], [9, 'a']])], 'map[9:a 10:b]'],
    ['%d', [[1n, 2]], '[1 2]'],
    ['%s', [{ a: ['x'], b: null }], 'map[a:[x] b:<nil>]'],
    ['%q', [{ k: 'v' }], 'map["k":"v"]'],
    ['%v', [new Error('failed')], 'failed'],
    ['%5.1f|%e', [3, 10], '  3.0|1.000000e+01'],
    ['%x', [3.5], '%!x(float64=3.5)'],
    ['%v %v %5.1f', [Number.NaN, Infinity, -Infinity], 'NaN +Inf  -Inf'],
    ['%d', [undefined], '%!d(<nil>)'],
    ['%s', ['a', null], 'a%!(EXTRA <nil>)'],
    ['%5d|%-5d|', [[1, 2], [3]], '[    1     2]|[3    ]|'],
    ['%T|%T|%T', [new Map(), [1, 'a'], () => 1], 'map[string]interface {}|[]interface {}|func()'],
    ['no verbs', [1, 'a'], 'no verbs%!(EXTRA int=1, string=a)'],
    ['%c%c', [0x65e5, 0x672c], '日本'],
  ];
  for (const [format, args, want] of cases) {
    test(`${format} ${JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`, () => {
      assert.equal(goSprintf(format, args), want);
    });
  }
});

describe('print functions', () => {
  test('Sprint adds spaces only between non-strings', () => {
    assert.equal(goSprint([1, 2, 'a', 'b', 3, null, true]), '1 2ab3 <nil> true');
    assert.equal(goSprint([]), '');
  });

  test('Sprintln always adds spaces and a newline', () => {
    assert.equal(goSprintln(['a', 1, 'b']), 'a 1 b\n');
    assert.equal(goSprintln([]), '\n');
  });

  test('%v of nested values', () => {
    assert.equal(formatGoValue([[1, 2], { b: 1, a: [null] }, new Map([['x', { y: 1 }]])]), '[[1 2] map[a:[<nil>] b:1] map[x:map[y:1]]]');
  });
});

describe('goQuote', () => {
  const cases: readonly (readonly [string, boolean, string])[] = [
    ['a"b\n', false, '"a\\"b\\n"'],
    ['\x1b\x07\b\f\v\u00a0\u200b', false, '"\\x1b\\a\\b\\f\\v\\u00a0\\u200b"'],
    ['日本\x7f', false, '"日本\\x7f"'],
    ['é', true, '"\\u00e9"'],
    ['😀', true, '"\\U0001f600"'],
    ['😀', false, '"😀"'],
  ];
  for (const [s, ascii, want] of cases) {
    test(JSON.stringify(s), () => assert.equal(goQuote(s, ascii), want));
  }
});

describe('goTypeName', () => {
  class Thing {}
  const cases: readonly (readonly [unknown, string])[] = [
    ['s', 'string'],
    [1, 'int'],
    [1.5, 'float64'],
    [1e300, 'float64'],
    [1n, 'int64'],
    [true, 'bool'],
    [null, '<nil>'],
    [['a'], '[]string'],
    [[], '[]interface {}'],
    [{}, 'map[string]interface {}'],
    [new Thing(), 'Thing'],
    [{ [Symbol.toStringTag]: '*formatter.imageContext' }, 'map[string]interface {}'],
  ];
  for (const [value, want] of cases) {
    test(want, () => assert.equal(goTypeName(value), want));
  }
});
