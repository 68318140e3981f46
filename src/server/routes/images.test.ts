// The image routes through inject() with fake backends: greedy names, success codes
// (engine-api.md §1.7), version adapters (§1.4) and the JSON message streams of load and
// import (§2.2). One integration test per endpoint covers the real engine elsewhere.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InjectOptions } from 'light-my-request';
import { EngineError, noSuchImage } from '../../core/errors.js';
import {
  DANGLING_ID,
  IMAGE_ID,
  assertErrorResponse,
  createFakeServer,
  jsonLines,
  sampleSummary,
} from '../testing/fake-backends.js';

const HEX = 'ab'.repeat(32);

describe('image names with slashes and colons reach the backend exactly', () => {
  const inspect: [url: string, name: string][] = [
    ['/images/busybox/json', 'busybox'],
    ['/images/busybox:1.36/json', 'busybox:1.36'],
    ['/images/reg:5000/a/b:tag/json', 'reg:5000/a/b:tag'],
    ['/images/docker.io/library/alpine/json', 'docker.io/library/alpine'],
    [`/images/sha256:${HEX}/json`, `sha256:${HEX}`],
    [`/images/alpine@sha256:${HEX}/json`, `alpine@sha256:${HEX}`],
    // An image literally named json, and one named history.
    ['/images/json/json', 'json'],
    ['/images/history/json', 'history'],
    ['/v1.44/images/reg:5000/a/b:tag/json', 'reg:5000/a/b:tag'],
    // Percent-encoded names are decoded.
    ['/images/reg%3A5000%2Fa%2Fb%3Atag/json', 'reg:5000/a/b:tag'],
  ];
  for (const [url, name] of inspect) {
    test(`GET ${url} → inspect ${name}`, async () => {
      const { app, fake } = createFakeServer();
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(fake.images.lastName, name);
      assert.equal(JSON.parse(res.body).Id, IMAGE_ID);
    });
  }

  test('GET /images/a/b/history → history of a/b', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/images/a/b/history' });
    assert.equal(res.statusCode, 200);
    assert.equal(fake.images.lastName, 'a/b');
    const body = JSON.parse(res.body);
    assert.ok(Array.isArray(body));
    assert.deepEqual(Object.keys(body[0]).sort(), ['Comment', 'Created', 'CreatedBy', 'Id', 'Size', 'Tags']);
    assert.equal(body[0].Created, Date.parse('2024-05-01T10:00:00Z') / 1000);
  });

  test('POST /images/reg:5000/a/b:tag/tag?repo=x&tag=y → 201, empty', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/reg:5000/a/b:tag/tag?repo=x&tag=y' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.body, '');
    assert.deepEqual(fake.images.lastTag, { source: 'reg:5000/a/b:tag', repo: 'x', tag: 'y' });
  });

  test('tag without a tag, or with an empty one, passes none', async () => {
    const { app, fake } = createFakeServer();
    for (const url of ['/images/busybox/tag?repo=reg:5000/x', '/images/busybox/tag?repo=reg:5000/x&tag=']) {
      assert.equal((await app.inject({ method: 'POST', url })).statusCode, 201);
      assert.deepEqual(fake.images.lastTag, { source: 'busybox', repo: 'reg:5000/x' });
    }
  });

  test('tag without a repo → 400', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/busybox/tag?tag=y' });
    assertErrorResponse(res, 400, 'repository name must have at least one component');
    assert.equal(fake.images.lastTag, undefined);
  });

  test('DELETE /images/reg:5000/a/b:tag → 200 with the list of what happened', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'DELETE', url: '/images/reg:5000/a/b:tag' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), [{ Untagged: 'busybox:latest' }, { Deleted: IMAGE_ID }]);
    assert.equal(fake.images.lastName, 'reg:5000/a/b:tag');
    assert.deepEqual(fake.images.lastRemove, { force: false, noPrune: false });
  });

  test('DELETE passes force and noprune as moby booleans', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'DELETE', url: `/images/sha256:${HEX}?force=True&noprune=1` });
    assert.equal(res.statusCode, 200);
    assert.equal(fake.images.lastName, `sha256:${HEX}`);
    assert.deepEqual(fake.images.lastRemove, { force: true, noPrune: true });
  });

  test('a missing image → 404 in Docker words', async () => {
    const { app, fake } = createFakeServer();
    fake.images.fail = noSuchImage('alpine:latest');
    for (const opts of [
      { method: 'GET', url: '/images/alpine/json' },
      { method: 'GET', url: '/images/alpine/history' },
      { method: 'DELETE', url: '/images/alpine' },
      { method: 'POST', url: '/images/alpine/tag?repo=x' },
    ] satisfies InjectOptions[]) {
      assertErrorResponse(await app.inject(opts), 404, 'No such image: alpine:latest');
    }
  });

  test('POST /images/reg:5000/a/b/push?tag=t pushes that tag with the decoded X-Registry-Auth', async () => {
    const { app, fake } = createFakeServer();
    const auth = Buffer.from(JSON.stringify({ username: 'u', password: 'p', serveraddress: 'reg:5000' })).toString('base64url');
    const res = await app.inject({ method: 'POST', url: '/images/reg:5000/a/b/push?tag=t', headers: { 'x-registry-auth': auth } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(jsonLines(res.body), [{ status: 'The push refers to repository [docker.io/library/alpine]' }]);
    const got = fake.imageTransfer.lastPush;
    assert.deepEqual(got?.name, { domain: 'reg:5000', path: 'a/b' });
    assert.equal(got?.opts.tag, 't');
    assert.deepEqual(got?.opts.credentials, { username: 'u', password: 'p' });
  });

  test('a push failing after its first message reports the error in-band', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.pushScript = {
      progress: [{ status: 'The push refers to repository [docker.io/library/foo]' }],
      error: new EngineError('not-found', 'An image does not exist locally with the tag: foo'),
    };
    const res = await app.inject({ method: 'POST', url: '/images/foo/push?tag=latest', headers: { 'x-registry-auth': 'e30=' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(jsonLines(res.body)[1], {
      errorDetail: { message: 'An image does not exist locally with the tag: foo' },
      error: 'An image does not exist locally with the tag: foo',
    });
    assert.equal(fake.imageTransfer.lastPush?.opts.credentials, undefined);
  });
});

describe('save', () => {
  test('GET /images/reg:5000/a/b:tag/get → 200 tar', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/images/reg:5000/a/b:tag/get' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/x-tar');
    assert.equal(res.body, 'fake tar bytes');
    assert.deepEqual(fake.imageTransfer.lastSave, ['reg:5000/a/b:tag']);
  });

  test('GET /images/get takes repeated and comma-separated names', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/images/get?names=a&names=b:1,reg:5000/c' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(fake.imageTransfer.lastSave, ['a', 'b:1', 'reg:5000/c']);
  });

  test('GET /images/get without names → 400', async () => {
    const { app } = createFakeServer();
    assertErrorResponse(await app.inject({ method: 'GET', url: '/images/get' }), 400, 'no images specified');
    assertErrorResponse(await app.inject({ method: 'GET', url: '/images/get?names=,' }), 400, 'no images specified');
  });

  test('an unknown name fails before the tar starts: a normal 404', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.saveFail = noSuchImage('nope:latest');
    assertErrorResponse(await app.inject({ method: 'GET', url: '/images/nope/get' }), 404, 'No such image: nope:latest');
    assertErrorResponse(await app.inject({ method: 'GET', url: '/images/get?names=nope' }), 404, 'No such image: nope:latest');
  });
});

describe('list', () => {
  test('GET /images/json → 200 summaries', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'GET', url: '/images/json' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const [s] = JSON.parse(res.body);
    assert.equal(s.Id, IMAGE_ID);
    assert.deepEqual(s.RepoTags, ['busybox:latest']);
    assert.equal(s.Size, 4_261_550);
    assert.equal(s.Containers, -1);
  });

  const filterShapes = [
    '{"dangling":{"true":true}}',
    '{"dangling":["true"]}',
    '{"label":{"a=b":true},"reference":{"busy*":true}}',
    '{"label":["a=b"],"reference":["busy*"]}',
  ];
  for (const raw of filterShapes) {
    test(`filters ${raw} reach the backend`, async () => {
      const { app, fake } = createFakeServer();
      const res = await app.inject({ method: 'GET', url: `/images/json?filters=${encodeURIComponent(raw)}` });
      assert.equal(res.statusCode, 200);
      const f = fake.images.lastList?.filters;
      assert.ok(f);
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      assert.deepEqual(f.keys(), Object.keys(parsed));
    });
  }

  test('the two shapes cannot be mixed in one value (as in Go) → 400', async () => {
    const { app } = createFakeServer();
    const raw = encodeURIComponent('{"label":{"a=b":true},"reference":["busy*"]}');
    assertErrorResponse(await app.inject({ method: 'GET', url: `/images/json?filters=${raw}` }), 400, 'invalid filter');
  });
});

describe('version adapters', () => {
  function withDangling() {
    const server = createFakeServer();
    server.fake.images.summaries = [sampleSummary(), sampleSummary({ id: DANGLING_ID, repoTags: [], repoDigests: [] })];
    return server;
  }

  test('/v1.42: an image with digests but no tags is not dangling and gets no placeholders', async () => {
    const { app, fake } = createFakeServer();
    fake.images.summaries = [sampleSummary({ repoTags: [], repoDigests: [`busybox@sha256:${HEX}`] })];
    const [s] = JSON.parse((await app.inject({ method: 'GET', url: '/v1.42/images/json' })).body);
    assert.deepEqual(s.RepoTags, []);
    assert.deepEqual(s.RepoDigests, [`busybox@sha256:${HEX}`]);
  });

  test('/v1.41/images/json includes VirtualSize and <none> names', async () => {
    const { app } = withDangling();
    const [tagged, dangling] = JSON.parse((await app.inject({ method: 'GET', url: '/v1.41/images/json' })).body);
    assert.equal(tagged.VirtualSize, tagged.Size);
    assert.deepEqual(dangling.RepoTags, ['<none>:<none>']);
    assert.deepEqual(dangling.RepoDigests, ['<none>@<none>']);
  });

  test('/v1.42/images/json shows dangling images as <none>:<none>; tagged ones keep their names', async () => {
    const { app } = withDangling();
    const [tagged, dangling] = JSON.parse((await app.inject({ method: 'GET', url: '/v1.42/images/json' })).body);
    assert.deepEqual(tagged.RepoTags, ['busybox:latest']);
    assert.deepEqual(tagged.RepoDigests, []);
    assert.deepEqual(dangling.RepoTags, ['<none>:<none>']);
    assert.deepEqual(dangling.RepoDigests, ['<none>@<none>']);
  });

  test('/v1.43/images/json has empty lists but still VirtualSize', async () => {
    const { app } = withDangling();
    const [, dangling] = JSON.parse((await app.inject({ method: 'GET', url: '/v1.43/images/json' })).body);
    assert.deepEqual(dangling.RepoTags, []);
    assert.equal(dangling.VirtualSize, dangling.Size);
  });

  for (const url of ['/v1.44/images/json', '/images/json']) {
    test(`${url} has neither VirtualSize nor <none> names`, async () => {
      const { app } = withDangling();
      const list = JSON.parse((await app.inject({ method: 'GET', url })).body);
      for (const s of list) assert.equal('VirtualSize' in s, false);
      assert.deepEqual(list[1].RepoTags, []);
      assert.deepEqual(list[1].RepoDigests, []);
    });
  }

  test('image inspect: VirtualSize before 1.44 only; ContainerConfig always (docker-compose 1.29)', async () => {
    const { app } = createFakeServer();
    const old = JSON.parse((await app.inject({ method: 'GET', url: '/v1.43/images/busybox/json' })).body);
    const now = JSON.parse((await app.inject({ method: 'GET', url: '/v1.44/images/busybox/json' })).body);
    assert.equal(old.VirtualSize, old.Size);
    assert.equal('VirtualSize' in now, false);
    for (const i of [old, now]) {
      assert.ok(i.ContainerConfig);
      assert.equal(i.GraphDriver.Name, 'overlay2');
      assert.deepEqual(i.Config.Cmd, ['sh']);
    }
  });
});

describe('prune', () => {
  test('nothing removed → 200 with ImagesDeleted null', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/prune' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body), { ImagesDeleted: null, SpaceReclaimed: 0 });
  });

  test('removals are listed as in rmi', async () => {
    const { app, fake } = createFakeServer();
    fake.images.pruneResult = { deleted: [{ untagged: 'a:1' }, { deleted: DANGLING_ID }], spaceReclaimed: 1234 };
    const res = await app.inject({ method: 'POST', url: '/images/prune' });
    assert.deepEqual(JSON.parse(res.body), { ImagesDeleted: [{ Untagged: 'a:1' }, { Deleted: DANGLING_ID }], SpaceReclaimed: 1234 });
  });

  test('filters reach the backend (prune -a sends dangling=false)', async () => {
    const { app, fake } = createFakeServer();
    const raw = encodeURIComponent('{"dangling":{"false":true},"until":{"24h":true}}');
    assert.equal((await app.inject({ method: 'POST', url: `/images/prune?filters=${raw}` })).statusCode, 200);
    assert.deepEqual(fake.images.lastPrune?.filters?.get('dangling'), ['false']);
    assert.deepEqual(fake.images.lastPrune?.filters?.get('until'), ['24h']);
  });
});

describe('POST /images/load', () => {
  const tar = { 'content-type': 'application/x-tar' };

  test('progress then success → 200, newline-delimited JSON, each line ending in \\r\\n', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/load', headers: tar, payload: 'tar bytes' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const msgs = jsonLines(res.body);
    assert.equal(msgs.length, 2);
    assert.equal(msgs[0]?.status, 'Loading layer');
    assert.equal(msgs[0]?.id, '3d3d3d3d3d3d');
    assert.deepEqual(msgs[0]?.progressDetail, { current: 4_261_550, total: 4_261_550 });
    assert.equal(typeof msgs[0]?.progress, 'string');
    assert.deepEqual(msgs[1], { stream: 'Loaded image: busybox:latest\n' });
    assert.equal(fake.imageTransfer.lastLoad?.body.toString(), 'tar bytes');
  });

  const before: [kind: 'invalid-argument' | 'not-found' | 'data-loss', status: number][] = [
    ['invalid-argument', 400],
    ['not-found', 404],
    ['data-loss', 500],
  ];
  for (const [kind, status] of before) {
    test(`a ${kind} failure before any progress → ${status} with a JSON error body`, async () => {
      const { app, fake } = createFakeServer();
      fake.imageTransfer.loadScript = { progress: [], error: new EngineError(kind, 'archive/tar: invalid tar header') };
      const res = await app.inject({ method: 'POST', url: '/images/load', headers: tar, payload: 'junk' });
      assertErrorResponse(res, status, 'archive/tar: invalid tar header');
    });
  }

  test('a failure after progress → 200 with an in-band errorDetail line last', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.loadScript = {
      progress: [{ status: 'Loading layer', id: 'abc', current: 10, total: 100 }],
      error: new EngineError('internal', 'no space left on device'),
    };
    const res = await app.inject({ method: 'POST', url: '/images/load', headers: tar, payload: 'tar' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const msgs = jsonLines(res.body);
    assert.equal(msgs.length, 2);
    assert.deepEqual(msgs[1], { errorDetail: { message: 'no space left on device' }, error: 'no space left on device' });
  });

  test('quiet=1 drops status messages and keeps stream messages', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/load?quiet=1', headers: tar, payload: 'tar' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(jsonLines(res.body), [{ stream: 'Loaded image: busybox:latest\n' }]);
  });

  test('quiet=0 is not quiet', async () => {
    const { app } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/load?quiet=0', headers: tar, payload: 'tar' });
    assert.equal(jsonLines(res.body).length, 2);
  });

  test('nothing to report → 200 with an empty JSON stream', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.loadScript = { progress: [{ status: 'Loading layer', id: 'a', current: 1, total: 1 }] };
    const res = await app.inject({ method: 'POST', url: '/images/load?quiet=1', headers: tar, payload: 'tar' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.body, '');
  });

  test('a quiet load that fails after its (dropped) progress is still a normal error', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.loadScript = {
      progress: [{ status: 'Loading layer', id: 'a', current: 1, total: 2 }],
      error: new EngineError('invalid-argument', 'bad layer'),
    };
    assertErrorResponse(await app.inject({ method: 'POST', url: '/images/load?quiet=1', headers: tar, payload: 'tar' }), 400, 'bad layer');
  });
});

describe('POST /images/create', () => {
  test('fromSrc=- imports the body with repeated changes', async () => {
    const { app, fake } = createFakeServer();
    const changes = ['ENV A=1', 'CMD ["sh"]', 'LABEL x=y'].map((c) => `changes=${encodeURIComponent(c)}`).join('&');
    const res = await app.inject({
      method: 'POST',
      url: `/images/create?fromSrc=-&repo=reg:5000/a/b&tag=1.0&message=hello&platform=linux/arm64&${changes}`,
      headers: { 'content-type': 'application/tar' },
      payload: 'rootfs tar',
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(jsonLines(res.body), [{ status: IMAGE_ID }]);
    const got = fake.imageTransfer.lastImport;
    assert.ok(got);
    assert.equal(got.body.toString(), 'rootfs tar');
    assert.deepEqual(got.opts.changes, ['ENV A=1', 'CMD ["sh"]', 'LABEL x=y']);
    assert.equal(got.opts.repo, 'reg:5000/a/b');
    assert.equal(got.opts.tag, '1.0');
    assert.equal(got.opts.message, 'hello');
    assert.equal(got.opts.source, '-');
    assert.deepEqual(got.opts.platform, { os: 'linux', architecture: 'arm64' });
  });

  test('a single change and no repo', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/create?fromSrc=-&changes=ENV%20A%3D1', payload: 'x' });
    assert.equal(res.statusCode, 200);
    const opts = fake.imageTransfer.lastImport?.opts;
    assert.deepEqual(opts?.changes, ['ENV A=1']);
    assert.equal(opts?.repo, undefined);
    assert.equal(opts?.tag, undefined);
    assert.equal(opts?.platform, undefined);
  });

  test('without fromSrc or fromImage → 400', async () => {
    const { app } = createFakeServer();
    assertErrorResponse(await app.inject({ method: 'POST', url: '/images/create?repo=x' }), 400, 'fromImage or fromSrc is required');
  });

  test('fromImage pulls the tag for the platform asked for', async () => {
    const { app, fake } = createFakeServer();
    const res = await app.inject({ method: 'POST', url: '/images/create?fromImage=docker.io/library/alpine&tag=3.19&platform=linux/arm64/v8' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(jsonLines(res.body), [{ status: 'Pulling from library/alpine', id: 'latest', progressDetail: {} }]);
    const got = fake.imageTransfer.lastPull;
    assert.deepEqual(got?.ref, { domain: 'docker.io', path: 'library/alpine', tag: '3.19' });
    assert.deepEqual(got?.opts.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.equal(got?.opts.platformRequested, true);
    assert.equal(got?.opts.allTags, undefined);
    assert.equal(fake.imageTransfer.lastImport, undefined);
  });

  test('fromImage without a tag pulls all tags; a digest in tag pulls by digest', async () => {
    const { app, fake } = createFakeServer();
    await app.inject({ method: 'POST', url: '/images/create?fromImage=reg:5000/a/b' });
    assert.equal(fake.imageTransfer.lastPull?.opts.allTags, true);
    assert.equal(fake.imageTransfer.lastPull?.opts.platformRequested, undefined);
    await app.inject({ method: 'POST', url: `/images/create?fromImage=reg:5000/a/b&tag=sha256:${HEX}` });
    assert.deepEqual(fake.imageTransfer.lastPull?.ref, { domain: 'reg:5000', path: 'a/b', digest: `sha256:${HEX}` });
    assert.equal(fake.imageTransfer.lastPull?.opts.allTags, undefined);
  });

  test('a pull that fails before its first message answers with the status of the error', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.pullScript = { progress: [], error: new EngineError('not-found', 'manifest for x:y not found: manifest unknown: manifest unknown') };
    assertErrorResponse(await app.inject({ method: 'POST', url: '/images/create?fromImage=x&tag=y' }), 404, /manifest unknown/);
  });

  test('fromSrc as a URL → 501', async () => {
    const { app } = createFakeServer();
    assertErrorResponse(await app.inject({ method: 'POST', url: '/images/create?fromSrc=http://example.com/rootfs.tar' }), 501, /fromSrc=-/);
  });

  test('a bad platform → 400 before the import starts', async () => {
    const { app } = createFakeServer();
    assertErrorResponse(await app.inject({ method: 'POST', url: '/images/create?fromSrc=-&platform=linux//', payload: 'x' }), 400, /unknown operating system/);
  });

  test('an import refused before progress → its status; after progress → in-band', async () => {
    const { app, fake } = createFakeServer();
    fake.imageTransfer.importScript = { progress: [], error: new EngineError('invalid-argument', 'dockerfile parse error: unknown instruction: FOO') };
    assertErrorResponse(
      await app.inject({ method: 'POST', url: '/images/create?fromSrc=-&changes=FOO', payload: 'x' }),
      400,
      'dockerfile parse error: unknown instruction: FOO',
    );

    fake.imageTransfer.importScript = { progress: [{ status: 'Importing', current: 1 }], error: new Error('unexpected EOF') };
    const res = await app.inject({ method: 'POST', url: '/images/create?fromSrc=-', payload: 'x' });
    assert.equal(res.statusCode, 200);
    const msgs = jsonLines(res.body);
    assert.deepEqual(msgs[msgs.length - 1], { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' });
  });
});
