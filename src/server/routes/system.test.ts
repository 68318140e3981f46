// /_ping, /version, /info, /system/df, /build/prune and /events through inject() with
// fake backends (a real EventBus). inject() waits for the response to end, so only the /events
// cases that end (an `until` in the past) are tested here.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/errors.js';
import type { EngineEvent } from '../../engine/events/event-bus.js';
import { IMAGE_ID, assertErrorResponse, createFakeServer, jsonLines } from '../testing/fake-backends.js';

describe('/_ping', () => {
  const pingHeaders = {
    'api-version': '1.44',
    ostype: 'linux',
    'docker-experimental': 'false',
    'builder-version': '1',
    swarm: 'inactive',
    'cache-control': 'no-cache, no-store, must-revalidate',
    pragma: 'no-cache',
  };

  for (const url of ['/_ping', '/v1.44/_ping', '/v1.24/_ping']) {
    test(`GET ${url} → 200 OK with moby's headers`, async () => {
      const { app } = createFakeServer();
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, 'OK');
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      for (const [k, v] of Object.entries(pingHeaders)) assert.equal(res.headers[k], v, k);
      assert.ok(res.headers.server);
    });
  }

  test('HEAD /_ping → 200, empty, Content-Length 0, same headers', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'HEAD', url: '/_ping' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.equal(res.headers['content-length'], '0');
    for (const [k, v] of Object.entries(pingHeaders)) assert.equal(res.headers[k], v, k);
    assert.ok(res.headers.server);
  });
});

describe('/version, /info, /system/df, /build/prune', () => {
  test('GET /version → 200 with the API versions clients negotiate on', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/version' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const v = JSON.parse(res.body);
    assert.equal(v.ApiVersion, '1.44');
    assert.equal(v.MinAPIVersion, '1.24');
    assert.equal(v.Version, '0.1.0');
    assert.equal(v.Os, 'linux');
    assert.equal(v.Arch, 'amd64');
    assert.equal(v.Components[0].Name, 'Engine');
  });

  test('GET /info → 200 with the engine facts', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/v1.24/info' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const i = JSON.parse(res.body);
    assert.equal(i.ID, 'FAKE:ENGINE:ID');
    assert.equal(i.Driver, 'overlay2');
    assert.equal(i.OSType, 'linux');
    assert.equal(i.Images, 1);
    assert.equal(i.Swarm.LocalNodeState, 'inactive');
  });

  test('GET /system/df → 200 with images and empty other sections', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/system/df' });
    assert.equal(res.statusCode, 200);
    const df = JSON.parse(res.body);
    assert.equal(df.LayersSize, 4_261_550);
    assert.equal(df.Images[0].Id, IMAGE_ID);
    assert.deepEqual([df.Containers, df.Volumes, df.BuildCache], [[], [], []]);
  });

  test('POST /build/prune → 200 with an empty report', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/build/prune?all=1' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body), { CachesDeleted: [], SpaceReclaimed: 0 });
  });
});

describe('/events replays', () => {
  /** A Docker `since`/`until` value (seconds.nanoseconds) for a time in nanoseconds. */
  function ts(nano: bigint): string {
    return `${nano / 1_000_000_000n}.${String(nano % 1_000_000_000n).padStart(9, '0')}`;
  }

  /** Three events a few milliseconds apart, the last one safely in the past. */
  async function withEvents() {
    const server = createFakeServer();
    const bus = server.fake.events;
    const evs: EngineEvent[] = [];
    evs.push(bus.publish({ type: 'container', action: 'start', actor: { id: 'c1'.repeat(32), attributes: { name: 'web', image: 'busybox' } } }));
    await sleep(3);
    evs.push(bus.publish({ type: 'image', action: 'tag', actor: { id: IMAGE_ID, attributes: { name: 'busybox:latest' } } }));
    await sleep(3);
    evs.push(bus.publish({ type: 'container', action: 'exec_create: sh -c true', actor: { id: 'c1'.repeat(32), attributes: { name: 'web' } } }));
    await sleep(3);
    return { ...server, evs, past: ts(BigInt(Date.now()) * 1_000_000n) };
  }

  async function actions(app: Awaited<ReturnType<typeof withEvents>>['app'], url: string): Promise<string[]> {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/json');
    return jsonLines(res.body, '\n').map((m) => `${String(m.Type)} ${String(m.Action)}`);
  }

  test('since=0 and a past until replay every stored event in order, then end', async () => {
    const { app, evs, past } = await withEvents();
    const res = await app.inject({ method: 'GET', url: `/events?since=0&until=${past}` });
    assert.equal(res.statusCode, 200);
    const msgs = jsonLines(res.body, '\n');
    assert.deepEqual(
      msgs.map((m) => m.Action),
      evs.map((e) => e.action),
    );
    const first = msgs[0];
    assert.equal(first?.Type, 'container');
    assert.equal(first?.scope, 'local');
    assert.equal(first?.status, 'start');
    assert.equal(first?.from, 'busybox');
    assert.deepEqual(first?.Actor, { ID: 'c1'.repeat(32), Attributes: { name: 'web', image: 'busybox' } });
    assert.equal(first?.time, Number(evs[0]!.timeNano / 1_000_000_000n));
  });

  test('since and until bound the replay', async () => {
    const { app, evs } = await withEvents();
    const since = ts(evs[0]!.timeNano + 1n);
    const until = ts(evs[1]!.timeNano);
    assert.deepEqual(await actions(app, `/events?since=${since}&until=${until}`), ['image tag']);
  });

  test('until alone replays what is stored up to it (as moby)', async () => {
    const { app, evs } = await withEvents();
    assert.deepEqual(await actions(app, `/events?until=${ts(evs[1]!.timeNano)}`), ['container start', 'image tag']);
  });

  test('whole seconds, as the CLI and testcontainers send them', async () => {
    const { app } = await withEvents();
    const later = Math.floor(Date.now() / 1000) - 3600;
    assert.deepEqual(await actions(app, `/events?since=0&until=${later}`), []);
    assert.deepEqual(await actions(app, `/events?since=0&until=${later}.000000000`), []);
  });

  const filtered: [what: string, filters: string, expected: string[]][] = [
    ['type (list shape)', '{"type":["image"]}', ['image tag']],
    ['type (map shape)', '{"type":{"container":true}}', ['container start', 'container exec_create: sh -c true']],
    ['event', '{"event":["start"]}', ['container start']],
    ['event matches the verb of an action with details', '{"event":["exec_create"]}', ['container exec_create: sh -c true']],
    ['type and event together', '{"type":["image"],"event":["start"]}', []],
    ['container by name', '{"container":["web"]}', ['container start', 'container exec_create: sh -c true']],
    ['image by name', '{"image":["busybox"]}', ['container start', 'image tag']],
  ];
  for (const [what, raw, expected] of filtered) {
    test(`filters by ${what}`, async () => {
      const { app, past } = await withEvents();
      assert.deepEqual(await actions(app, `/events?since=0&until=${past}&filters=${encodeURIComponent(raw)}`), expected);
    });
  }

  const malformed: [query: string, message: string][] = [
    ['since=abc', 'invalid value for since: "abc"'],
    ['since=1.2.3', 'invalid value for since: "1.2.3"'],
    ['since=0&until=yesterday', 'invalid value for until: "yesterday"'],
    ['since=1712345678.1234567890', 'invalid value for since: "1712345678.1234567890"'],
    ['since=0&until=1&filters={bad', 'invalid filter'],
    ['since=0&until=1&filters={"colour":["red"]}', "invalid filter 'colour'"],
  ];
  for (const [q, message] of malformed) {
    test(`${q} → 400 ${message}`, async () => {
      const { app } = createFakeServer();
      const url = `/events?${q.replace(/filters=(.*)$/, (_m, f: string) => `filters=${encodeURIComponent(f)}`)}`;
      assertErrorResponse(await app.inject({ method: 'GET', url }), 400, message);
    });
  }
});

describe('POST /auth', () => {
  test('checks the credentials against the registry the server address names', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({
      method: 'POST',
      url: '/auth',
      headers: { 'content-type': 'application/json' },
      payload: { username: 'u', password: 'p', serveraddress: 'https://127.0.0.1:5000/v2/' },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { Status: 'Login Succeeded', IdentityToken: '' });
    assert.deepEqual(fake.imageTransfer.lastLogin, { domain: '127.0.0.1:5000', creds: { username: 'u', password: 'p' } });
    await app.inject({ method: 'POST', url: '/auth', headers: { 'content-type': 'application/json' }, payload: { username: 'u', password: 'p', serveraddress: 'https://index.docker.io/v1/' } });
    assert.equal(fake.imageTransfer.lastLogin?.domain, 'docker.io');
  });

  test('wrong credentials → 401 with the registry words', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.loginFail = new EngineError('unauthenticated', 'unauthorized: incorrect username or password');
    const res = await app.inject({ method: 'POST', url: '/auth', headers: { 'content-type': 'application/json' }, payload: { username: 'u', password: 'x' } });
    assertErrorResponse(res, 401, 'unauthorized: incorrect username or password');
  });
});
