import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configPath, loadAuth, registryAuthHeader, removeAuth, storeAuth } from './docker-config.js';

test('credentials in a docker-compatible config.json, other keys kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dcfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DOCKER_CONFIG: dir };
  assert.equal(configPath(env), join(dir, 'config.json'));
  assert.equal(configPath({ HOME: '/home/x' }), '/home/x/.docker/config.json');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ psFormat: 'table {{.ID}}', auths: { 'other:1': { auth: 'eDp5' } } }));

  await storeAuth(env, '127.0.0.1:5000', { username: 'alice', password: 'se:cret' });
  await storeAuth(env, 'docker.io', { username: 'bob', password: 'pw' });
  const doc = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { psFormat: string; auths: Record<string, { auth: string }> };
  assert.equal(doc.psFormat, 'table {{.ID}}');
  assert.deepEqual(Object.keys(doc.auths).sort(), ['127.0.0.1:5000', 'https://index.docker.io/v1/', 'other:1']);
  assert.equal(doc.auths['127.0.0.1:5000']!.auth, Buffer.from('alice:se:cret').toString('base64'));
  assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);

  assert.deepEqual(await loadAuth(env, '127.0.0.1:5000'), { username: 'alice', password: 'se:cret' });
  assert.deepEqual(await loadAuth(env, 'docker.io'), { username: 'bob', password: 'pw' });
  assert.equal(await loadAuth(env, 'nowhere:1'), undefined);
  const header = JSON.parse(Buffer.from(await registryAuthHeader(env, '127.0.0.1:5000'), 'base64url').toString()) as Record<string, string>;
  assert.deepEqual(header, { username: 'alice', password: 'se:cret', serveraddress: '127.0.0.1:5000' });
  assert.equal(await registryAuthHeader(env, 'nowhere:1'), Buffer.from('{}').toString('base64url'));

  assert.equal(await removeAuth(env, '127.0.0.1:5000'), true);
  assert.equal(await removeAuth(env, '127.0.0.1:5000'), false);
  assert.equal(await loadAuth(env, '127.0.0.1:5000'), undefined);
});
