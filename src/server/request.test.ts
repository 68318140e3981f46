// Query parameters read as moby's httputils reads them (engine-api.md §1.5), directly and
// through a route.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../core/errors.js';
import { bool, filters, int, str, strs } from './request.js';
import { assertErrorResponse, createFakeServer } from './testing/fake-backends.js';

type Query = Record<string, string | string[] | undefined>;

// moby BoolValue: trimmed and lowercased, false iff "", 0, no, false or none.
const BOOLEANS: [value: string, expected: boolean][] = [
  ['1', true],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['yes', true],
  ['on', true],
  ['anything', true],
  ['0', false],
  ['false', false],
  ['False', false],
  ['no', false],
  ['NO', false],
  ['none', false],
  ['', false],
  [' 0 ', false],
  [' false', false],
];

describe('bool', () => {
  for (const [value, expected] of BOOLEANS) {
    test(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(bool({ x: value }, 'x'), expected);
    });
  }

  test('absent gives the default', () => {
    assert.equal(bool({}, 'x'), false);
    assert.equal(bool({}, 'x', true), true);
  });

  test('a repeated parameter counts by its last value', () => {
    assert.equal(bool({ x: ['1', '0'] }, 'x'), false);
    assert.equal(bool({ x: ['0', '1'] }, 'x'), true);
  });

  for (const [value, expected] of BOOLEANS) {
    test(`through a route: all=${JSON.stringify(value)} → ${expected}`, async () => {
      const { app, fake } = createFakeServer();
      const res = await app.inject({ method: 'GET', url: `/images/json?all=${encodeURIComponent(value)}` });
      assert.equal(res.statusCode, 200);
      assert.equal(fake.images.lastList?.all, expected);
    });
  }
});

describe('str and strs', () => {
  const q: Query = { one: 'a', many: ['a', 'b', 'c'], empty: '' };
  test('str takes the last value of a repeated parameter', () => {
    assert.equal(str(q, 'one'), 'a');
    assert.equal(str(q, 'many'), 'c');
    assert.equal(str(q, 'empty'), '');
    assert.equal(str(q, 'missing'), undefined);
  });
  test('strs keeps every value in order', () => {
    assert.deepEqual(strs(q, 'one'), ['a']);
    assert.deepEqual(strs(q, 'many'), ['a', 'b', 'c']);
    assert.deepEqual(strs(q, 'missing'), []);
  });
});

describe('int', () => {
  const ok: [value: string | undefined, expected: number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['10', 10],
    ['-1', -1],
  ];
  for (const [value, expected] of ok) {
    test(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(int(value === undefined ? {} : { t: value }, 't'), expected);
    });
  }
  for (const value of ['x', '1.5', '10s']) {
    test(`${JSON.stringify(value)} is refused as invalid-argument`, () => {
      assert.throws(
        () => int({ t: value }, 't'),
        (err: unknown) => err instanceof EngineError && err.kind === 'invalid-argument' && err.message === `invalid value for t: "${value}"`,
      );
    });
  }
});

describe('filters', () => {
  test('absent and empty give no filters', () => {
    assert.equal(filters({}).size, 0);
    assert.equal(filters({ filters: '' }).size, 0);
  });

  const shapes: [what: string, raw: string][] = [
    ['CLI map shape', '{"dangling":{"true":true}}'],
    ['dockerode/docker-py list shape', '{"dangling":["true"]}'],
  ];
  for (const [what, raw] of shapes) {
    test(`${what} reaches the backend`, async () => {
      assert.deepEqual(filters({ filters: raw }).get('dangling'), ['true']);
      const { app, fake } = createFakeServer();
      const res = await app.inject({ method: 'GET', url: `/images/json?filters=${encodeURIComponent(raw)}` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(fake.images.lastList?.filters?.get('dangling'), ['true']);
    });
  }

  test('a value that is neither shape → 400 invalid filter', async () => {
    const { app } = createFakeServer();
    for (const raw of ['{bad', '[]', '"x"', '{"a":1}']) {
      assertErrorResponse(await app.inject({ method: 'GET', url: `/images/json?filters=${encodeURIComponent(raw)}` }), 400, 'invalid filter');
    }
  });

  test("an unknown key → 400 invalid filter '<key>'", async () => {
    const { app } = createFakeServer();
    const raw = encodeURIComponent('{"colour":["red"]}');
    assertErrorResponse(await app.inject({ method: 'GET', url: `/images/json?filters=${raw}` }), 400, "invalid filter 'colour'");
    assertErrorResponse(await app.inject({ method: 'POST', url: `/images/prune?filters=${raw}` }), 400, "invalid filter 'colour'");
    assertErrorResponse(await app.inject({ method: 'GET', url: `/events?since=0&until=1&filters=${raw}` }), 400, "invalid filter 'colour'");
  });
});
