// Configuration merging and the access-list rules, without a server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AccessRule, grantedActions, parseScope } from './auth.js';
import { resolveConfig } from './config.js';

test('flags override the file; defaults fill the rest', () => {
  const c = resolveConfig({ addr: '0.0.0.0:6000', root: '/srv/a', auth: { mode: 'htpasswd', htpasswd: '/h' } }, { root: '/srv/b' });
  assert.deepEqual(c.addr, { host: '0.0.0.0', port: 6000 });
  assert.equal(c.root, '/srv/b');
  assert.equal(c.auth.mode, 'htpasswd');
  assert.equal(c.auth.token.service, 'berth-registry');
  assert.equal(c.accessLog, '-');
  assert.deepEqual(resolveConfig().addr, { host: '127.0.0.1', port: 5000 });
  assert.deepEqual(resolveConfig({ addr: '[::1]:5001' }).addr, { host: '::1', port: 5001 });
});

test('bad configurations are refused with the setting named', () => {
  assert.throws(() => resolveConfig({ addr: 'nohost' }), /HOST:PORT/);
  assert.throws(() => resolveConfig({ auth: { mode: 'ldap' } }), /auth mode must be one of/);
  assert.throws(() => resolveConfig({ auth: { mode: 'token' } }), /needs an htpasswd file/);
  assert.throws(() => resolveConfig({ tls: { cert: '/c' } }), /both a certificate and a key/);
  assert.throws(
    () => resolveConfig({ auth: { mode: 'htpasswd', htpasswd: '/h', access: [{ account: 'a', repository: '*', actions: ['write'] }] } }),
    /auth\.access\[0\]/,
  );
});

test('scopes parse as Docker sends them, names may hold slashes', () => {
  assert.deepEqual(parseScope('repository:team/app:pull,push'), { type: 'repository', name: 'team/app', actions: ['pull', 'push'] });
  assert.deepEqual(parseScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
  assert.equal(parseScope('repository:onlyname'), undefined);
  assert.equal(parseScope('other:x:pull'), undefined);
});

test('access rules add up per account, with patterns and anonymous access', () => {
  const rules: AccessRule[] = [
    { account: 'ci', repository: '*', actions: ['pull', 'push'] },
    { account: '*', repository: 'team/*', actions: ['pull'] },
    { account: 'anonymous', repository: 'public/*', actions: ['pull'] },
    { account: 'admin', repository: '*', actions: ['*'] },
  ];
  const want = (name: string, ...actions: string[]) => ({ type: 'repository' as const, name, actions });
  assert.deepEqual(grantedActions(rules, 'ci', want('x/y', 'pull', 'push', 'delete')), ['pull', 'push']);
  assert.deepEqual(grantedActions(rules, 'dev', want('team/app', 'pull', 'push')), ['pull']);
  assert.deepEqual(grantedActions(rules, 'dev', want('teams/app', 'pull')), []);
  assert.deepEqual(grantedActions(rules, undefined, want('public/a', 'pull', 'push')), ['pull']);
  assert.deepEqual(grantedActions(rules, undefined, want('team/app', 'pull')), [], '* means signed-in users only');
  assert.deepEqual(grantedActions(rules, 'admin', want('any', 'pull', 'push', 'delete')), ['pull', 'push', 'delete']);
  const catalog = { type: 'registry' as const, name: 'catalog', actions: ['*'] };
  assert.deepEqual(grantedActions(rules, 'admin', catalog), ['*']);
  assert.deepEqual(grantedActions(rules, 'dev', catalog), []);
});
