// pflag's string slices and docker's maps as docker 28.2.2 reads them (values sent to a stub).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvRecord, goMap, keyValue, stringSlice } from './flag-values.js';

test('csvRecord reads a value as encoding/csv does', () => {
  assert.deepEqual(csvRecord(''), []);
  assert.deepEqual(csvRecord('a'), ['a']);
  assert.deepEqual(csvRecord(','), ['', '']);
  assert.deepEqual(csvRecord('a,'), ['a', '']);
  assert.deepEqual(csvRecord(' d'), [' d']);
  assert.deepEqual(csvRecord('"a,b",c'), ['a,b', 'c']);
  assert.deepEqual(csvRecord('"a""b",c'), ['a"b', 'c']);
  assert.deepEqual(csvRecord('"",x'), ['', 'x']);
  for (const [line, message] of [
    ['a"b', 'parse error on line 1, column 2: bare " in non-quoted-field'],
    ['x,y"z', 'parse error on line 1, column 4: bare " in non-quoted-field'],
    ['"a', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
    ['x,"a', 'parse error on line 1, column 5: extraneous or missing " in quoted-field'],
    ['"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
    ['x,"a"b', 'parse error on line 1, column 5: extraneous or missing " in quoted-field'],
  ] as const) {
    assert.throws(() => csvRecord(line), { message }, line);
  }
});

test('stringSlice adds the records up and names the flag in errors', () => {
  assert.deepEqual(stringSlice(['a1', 'a2,a3', ''], '--alias'), ['a1', 'a2', 'a3']);
  assert.deepEqual(stringSlice(undefined, '--alias'), []);
  assert.throws(() => stringSlice(['a"b'], '--alias'), { name: 'FlagError', message: 'invalid argument "a\\"b" for "--alias" flag: parse error on line 1, column 2: bare " in non-quoted-field' });
});

test('keyValue and goMap: the last value of a key wins, keys sorted', () => {
  assert.deepEqual(['k=v', 'k2', 'a=b=c', '=x'].map(keyValue), [['k', 'v'], ['k2', ''], ['a', 'b=c'], ['', 'x']]);
  assert.equal(JSON.stringify(goMap([['z', '1'], ['a', '2'], ['z', '3']])), '{"a":"2","z":"3"}');
});
