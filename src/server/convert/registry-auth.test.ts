import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRegistryAuth, loginDomain, toCredentials } from './registry-auth.js';

const enc = (v: unknown, how: 'base64' | 'base64url' = 'base64url'): string => Buffer.from(JSON.stringify(v)).toString(how);

test('X-Registry-Auth: base64url or base64, padding or not; empty config is anonymous', () => {
  const want = { username: 'u', password: 'p?>' };
  assert.deepEqual(decodeRegistryAuth(enc({ username: 'u', password: 'p?>', serveraddress: 'r' })), want);
  assert.deepEqual(decodeRegistryAuth(enc({ username: 'u', password: 'p?>' }, 'base64')), want);
  assert.deepEqual(decodeRegistryAuth(enc({ username: 'u', password: 'p?>' }).replace(/=+$/, '')), want);
  assert.equal(decodeRegistryAuth('e30='), undefined);
  assert.equal(decodeRegistryAuth(undefined), undefined);
  assert.equal(decodeRegistryAuth('%%%not base64'), undefined);
});

test('credentials from auth, identity and registry tokens', () => {
  assert.deepEqual(toCredentials({ auth: Buffer.from('alice:se:cret').toString('base64') }), { username: 'alice', password: 'se:cret' });
  assert.deepEqual(toCredentials({ identitytoken: 'it', registrytoken: 'rt' }), { identityToken: 'it', registryToken: 'rt' });
});

test('serveraddress → registry', () => {
  assert.equal(loginDomain(''), 'docker.io');
  assert.equal(loginDomain('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(loginDomain('docker.io'), 'docker.io');
  assert.equal(loginDomain('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(loginDomain('https://reg.example:5000/v2/'), 'reg.example:5000');
});
