// Cases drawn from moby's filters parse_test.go (which inputs parse, what each matcher answers)
// plus the shapes the clients in engine-api.md §1.5 send.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from './errors.js';
import { Filters, formatFilters, parseFilters, validateKeys } from './filters.js';

function assertInvalid(fn: () => unknown, message: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EngineError);
    assert.equal(err.kind, 'invalid-argument');
    assert.equal(err.message, message);
    return true;
  });
}

function asObject(f: Filters): Record<string, string[]> {
  return Object.fromEntries(f.keys().map((k) => [k, f.get(k)]));
}

describe('parseFilters: accepted shapes', () => {
  const cases: [raw: string | null | undefined, expected: Record<string, string[]>][] = [
    [undefined, {}],
    [null, {}],
    ['', {}],
    ['null', {}],
    ['{}', {}],
    ['{"key": ["value"]}', { key: ['value'] }],
    ['{"key": {"value": true}}', { key: ['value'] }],
    ['{"key": ["value1", "value2"]}', { key: ['value1', 'value2'] }],
    ['{"key": {"value1": true, "value2": true}}', { key: ['value1', 'value2'] }],
    ['{"key1": ["value1"], "key2": ["value2"]}', { key1: ['value1'], key2: ['value2'] }],
    ['{"key1": {"value1": true}, "key2": {"value2": true}}', { key1: ['value1'], key2: ['value2'] }],
    // docker CLI
    ['{"label":{"a=b":true},"status":{"running":true}}', { label: ['a=b'], status: ['running'] }],
    // dockerode / testcontainers
    ['{"type":["container"],"container":["abc"],"event":["die","start"]}', { type: ['container'], container: ['abc'], event: ['die', 'start'] }],
    // docker-py: booleans arrive as strings
    ['{"dangling":["true"]}', { dangling: ['true'] }],
    ['{"label":["com.docker.compose.project=proj","com.docker.compose.oneoff=False"]}', { label: ['com.docker.compose.project=proj', 'com.docker.compose.oneoff=False'] }],
    // A key with no values is still present.
    ['{"label":[]}', { label: [] }],
    ['{"label":{}}', { label: [] }],
    ['{"label":null}', { label: [] }],
    // Duplicates collapse into the set.
    ['{"label":["a","a","b"]}', { label: ['a', 'b'] }],
    // A value marked false was not asked for.
    ['{"label":{"a":false,"b":true}}', { label: ['b'] }],
    ['{"label":{"a":null}}', { label: [] }],
    // Go reads a null list element as "".
    ['{"label":["a",null]}', { label: ['a', ''] }],
    // `null` fits both shapes.
    ['{"a":null,"b":["x"]}', { a: [], b: ['x'] }],
    ['{"a":null,"b":{"x":true}}', { a: [], b: ['x'] }],
    ['{"__proto__":["x"]}', { ['__proto__']: ['x'] }],
  ];
  for (const [raw, expected] of cases) {
    test(String(raw), () => {
      const f = parseFilters(raw);
      assert.deepEqual(asObject(f), expected);
      assert.equal(f.size, Object.keys(expected).length);
    });
  }
});

describe('parseFilters: rejected', () => {
  const invalid = [
    'anything',
    "['a','list']",
    "{'key': 'value'}",
    '{"key": "value"}',
    '{bad',
    '[]',
    '["a"]',
    '"str"',
    '1',
    'true',
    '{"key": 1}',
    '{"key": [1]}',
    '{"key": [true]}',
    '{"key": {"v": "true"}}',
    '{"key": {"v": 1}}',
    '{"key": [["nested"]]}',
    // One shape for the whole object: mixing is refused, as in Go.
    '{"label": {"a": true}, "status": ["running"]}',
  ];
  for (const raw of invalid) {
    test(raw, () => {
      assertInvalid(() => parseFilters(raw), 'invalid filter');
    });
  }
});

describe('validateKeys', () => {
  test('accepts known keys', () => {
    const f = new Filters([['status', ['running']]]);
    assert.doesNotThrow(() => validateKeys(f, ['status', 'dangling']));
    assert.doesNotThrow(() => validateKeys(new Filters(), []));
  });

  test('names the first unknown key', () => {
    const f = new Filters([
      ['status', ['running']],
      ['bogus', ['running']],
      ['other', []],
    ]);
    assertInvalid(() => validateKeys(f, ['status', 'dangling']), "invalid filter 'bogus'");
    assertInvalid(() => f.validateKeys(['status', 'dangling']), "invalid filter 'bogus'");
    assert.doesNotThrow(() => f.validateKeys(['status', 'bogus', 'other']));
  });

  test('a key without values is still validated', () => {
    assertInvalid(() => validateKeys(parseFilters('{"nope":[]}'), ['label']), "invalid filter 'nope'");
  });
});

describe('matchKVList', () => {
  const sources = { key1: 'value1', key2: 'value2', key3: 'value3' };
  const cases: [filters: [string, string[]][], field: string, labels: Record<string, string>, expected: boolean][] = [
    [[], 'field', sources, true],
    [[['created', ['today']], ['labels', ['key1']]], 'labels', sources, true],
    [[['created', ['today']], ['labels', ['key1=value1']]], 'labels', sources, true],
    [[['labels', ['key1=value1', 'key2']]], 'labels', sources, true],
    [[['created', ['today']]], 'created', sources, false],
    [[['created', ['today']], ['labels', ['key4']]], 'labels', sources, false],
    [[['created', ['today']], ['labels', ['key1=value3']]], 'labels', sources, false],
    [[['labels', ['key1=value1', 'key4']]], 'labels', sources, false],
    // No filter: everything matches, even without labels.
    [[], 'created', {}, true],
    [[['created', []]], 'created', {}, true],
    // A filter but no labels: nothing matches.
    [[['created', ['today']]], 'created', {}, false],
    // Only the first '=' splits; the value may contain more.
    [[['label', ['a=b=c']]], 'label', { a: 'b=c' }, true],
    [[['label', ['a=']]], 'label', { a: '' }, true],
    [[['label', ['a=']]], 'label', { a: 'x' }, false],
    [[['label', ['a']]], 'label', { a: '' }, true],
    // There is no negation in MatchKVList: "a!=b" looks for a label called "a!".
    [[['label', ['a!=b']]], 'label', { a: 'c' }, false],
    [[['label', ['a!=b']]], 'label', { 'a!': 'b' }, true],
    // Inherited properties are not labels.
    [[['label', ['toString']]], 'label', { a: 'b' }, false],
  ];
  cases.forEach(([init, field, labels, expected], i) => {
    test(`#${i} ${JSON.stringify(init)} ${field}`, () => {
      assert.equal(new Filters(init).matchKVList(field, labels), expected);
    });
  });
});

describe('match (regular expressions)', () => {
  const cases: [filters: [string, string[]][], field: string, expected: boolean][] = [
    [[], 'field', true],
    [[['created', ['today']]], 'today', true],
    [[['created', ['to*']]], 'created', true],
    [[['created', ['to(.*)']]], 'created', true],
    [[['created', ['tod']]], 'created', true],
    [[['created', ['anyting', 'to*']]], 'created', true],
    [[['created', ['tomorrow']]], 'created', false],
    [[['created', ['to(day']]], 'created', false],
    [[['created', ['tom(.*)']]], 'created', false],
    [[['created', ['tom']]], 'created', false],
    [[['created', ['today1']], ['labels', ['today']]], 'created', false],
    [[['created', ['^today$']]], 'created', true],
    [[['created', ['^oda']]], 'created', false],
    [[['created', ['(?i)TODAY']]], 'created', true],
    [[['created', ['TODAY']]], 'created', false],
  ];
  cases.forEach(([init, field, expected], i) => {
    test(`#${i} ${JSON.stringify(init)} ${field}`, () => {
      assert.equal(new Filters(init).match(field, 'today'), expected);
    });
  });
});

describe('exact, unique and fuzzy matches', () => {
  test('exactMatch', () => {
    const f = new Filters();
    assert.equal(f.exactMatch('status', 'running'), true);
    f.add('status', 'running').add('status', 'pause*');
    assert.equal(f.exactMatch('status', 'running'), true);
    assert.equal(f.exactMatch('status', 'paused'), false);
    assert.equal(f.exactMatch('other', 'x'), true);
  });

  test('exactMatch with a key but no values filters nothing', () => {
    assert.equal(parseFilters('{"status":[]}').exactMatch('status', 'x'), true);
  });

  test('uniqueExactMatch', () => {
    const f = new Filters();
    assert.equal(f.uniqueExactMatch('status', 'running'), true);
    f.add('status', 'running');
    assert.equal(f.uniqueExactMatch('status', 'running'), true);
    assert.equal(f.uniqueExactMatch('status', 'paused'), false);
    f.add('status', 'pause');
    assert.equal(f.uniqueExactMatch('status', 'running'), false);
  });

  const fuzzy: [source: string, expected: boolean][] = [
    ['foo', true],
    ['foobar', true],
    ['barfoo', false],
    ['bar', false],
  ];
  for (const [source, expected] of fuzzy) {
    test(`fuzzyMatch container=foo ~ ${source}`, () => {
      assert.equal(new Filters([['container', ['foo']]]).fuzzyMatch('container', source), expected);
    });
  }

  test('fuzzyMatch without the key', () => {
    assert.equal(new Filters().fuzzyMatch('id', 'abc'), true);
  });
});

describe('getBoolOrDefault', () => {
  const cases: [raw: string, dflt: boolean, expected: boolean][] = [
    ['{}', true, true],
    ['{}', false, false],
    ['{"dangling":{"true":true}}', false, true],
    ['{"dangling":{"1":true}}', false, true],
    ['{"dangling":{"false":true}}', true, false],
    ['{"dangling":{"0":true}}', true, false],
    ['{"dangling":["true"]}', false, true],
    ['{"dangling":["0"]}', true, false],
    // Values that are neither are ignored when a real one is there.
    ['{"dangling":["true","maybe"]}', false, true],
    ['{"dangling":["1","true"]}', false, true],
  ];
  for (const [raw, dflt, expected] of cases) {
    test(`${raw} default ${String(dflt)}`, () => {
      assert.equal(parseFilters(raw).getBoolOrDefault('dangling', dflt), expected);
    });
  }

  const errors: [raw: string, message: string][] = [
    ['{"dangling":[]}', "invalid filter 'dangling'"],
    ['{"dangling":null}', "invalid filter 'dangling'"],
    ['{"dangling":["maybe"]}', "invalid filter 'dangling=[maybe]'"],
    ['{"dangling":["True"]}', "invalid filter 'dangling=[True]'"],
    ['{"dangling":["true","false"]}', "invalid filter 'dangling=[true false]'"],
    ['{"dangling":["1","0"]}', "invalid filter 'dangling=[1 0]'"],
  ];
  for (const [raw, message] of errors) {
    test(`error ${raw}`, () => {
      assertInvalid(() => parseFilters(raw).getBoolOrDefault('dangling', true), message);
    });
  }
});

describe('matchLabels (label and label!)', () => {
  const labels = { a: '1', b: '2', empty: '' };
  const cases: [raw: string, expected: boolean][] = [
    ['{}', true],
    ['{"other":["x"]}', true],
    ['{"label":["a"]}', true],
    ['{"label":["a=1"]}', true],
    ['{"label":["a=1","b=2"]}', true],
    ['{"label":["a=2"]}', false],
    ['{"label":["c"]}', false],
    ['{"label":["c=1"]}', false],
    ['{"label":["empty="]}', true],
    ['{"label":["a!=2"]}', true],
    ['{"label":["a!=1"]}', false],
    // Not equal also holds when the label is absent.
    ['{"label":["c!=1"]}', true],
    ['{"label":["c!"]}', true],
    ['{"label":["a!"]}', false],
    ['{"label!":["a"]}', false],
    ['{"label!":["c"]}', true],
    ['{"label!":["a=1"]}', false],
    ['{"label!":["a=2"]}', true],
    ['{"label!":["c=1"]}', true],
    // A double negative.
    ['{"label!":["a!=1"]}', true],
    ['{"label!":["a!=2"]}', false],
    ['{"label":["a=1"],"label!":["b=2"]}', false],
    ['{"label":["a=1"],"label!":["b=3"]}', true],
    // Each value is its own condition.
    ['{"label!":["a=1","b=3"]}', false],
  ];
  for (const [raw, expected] of cases) {
    test(raw, () => {
      assert.equal(parseFilters(raw).matchLabels(labels), expected);
    });
  }

  test('no labels at all', () => {
    assert.equal(parseFilters('{"label!":["a"]}').matchLabels({}), true);
    assert.equal(parseFilters('{"label":["a"]}').matchLabels({}), false);
  });
});

describe('building and printing', () => {
  test('add, delete, has, get, keys, size', () => {
    const f = new Filters();
    assert.equal(f.size, 0);
    assert.equal(f.has('status'), false);
    assert.deepEqual(f.get('status'), []);
    f.add('status', 'running');
    assert.equal(f.has('status'), true);
    assert.deepEqual(f.get('status'), ['running']);
    f.add('status', 'paused').add('label', 'a=b');
    assert.deepEqual(f.keys(), ['status', 'label']);
    assert.equal(f.size, 2);
    f.delete('status', 'running');
    assert.deepEqual(f.get('status'), ['paused']);
    f.delete('status', 'paused');
    assert.equal(f.has('status'), false);
    f.delete('nope', 'x');
    assert.deepEqual(f.keys(), ['label']);
  });

  test('get returns a copy', () => {
    const f = new Filters([['a', ['1']]]);
    f.get('a').push('2');
    assert.deepEqual(f.get('a'), ['1']);
  });

  test('formatFilters writes the CLI shape, or nothing when empty', () => {
    assert.equal(formatFilters(new Filters()), '');
    const f = new Filters([
      ['label', ['a=b']],
      ['dangling', ['true']],
    ]);
    assert.equal(formatFilters(f), '{"label":{"a=b":true},"dangling":{"true":true}}');
    assert.deepEqual(asObject(parseFilters(formatFilters(f))), asObject(f));
  });

  test('toJSON keeps awkward keys', () => {
    const f = parseFilters('{"__proto__":["__proto__"]}');
    assert.equal(JSON.stringify(f), '{"__proto__":{"__proto__":true}}');
  });
});
