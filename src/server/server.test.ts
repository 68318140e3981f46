// The transport rules every route shares (engine-api.md §1): version prefixes, moby's headers,
// the 404 for unknown routes, error kinds → statuses, and lenient JSON bodies. Fake backends,
// inject() (light-my-request); no socket.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InjectOptions } from 'light-my-request';
import { ERROR_KINDS, EngineError, type ErrorKind } from '../core/errors.js';
import { assertErrorResponse, createFakeServer } from './testing/fake-backends.js';

describe('version prefixes', () => {
  const ok: [url: string, what: string][] = [
    ['/v1.44/_ping', 'the newest version'],
    ['/v1.24/version', 'the oldest version'],
    ['/v1.41/info', 'a version in between'],
    ['/v1.44/images/json', 'a resource route'],
    ['/_ping', 'a bare path'],
    ['/version', 'a bare path (not mistaken for a prefix)'],
  ];
  for (const [url, what] of ok) {
    test(`${url} is served (${what})`, async () => {
      const { app } = createFakeServer();
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
    });
  }

  const refused: [url: string, message: string][] = [
    [
      '/v1.12/_ping',
      'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
    ],
    [
      '/v1.23/images/json',
      'client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
    ],
    ['/v1.51/version', 'client version 1.51 is too new. Maximum supported API version is 1.44'],
    ['/v1.45/images/json', 'client version 1.45 is too new. Maximum supported API version is 1.44'],
    ['/v2/nothing/here', 'client version 2 is too new. Maximum supported API version is 1.44'],
  ];
  for (const [url, message] of refused) {
    test(`${url} → 400 ${message.slice(0, 30)}…`, async () => {
      const { app } = createFakeServer();
      assertErrorResponse(await app.inject({ method: 'GET', url }), 400, message);
    });
  }

  test('the query string survives the prefix rewrite', async () => {
    const { app, fake } = createFakeServer();
    const filters = encodeURIComponent('{"label":["a=b"]}');
    const res = await app.inject({ method: 'GET', url: `/v1.44/images/json?all=1&filters=${filters}` });
    assert.equal(res.statusCode, 200);
    assert.equal(fake.images.lastList?.all, true);
    assert.deepEqual(fake.images.lastList?.filters?.get('label'), ['a=b']);
  });

  test('a prefix alone is an unknown route, not the root of the API', async () => {
    const { app } = createFakeServer();
    assertErrorResponse(await app.inject({ method: 'GET', url: '/v1.44' }), 404, 'page not found');
    assertErrorResponse(await app.inject({ method: 'GET', url: '/v1.44?x=1' }), 404, 'page not found');
  });

  test('a path that only looks like a prefix is routed as it is', async () => {
    const { app } = createFakeServer();
    assertErrorResponse(await app.inject({ method: 'GET', url: '/v1.44x/_ping' }), 404, 'page not found');
  });
});

describe('unknown routes', () => {
  const cases: [method: InjectOptions['method'], url: string][] = [
    ['GET', '/nope'],
    ['GET', '/v1.44/nope'],
    ['GET', '/plugins/json'],
    ['PATCH', '/version'],
    ['PUT', '/_ping'],
    ['DELETE', '/info'],
    ['POST', '/images/json'],
    ['GET', '/images/busybox'],
    ['GET', '/images/busybox/unknown-action'],
    ['POST', '/images/busybox/json'],
    ['DELETE', '/images/'],
    // moby declares HEAD only for /_ping (and archive): no automatic HEAD routes.
    ['HEAD', '/version'],
  ];
  for (const [method, url] of cases) {
    test(`${method} ${url} → 404 page not found`, async () => {
      const { app } = createFakeServer();
      const res = await app.inject({ method, url });
      if (method === 'HEAD') {
        assert.equal(res.statusCode, 404);
        assert.equal(res.headers['content-type'], 'application/json');
      } else {
        assertErrorResponse(res, 404, 'page not found');
      }
    });
  }
});

describe('headers moby puts on every response', () => {
  const requests: [what: string, opts: InjectOptions, status: number][] = [
    ['JSON', { method: 'GET', url: '/version' }, 200],
    ['ping', { method: 'HEAD', url: '/_ping' }, 200],
    ['unknown route', { method: 'GET', url: '/nope' }, 404],
    ['version refused', { method: 'GET', url: '/v1.12/version' }, 400],
    ['stream', { method: 'POST', url: '/images/load', payload: 'tar' }, 200],
    ['tar download', { method: 'GET', url: '/images/busybox/get' }, 200],
    ['empty 201', { method: 'POST', url: '/images/busybox/tag?repo=x' }, 201],
  ];
  for (const [what, opts, status] of requests) {
    test(`${what}: ${opts.method} ${opts.url}`, async () => {
      const { app } = createFakeServer();
      const res = await app.inject(opts);
      assert.equal(res.statusCode, status);
      assert.equal(res.headers['api-version'], '1.44');
      assert.equal(res.headers.ostype, 'linux');
      assert.equal(res.headers['docker-experimental'], 'false');
      // The moby client reads the OS only from `Docker/<version> (<os>)`.
      assert.equal(res.headers.server, 'Docker/berth-0.1.0 (linux)');
    });
  }

  test('an error from the engine keeps them', async () => {
    const { app, fake } = createFakeServer();
    fake.images.fail = new EngineError('conflict', 'busy');
    const res = await app.inject({ method: 'GET', url: '/images/busybox/json' });
    assertErrorResponse(res, 409, 'busy');
    assert.equal(res.headers['api-version'], '1.44');
    assert.ok(res.headers.server);
  });
});

describe('error kinds become moby statuses', () => {
  // moby's httpstatus numbers, written out rather than read from HTTP_STATUS.
  const expected: Record<ErrorKind, number> = {
    'invalid-argument': 400,
    unauthenticated: 401,
    'permission-denied': 403,
    'not-found': 404,
    'already-exists': 409,
    conflict: 409,
    'not-modified': 304,
    'not-implemented': 501,
    unavailable: 503,
    canceled: 500,
    internal: 500,
    'data-loss': 500,
  };
  const routes: [what: string, opts: InjectOptions][] = [
    ['inspect', { method: 'GET', url: '/images/reg:5000/a/b:tag/json' }],
    ['remove', { method: 'DELETE', url: '/images/busybox' }],
    ['tag', { method: 'POST', url: '/images/busybox/tag?repo=x' }],
  ];
  for (const kind of ERROR_KINDS) {
    for (const [what, opts] of routes) {
      test(`${kind} from ${what} → ${expected[kind]}`, async () => {
        const { app, fake } = createFakeServer();
        fake.images.fail = new EngineError(kind, `it went wrong (${kind})`);
        const res = await app.inject(opts);
        if (kind === 'not-modified') {
          assert.equal(res.statusCode, 304);
          assert.equal(res.body, '');
          return;
        }
        assertErrorResponse(res, expected[kind], `it went wrong (${kind})`);
      });
    }
  }

  const plain: [what: string, err: Error, status: number][] = [
    ['ENOENT', Object.assign(new Error('open /x: no such file'), { code: 'ENOENT' }), 404],
    ['EACCES', Object.assign(new Error('open /x: permission denied'), { code: 'EACCES' }), 403],
    ['a kind in the cause chain', new Error('outer', { cause: new EngineError('conflict', 'inner') }), 409],
    ['AbortError', Object.assign(new Error('aborted'), { name: 'AbortError' }), 500],
    ['a plain Error', new Error('boom'), 500],
  ];
  for (const [what, err, status] of plain) {
    test(`${what} → ${status} with its message`, async () => {
      const { app, fake } = createFakeServer();
      fake.images.fail = err;
      assertErrorResponse(await app.inject({ method: 'GET', url: '/images/busybox/json' }), status, err.message);
    });
  }
});

describe('JSON request bodies', () => {
  const noBody: [what: string, payload: string][] = [
    ['empty', ''],
    ['null', 'null'],
    ['null with whitespace', ' null\n'],
    ['an object (ignored by a bodyless endpoint, as dockerode sends)', '{"t":0}'],
  ];
  for (const [what, payload] of noBody) {
    test(`${what} with Content-Type application/json is accepted`, async () => {
      const { app, fake } = createFakeServer();
      const res = await app.inject({
        method: 'POST',
        url: '/images/busybox/tag?repo=x&tag=y',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.deepEqual(fake.images.lastTag, { source: 'busybox', repo: 'x', tag: 'y' });
    });
  }

  const malformed = ['{bad', '{"a":', 'nul', '[1,]'];
  for (const payload of malformed) {
    test(`malformed JSON ${JSON.stringify(payload)} → 400 naming the problem`, async () => {
      const { app, fake } = createFakeServer();
      const res = await app.inject({
        method: 'POST',
        url: '/images/busybox/tag?repo=x',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assertErrorResponse(res, 400, /^invalid JSON: /);
      assert.equal(fake.images.lastTag, undefined, 'the backend is not called');
    });
  }

  test('a charset parameter does not change the parsing', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({
      method: 'POST',
      url: '/images/busybox/tag?repo=x',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: 'null',
    });
    assert.equal(res.statusCode, 201);
  });

  test('other content types are not refused', async () => {
    const { app } = createFakeServer();
    for (const type of ['application/x-tar', 'application/tar', 'text/plain', 'application/octet-stream']) {
      const res = await app.inject({ method: 'POST', url: '/images/busybox/tag?repo=x', headers: { 'content-type': type }, payload: 'x' });
      assert.equal(res.statusCode, 201, type);
    }
  });

  test('a JSON body declared larger than 64 MiB → 400 before it is read', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({
      method: 'POST',
      url: '/images/busybox/tag?repo=x',
      headers: { 'content-type': 'application/json', 'content-length': String((64 << 20) + 1) },
      payload: '{}',
    });
    assertErrorResponse(res, 400, 'Request body is too large');
    assert.equal(fake.images.lastTag, undefined, 'the backend is not called');
  });
});

describe('requests the transport refuses', () => {
  test('a malformed percent-encoding in the path → 400 with moby headers', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/images/%E0%A4%A/json' });
    assertErrorResponse(res, 400, "'/images/%E0%A4%A/json' is not a valid url component");
    assert.equal(res.headers['api-version'], '1.44');
  });

  test('a malformed JSON body is refused even on an unknown route, and the connection closes', async () => {
    // The body is read before the route is found missing (as under fastify); what is left of it
    // may still be on the wire, so the connection cannot serve another request.
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/nope', headers: { 'content-type': 'application/json' }, payload: '{bad' });
    assertErrorResponse(res, 400, /^invalid JSON: /);
    assert.equal(res.headers.connection, 'close');
  });

  test('a malformed Content-Type on a body → 400 Unsupported Media Type', async () => {
    const { app, fake } = createFakeServer();
    for (const type of ['foo', 'application/', 'a b/c', '']) {
      const res = await app.inject({ method: 'POST', url: '/images/busybox/tag?repo=x', headers: { 'content-type': type }, payload: 'x' });
      assertErrorResponse(res, 400, 'Unsupported Media Type');
    }
    assert.equal(fake.images.lastTag, undefined, 'the backend is not called');
  });
});

test('unknown query parameters are ignored', async () => {
  const { app, fake } = createFakeServer();
  // dockerode repeats body fields as query parameters.
  const res = await app.inject({ method: 'GET', url: '/images/json?Image=alpine&Cmd=echo&Cmd=hi&HostConfig=%7B%7D&name=foo' });
  assert.equal(res.statusCode, 200);
  assert.equal(fake.images.lastList?.all, false);
  assert.equal(fake.images.lastList?.filters?.size, 0);
});
