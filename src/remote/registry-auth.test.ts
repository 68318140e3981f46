// The token flow with the token endpoint's answers scripted: which URL is asked, with which
// credentials, and what is cached. The flow against real servers is in
// test/integration/pull-push.test.ts.

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { type HttpGet, TokenCache, authorization, basicHeader } from './registry-auth.js';

function endpoint(answers: { status: number; body: unknown }[]): { get: HttpGet; asked: { url: URL; init: Parameters<HttpGet>[1] }[] } {
  const asked: { url: URL; init: Parameters<HttpGet>[1] }[] = [];
  const get: HttpGet = async (url, init) => {
    asked.push({ url, init });
    const a = answers.shift() ?? { status: 500, body: {} };
    return { res: { statusCode: a.status } as IncomingMessage, body: Buffer.from(JSON.stringify(a.body)) };
  };
  return { get, asked };
}

const bearer = { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'reg' } };

test('anonymous token for the scopes, then from the cache', async () => {
  const { get, asked } = endpoint([{ status: 200, body: { token: 't1', expires_in: 300 } }]);
  const cache = new TokenCache();
  assert.equal(await authorization(get, cache, bearer, ['repository:a/b:pull'], {}), 'Bearer t1');
  assert.equal(await authorization(get, cache, bearer, ['repository:a/b:pull'], {}), 'Bearer t1');
  assert.equal(asked.length, 1);
  assert.equal(asked[0]!.url.toString(), 'https://auth.example/token?service=reg&scope=repository%3Aa%2Fb%3Apull');
  assert.equal(asked[0]!.init.headers.Authorization, undefined);
});

test('credentials: basic auth on the token request, account named; other users and scopes get their own token', async () => {
  const { get, asked } = endpoint([
    { status: 200, body: { access_token: 'ta' } },
    { status: 200, body: { token: 'tb' } },
    { status: 200, body: { token: 'tc' } },
  ]);
  const cache = new TokenCache();
  const alice = { username: 'alice', password: 'pw' };
  assert.equal(await authorization(get, cache, bearer, ['repository:a/b:pull,push'], alice), 'Bearer ta');
  assert.equal(asked[0]!.init.headers.Authorization, basicHeader(alice));
  assert.equal(asked[0]!.url.searchParams.get('account'), 'alice');
  assert.equal(await authorization(get, cache, bearer, ['repository:a/b:pull,push'], { username: 'bob', password: 'x' }), 'Bearer tb');
  // A challenge naming a scope of its own (insufficient_scope) adds it to the request.
  const narrower = { scheme: 'bearer', params: { ...bearer.params, scope: 'repository:c/d:pull' } };
  assert.equal(await authorization(get, cache, narrower, ['repository:a/b:pull,push'], alice), 'Bearer tc');
  assert.deepEqual(asked[2]!.url.searchParams.getAll('scope'), ['repository:a/b:pull,push', 'repository:c/d:pull']);
});

test('identity tokens use the OAuth refresh grant; registry tokens and basic need no request', async () => {
  const { get, asked } = endpoint([{ status: 200, body: { access_token: 'oauth' } }]);
  assert.equal(await authorization(get, new TokenCache(), bearer, ['repository:a:pull'], { identityToken: 'refresh' }), 'Bearer oauth');
  assert.equal(asked[0]!.init.method, 'POST');
  assert.equal(
    asked[0]!.init.body?.toString(),
    'grant_type=refresh_token&refresh_token=refresh&client_id=docker&service=reg&scope=repository%3Aa%3Apull',
  );
  assert.equal(await authorization(get, new TokenCache(), bearer, [], { registryToken: 'rt' }), 'Bearer rt');
  assert.equal(await authorization(get, new TokenCache(), { scheme: 'basic', params: {} }, [], { username: 'u', password: 'p' }), `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(asked.length, 1);
});

test('a refused token request is unauthorized in Docker words', async () => {
  const { get } = endpoint([{ status: 401, body: { details: 'incorrect username or password' } }, { status: 401, body: 'x' }]);
  await assert.rejects(authorization(get, new TokenCache(), bearer, [], { username: 'u', password: 'bad' }), {
    kind: 'unauthenticated',
    message: 'unauthorized: incorrect username or password',
  });
  await assert.rejects(authorization(get, new TokenCache(), bearer, [], { username: 'u', password: 'bad' }), { kind: 'unauthenticated' });
});
