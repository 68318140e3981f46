import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GROUP, PASSWD, assertThrowsEngine } from './testing/fixtures.js';
import { resolveUser } from './user.js';

const passwd = `${PASSWD}app:x:1000:1000:App:/home/app:/bin/sh\n  \nweird:x:abc:def::\nsecond:x:1000:50::/second:/bin/sh\nshort:x\n`;
const group = `${GROUP}# a comment\n\nwheel:x:10:app,other\napp:x:1000:\nstaff:x:50:app\nempty:x:60:\nbrief:x:70\n`;

describe('resolveUser', () => {
  const table: [string, string, string[], { uid: number; gid: number; additionalGids: number[]; home: string }][] = [
    ['default is root, found in passwd', '', [], { uid: 0, gid: 0, additionalGids: [0], home: '/root' }],
    ['a name', 'app', [], { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: '/home/app' }],
    ['a uid with an entry: the first match wins', '1000', [], { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: '/home/app' }],
    ['a uid without an entry', '4242', [], { uid: 4242, gid: 0, additionalGids: [0], home: '/' }],
    ['uid:gid, numbers without entries', '1000:1000', [], { uid: 1000, gid: 1000, additionalGids: [1000], home: '/home/app' }],
    ['name:group (no supplementary groups in this form)', 'app:wheel', [], { uid: 1000, gid: 10, additionalGids: [10], home: '/home/app' }],
    ['uid:gid unknown to both files', '5000:6000', [], { uid: 5000, gid: 6000, additionalGids: [6000], home: '/' }],
    ['name: (empty group) is the implicit form', 'app:', [], { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: '/home/app' }],
    ['--group-add by number and name, duplicates dropped', '', ['10', 'staff', '10', '777'], { uid: 0, gid: 0, additionalGids: [0, 10, 50, 777], home: '/root' }],
    ['a malformed passwd line reads numbers as 0', 'weird', [], { uid: 0, gid: 0, additionalGids: [0], home: '/' }],
    ['a passwd line with missing fields', 'short', [], { uid: 0, gid: 0, additionalGids: [0], home: '/' }],
    ['a group line without members', '', ['brief'], { uid: 0, gid: 0, additionalGids: [0, 70], home: '/root' }],
  ];
  for (const [name, spec, groupAdd, want] of table) {
    test(name, () => assert.deepEqual(resolveUser(spec, groupAdd, passwd, group), want));
  }

  test('missing files: numbers still work, names do not', () => {
    assert.deepEqual(resolveUser('1000:1000', ['20'], undefined, undefined), { uid: 1000, gid: 1000, additionalGids: [1000, 20], home: '/' });
    assert.deepEqual(resolveUser('', [], undefined, undefined), { uid: 0, gid: 0, additionalGids: [0], home: '/' });
    assertThrowsEngine(() => resolveUser('app', [], undefined, undefined), 'unable to find user app: no matching entries in passwd file');
  });

  test('runc’s errors', () => {
    assertThrowsEngine(() => resolveUser('foo', [], passwd, group), 'unable to find user foo: no matching entries in passwd file');
    assertThrowsEngine(() => resolveUser('app:bar', [], passwd, group), 'unable to find group bar: no matching entries in group file');
    assertThrowsEngine(() => resolveUser('', ['bar'], passwd, group), 'Unable to find group bar: no matching entries in group file');
    assertThrowsEngine(() => resolveUser('2147483648', [], passwd, group), 'uids and gids must be in range 0-2147483647');
    assertThrowsEngine(() => resolveUser('0:-1', [], passwd, group), 'uids and gids must be in range 0-2147483647');
    assertThrowsEngine(() => resolveUser('', ['-5'], passwd, group), 'uids and gids must be in range 0-2147483647');
  });
});
