import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointsFor, isInsecure, registryHost } from './registry-hosts.js';

const none = { insecureRegistries: [], registryMirrors: [] };

test('docker.io is served by registry-1.docker.io over HTTPS only', () => {
  assert.equal(registryHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryHost('reg.example:5000'), 'reg.example:5000');
  assert.deepEqual(endpointsFor('docker.io', none), [{ base: 'https://registry-1.docker.io', skipTlsVerify: false, mirror: false }]);
});

test('loopback registries are insecure: HTTPS without verification first, then HTTP', () => {
  assert.deepEqual(endpointsFor('127.0.0.1:5000', none), [
    { base: 'https://127.0.0.1:5000', skipTlsVerify: true, mirror: false },
    { base: 'http://127.0.0.1:5000', skipTlsVerify: false, mirror: false },
  ]);
  assert.equal(isInsecure('localhost:5000', none), true);
  assert.equal(isInsecure('127.9.9.9', none), true);
  assert.equal(isInsecure('[::1]:5000', none), true);
  assert.equal(isInsecure('10.0.0.1:5000', none), false);
});

test('insecure-registries: host, host:port and CIDR entries', () => {
  const cfg = { insecureRegistries: ['reg.lan', 'other.lan:5000', '10.1.0.0/16', 'http://scheme.lan/'], registryMirrors: [] };
  assert.equal(isInsecure('reg.lan:443', cfg), true);
  assert.equal(isInsecure('other.lan:5000', cfg), true);
  assert.equal(isInsecure('other.lan:6000', cfg), false);
  assert.equal(isInsecure('10.1.2.3:5000', cfg), true);
  assert.equal(isInsecure('10.2.0.1', cfg), false);
  assert.equal(isInsecure('scheme.lan', cfg), true);
});

test('registry-mirrors come first for Docker Hub pulls only', () => {
  const cfg = { insecureRegistries: [], registryMirrors: ['https://mirror.lan/', 'http://127.0.0.1:5001'] };
  assert.deepEqual(
    endpointsFor('docker.io', cfg).map((e) => [e.base, e.mirror, e.skipTlsVerify]),
    [
      ['https://mirror.lan', true, false],
      ['http://127.0.0.1:5001', true, true],
      ['https://registry-1.docker.io', false, false],
    ],
  );
  assert.equal(endpointsFor('docker.io', cfg, { push: true }).length, 1);
  assert.equal(endpointsFor('quay.io', cfg).length, 1);
});
