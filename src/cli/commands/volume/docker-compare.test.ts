// The volume commands against the real docker CLI 28: each command line runs through docker
// and through berth against the same stub daemon, and both must send the same requests (method,
// path, query, body bytes) and print the same bytes with the same exit code. Skipped where the
// docker CLI is not installed; the other tests in this folder hold docker's recorded output.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerMissing, runBerth, runDocker } from '../network/testing/compare.js';
import { volumeDaemon } from './testing/stub-daemon.js';

const CASES: { argv: string[]; stdin?: string }[] = [
  { argv: ['volume', 'create'] },
  { argv: ['volume', 'create', '--label', 'k=v', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-d', 'local', 'new'] },
  { argv: ['volume', 'create', '--name', 'x'] },
  { argv: ['volume', 'create', '--opt', 'a', '--label', 'l', 'a'] },
  { argv: ['volume', 'create', '-d', 'nfs', 'x'] },
  { argv: ['volume', 'create', 'a', 'b'] },
  { argv: ['volume', 'create', '--label', '=x', 'a'] },
  { argv: ['volume', 'ls'] },
  { argv: ['volume', 'list', '-q', '-f', 'name=d', '-f', 'dangling=true'] },
  { argv: ['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}} {{.Labels}} {{.Links}} {{.Size}} {{.Label "a"}} {{.Group}} {{.Availability}} {{.Status}}'] },
  { argv: ['volume', 'ls', '--format', 'table {{.Name}}\\t{{.Mountpoint}}\\t{{.Links}}'] },
  { argv: ['volume', 'ls', '--format', 'json'] },
  { argv: ['volume', 'ls', '--format', 'raw'] },
  { argv: ['volume', 'ls', '-q', '--format', '{{.Driver}}'] },
  { argv: ['volume', 'ls', '--cluster'] },
  { argv: ['volume', 'ls', '-f', 'bad'] },
  { argv: ['volume', 'ls', 'extra'] },
  { argv: ['volume', 'inspect', 'data'] },
  { argv: ['volume', 'inspect', '-f', '{{.Name}} {{.Options}}', 'data', 'nope', 'cache'] },
  { argv: ['volume', 'inspect', '--format', 'json', 'data'] },
  { argv: ['volume', 'inspect'] },
  { argv: ['volume', 'inspect', '-f', '{{', 'data'] },
  { argv: ['volume', 'rm', 'data', 'nope', 'busy', 'cache'] },
  { argv: ['volume', 'remove', '-f', 'nope', 'data'] },
  { argv: ['volume', 'rm'] },
  { argv: ['volume', 'prune'], stdin: 'y\n' },
  { argv: ['volume', 'prune'], stdin: 'n\n' },
  { argv: ['volume', 'prune', '-a'], stdin: 'y\n' },
  { argv: ['volume', 'prune', '-a', '-f', '--filter', 'label=a'] },
  { argv: ['volume', 'prune', '-f', '--filter', 'all=true'] },
  { argv: ['volume', 'prune', '--filter', 'bad'] },
];

test('berth volume … sends and prints what docker volume … does', { skip: dockerMissing() }, async (t) => {
  for (const c of CASES) {
    const docker = await runDocker(t, volumeDaemon(), c.argv, c.stdin);
    const ours = await runBerth(t, volumeDaemon(), c.argv, c.stdin);
    assert.deepEqual(ours, docker, c.argv.join(' '));
  }
});
