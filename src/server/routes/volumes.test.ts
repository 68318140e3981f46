// /volumes routes through inject(): the wire shape, the create body as dockerd decodes
// it, prune's API-version rule, errors with their statuses, and system df's Volumes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/errors.js';
import type { VolumeCreateRequest, VolumeDetails } from '../../engine/volumes/volume-service.js';
import { assertErrorResponse, createFakeServer, fakeBackends } from '../testing/fake-backends.js';

const VOL: VolumeDetails = {
  name: 'data',
  driver: 'local',
  created: '2026-11-29T10:00:00Z',
  labels: { team: 'x' },
  options: { type: 'tmpfs', device: 'tmpfs' },
  mountpoint: '/var/lib/berth/volumes/data/_data',
};

function server() {
  const fake = fakeBackends();
  const created: VolumeCreateRequest[] = [];
  const prunes: boolean[] = [];
  const removes: unknown[][] = [];
  fake.volumes = {
    list: () => [VOL],
    inspect: (name) => {
      if (name === 'data') return VOL;
      throw new EngineError('not-found', `get ${name}: no such volume`);
    },
    create: async (req) => {
      created.push(req);
      return { ...VOL, name: req.name, labels: req.labels, options: req.options };
    },
    remove: async (...args) => {
      removes.push(args);
      if (args[0] === 'busy') throw new EngineError('conflict', 'remove busy: volume is in use - [abc]');
    },
    prune: async (_f, opts) => {
      prunes.push(opts.all);
      return { deleted: ['v1'], spaceReclaimed: 42 };
    },
    diskUsage: async () => [{ ...VOL, size: 7, refCount: 2 }],
  };
  return { ...createFakeServer(fake), created, prunes, removes };
}

const WIRE = {
  CreatedAt: '2026-11-29T10:00:00Z',
  Driver: 'local',
  Labels: { team: 'x' },
  Mountpoint: '/var/lib/berth/volumes/data/_data',
  Name: 'data',
  Options: { type: 'tmpfs', device: 'tmpfs' },
  Scope: 'local',
};

describe('/volumes', () => {
  test('GET /volumes and /volumes/{name} answer volume.Volume', async () => {
    const { app } = server();
    const list = await app.inject({ method: 'GET', url: '/v1.44/volumes' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(JSON.parse(list.body), { Volumes: [WIRE], Warnings: null });
    const one = await app.inject({ method: 'GET', url: '/volumes/data' });
    assert.deepEqual(JSON.parse(one.body), WIRE);
    // No labels, no options: null, as dockerd sends its nil maps.
    const bare = JSON.parse((await app.inject({ method: 'POST', url: '/volumes/create', payload: { Name: 'bare' } })).body);
    assert.deepEqual([bare.Labels, bare.Options], [null, null]);
    assertErrorResponse(await app.inject({ method: 'GET', url: '/volumes/nope' }), 404, 'get nope: no such volume');
  });

  test('POST /volumes/create decodes the body and answers 201', async () => {
    const { app, created } = server();
    const res = await app.inject({
      method: 'POST',
      url: '/volumes/create',
      payload: { Name: 'v', Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs' }, Labels: { a: 'b' } },
    });
    assert.equal(res.statusCode, 201);
    assert.equal(JSON.parse(res.body).Name, 'v');
    assert.deepEqual(created, [{ name: 'v', driver: 'local', options: { type: 'tmpfs', device: 'tmpfs' }, labels: { a: 'b' } }]);
    const bad = await app.inject({ method: 'POST', url: '/volumes/create', payload: { Name: 5 } });
    assert.equal(bad.statusCode, 400);
  });

  test('DELETE /volumes/{name}: 204, force, and 409 for a volume in use', async () => {
    const { app, removes } = server();
    assert.equal((await app.inject({ method: 'DELETE', url: '/volumes/data?force=1' })).statusCode, 204);
    assert.deepEqual(removes[0], ['data', { force: true }]);
    assertErrorResponse(await app.inject({ method: 'DELETE', url: '/volumes/busy' }), 409, 'remove busy: volume is in use - [abc]');
  });

  test('POST /volumes/prune: every unused volume before API 1.42, the filters decide since', async () => {
    const { app, prunes } = server();
    const res = await app.inject({ method: 'POST', url: '/v1.44/volumes/prune' });
    assert.deepEqual(JSON.parse(res.body), { VolumesDeleted: ['v1'], SpaceReclaimed: 42 });
    await app.inject({ method: 'POST', url: '/v1.41/volumes/prune' });
    assert.deepEqual(prunes, [false, true]);
  });

  test('GET /system/df lists volumes with UsageData', async () => {
    const { app } = server();
    const df = JSON.parse((await app.inject({ method: 'GET', url: '/system/df' })).body);
    assert.deepEqual(df.Volumes, [{ ...WIRE, UsageData: { Size: 7, RefCount: 2 } }]);
  });
});
