import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from '../containers/container-record.js';
import { lookupAddress, lookupName, visibleEndpoints } from './network-names.js';
import type { NetworkRecord } from './network-store.js';

const net = (id: string, name: string, predefined = false): NetworkRecord =>
  ({ id, name, predefined, driver: 'bridge', ipam: { driver: 'default', options: {}, config: [] } }) as unknown as NetworkRecord;
const nets = [net('n1', 'front'), net('n2', 'back'), net('n0', 'bridge', true)];

function container(id: string, name: string, eps: Record<string, [string, string]>, aliases: Record<string, string[]> = {}): ContainerRecord {
  const endpoints = Object.fromEntries(
    Object.entries(eps).map(([netName, [networkId, ip]]) => [netName, { networkId, ip, endpointId: '', prefixLen: 24, gateway: '', mac: '', ifname: '', hostIf: '' }]),
  );
  return {
    id,
    name,
    spec: { endpoints: Object.fromEntries(Object.entries(aliases).map(([k, v]) => [k, { aliases: v }])) },
    state: { network: { sandbox: '', endpoints, ports: [] } },
  } as unknown as ContainerRecord;
}

const web = container('aaaaaaaaaaaa1111', 'web', { front: ['n1', '10.1.0.2'] }, { front: ['www'] });
const db = container('bbbbbbbbbbbb2222', 'db', { back: ['n2', '10.2.0.2'] });
const app = container('cccccccccccc3333', 'app', { front: ['n1', '10.1.0.3'], back: ['n2', '10.2.0.3'] });
const plain = container('dddddddddddd4444', 'plain', { bridge: ['n0', '172.17.0.2'] });
const all = [web, db, app, plain];
const byId = (id: string): NetworkRecord | undefined => nets.find((n) => n.id === id);

test('a container sees names on every user network it is on, not others', () => {
  const fromApp = visibleEndpoints(all, byId, nets[0]!, '10.1.0.3');
  assert.deepEqual(lookupName(fromApp, 'db'), ['10.2.0.2']);
  assert.deepEqual(lookupName(fromApp, 'www'), ['10.1.0.2']);
  assert.deepEqual(lookupName(fromApp, 'aaaaaaaaaaaa'), ['10.1.0.2']);
  const fromWeb = visibleEndpoints(all, byId, nets[0]!, '10.1.0.2');
  assert.equal(lookupName(fromWeb, 'db'), undefined, 'db is on a network web is not on');
});

test('the default bridge has no names; PTR names container.network', () => {
  const fromPlain = visibleEndpoints(all, byId, nets[2]!, '172.17.0.2');
  assert.equal(lookupName(fromPlain, 'plain'), undefined);
  const fromApp = visibleEndpoints(all, byId, nets[0]!, '10.1.0.3');
  assert.deepEqual(lookupAddress(fromApp, '10.2.0.2'), ['db.back']);
  assert.equal(lookupAddress(fromApp, '10.9.9.9'), undefined);
});
