// /networks routes through inject(): the create and connect bodies as dockerd decodes
// them, the wire shape, and errors with their statuses.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineError } from '../../core/errors.js';
import type { NetworkCreateRequest } from '../../engine/networks/network-service.js';
import type { NetworkRecord } from '../../engine/networks/network-store.js';
import { assertErrorResponse, createFakeServer, fakeBackends } from '../testing/fake-backends.js';

const NET: NetworkRecord = {
  id: 'a'.repeat(64),
  name: 'appnet',
  driver: 'bridge',
  created: '2026-11-29T10:00:00.000Z',
  internal: false,
  attachable: false,
  labels: { team: 'x' },
  options: {},
  ipam: { driver: 'default', options: {}, config: [{ subnet: '10.1.0.0/24', gateway: '10.1.0.1' }] },
  bridge: 'br-aaaaaaaaaaaa',
  predefined: false,
};

function server() {
  const fake = fakeBackends();
  const created: NetworkCreateRequest[] = [];
  const connects: unknown[][] = [];
  fake.networks = {
    list: () => [NET],
    resolve: (ref) => {
      if (ref === 'appnet' || ref === NET.id) return NET;
      throw new EngineError('not-found', `network ${ref} not found`);
    },
    attached: () => [],
    create: async (req) => {
      if (req.name === 'bridge') throw new EngineError('permission-denied', 'operation is not permitted on predefined bridge network');
      created.push(req);
      return { id: 'b'.repeat(64), warning: '' };
    },
    remove: async () => undefined,
    prune: async () => ['appnet'],
  };
  fake.containers.connect = async (...args) => void connects.push(args);
  return { ...createFakeServer(fake), created, connects };
}

describe('/networks', () => {
  test('GET /networks lists the wire shape', async () => {
    const { app } = server();
    const res = await app.inject({ method: 'GET', url: '/networks' });
    assert.equal(res.statusCode, 200);
    const [n] = JSON.parse(res.body);
    assert.equal(n.Name, 'appnet');
    assert.equal(n.Scope, 'local');
    assert.deepEqual(n.IPAM.Config, [{ Subnet: '10.1.0.0/24', Gateway: '10.1.0.1' }]);
    assert.deepEqual(n.Containers, {});
    assert.deepEqual(n.Labels, { team: 'x' });
  });

  test('GET /networks/{id}: 404 in Docker words for an unknown one', async () => {
    const { app } = server();
    assertErrorResponse(await app.inject({ method: 'GET', url: '/networks/nope' }), 404, 'network nope not found');
  });

  test('POST /networks/create decodes the body; 201 with Id and Warning', async () => {
    const { app, created } = server();
    const res = await app.inject({
      method: 'POST',
      url: '/networks/create',
      payload: { Name: 'n1', Internal: true, Labels: { a: 'b' }, IPAM: { Config: [{ Subnet: '10.2.0.0/16', IPRange: '10.2.1.0/24', Gateway: '10.2.0.254' }] }, Options: { 'com.docker.network.bridge.name': 'brx' } },
    });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(JSON.parse(res.body), { Id: 'b'.repeat(64), Warning: '' });
    assert.equal(created[0]!.internal, true);
    assert.deepEqual(created[0]!.ipam.config, [{ subnet: '10.2.0.0/16', ipRange: '10.2.1.0/24', gateway: '10.2.0.254' }]);
    assert.equal(created[0]!.options['com.docker.network.bridge.name'], 'brx');
  });

  test('POST /networks/create: bad JSON and wrong types are 400; a predefined name is 403', async () => {
    const { app } = server();
    assertErrorResponse(await app.inject({ method: 'POST', url: '/networks/create', headers: { 'content-type': 'application/json' }, payload: '{"Name":' }), 400, /invalid JSON|Unexpected end/);
    assertErrorResponse(await app.inject({ method: 'POST', url: '/networks/create', payload: { Name: 5 } }), 400, /cannot unmarshal number/);
    assertErrorResponse(await app.inject({ method: 'POST', url: '/networks/create', payload: { Name: 'bridge' } }), 403, /predefined bridge network/);
  });

  test('POST /networks/{id}/connect passes the endpoint config', async () => {
    const { app, connects } = server();
    const res = await app.inject({ method: 'POST', url: '/networks/appnet/connect', payload: { Container: 'c1', EndpointConfig: { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.1.0.9' } } } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(connects[0], ['c1', 'appnet', { aliases: ['db'], ipv4Address: '10.1.0.9' }]);
    assertErrorResponse(await app.inject({ method: 'POST', url: '/networks/appnet/connect', payload: {} }), 400, 'container is required');
  });

  test('POST /networks/prune and DELETE /networks/{id}', async () => {
    const { app } = server();
    const pruned = await app.inject({ method: 'POST', url: '/networks/prune' });
    assert.deepEqual(JSON.parse(pruned.body), { NetworksDeleted: ['appnet'] });
    assert.equal((await app.inject({ method: 'DELETE', url: '/networks/appnet' })).statusCode, 204);
  });
});
