import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWwwAuthenticate } from './www-authenticate.js';

test('Bearer with quoted parameters, as Docker Hub sends it', () => {
  assert.deepEqual(
    parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'),
    [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
  );
});

test('insufficient_scope with two scopes in one parameter, escapes and token values', () => {
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="r", error=insufficient_scope, scope="repository:a:pull repository:b:pull", x="q\\"uote"'), [
    { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope', scope: 'repository:a:pull repository:b:pull', x: 'q"uote' } },
  ]);
});

test('Basic, several challenges in one header or several headers, and nothing', () => {
  assert.deepEqual(parseWwwAuthenticate('Basic realm="berth-test"'), [{ scheme: 'basic', params: { realm: 'berth-test' } }]);
  assert.deepEqual(
    parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="b",service="s"']).map((c) => c.scheme),
    ['basic', 'bearer'],
  );
  assert.deepEqual(
    parseWwwAuthenticate('Basic realm="a", Bearer realm="b"').map((c) => [c.scheme, c.params.realm]),
    [['basic', 'a'], ['bearer', 'b']],
  );
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.deepEqual(parseWwwAuthenticate(''), []);
});
