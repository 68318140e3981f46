// The network commands against the real docker CLI 28: each command line runs through docker
// and through berth against the same stub daemon, and both must send the same requests (method,
// path, query, body bytes) and print the same bytes with the same exit code. Skipped where the
// docker CLI is not installed; the other tests in this folder hold docker's recorded output.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerMissing, runBerth, runDocker } from './testing/compare.js';
import { networkDaemon } from './testing/stub-daemon.js';

const CASES: { argv: string[]; stdin?: string }[] = [
  { argv: ['network', 'ls'] },
  { argv: ['network', 'list', '-q'] },
  { argv: ['network', 'ls', '--no-trunc', '-f', 'name=my', '-f', 'driver=bridge', '-f', 'name=br'] },
  { argv: ['network', 'ls', '--format', 'json'] },
  { argv: ['network', 'ls', '--format', 'table {{.Name}}\\t{{.IPv4}}\\t{{.IPv6}}\\t{{.Internal}}\\t{{.Labels}}\\t{{.CreatedAt}}'] },
  { argv: ['network', 'ls', '--format', '{{.Name}} {{.Label "a"}}'] },
  { argv: ['network', 'ls', '-q', '--format', '{{.Name}}'] },
  { argv: ['network', 'ls', '--format', 'raw'] },
  { argv: ['network', 'ls', '-q', '--format', 'raw'] },
  { argv: ['network', 'ls', '--format', '{{.Nope}}'] },
  { argv: ['network', 'ls', '-f', 'bad'] },
  { argv: ['network', 'ls', 'extra'] },
  { argv: ['network', 'inspect', 'mynet'] },
  { argv: ['network', 'inspect', '-v', '-f', '{{.Name}} {{.Driver}}', 'mynet', 'nope', 'bridge'] },
  { argv: ['network', 'inspect', '--format', 'json', 'mynet'] },
  { argv: ['network', 'inspect', 'nope'] },
  { argv: ['network', 'inspect', '-f', '{{.Nope}}', 'mynet'] },
  { argv: ['network', 'inspect', '-f', '{{', 'mynet'] },
  { argv: ['network', 'inspect'] },
  { argv: ['network', 'create', 'new'] },
  { argv: ['network', 'create', 'mynet'] },
  {
    argv: ['network', 'create', '-d', 'bridge', '--subnet', '10.1.0.0/16', '--gateway', '10.1.0.1', '--ip-range', '10.1.1.0/24', '--aux-address', 'a=10.1.0.5',
      '--internal', '--label', 'k=v', '--label', 'k2', '--attachable', '-o', 'com.x=1', '-o', 'a', '--ipam-driver', 'default', '--ipam-opt', 'io=2', '--ipv6', '--scope', 'local', '--ingress', 'new'],
  },
  { argv: ['network', 'create', '--config-only', '--ipv4=false', 'cfg'] },
  { argv: ['network', 'create', '--config-from', 'cfg', '--subnet', 'fd00::/64', '--gateway', 'fd00::1', 'new'] },
  { argv: ['network', 'create', '--gateway', '10.0.0.1', 'new'] },
  { argv: ['network', 'create', '--subnet', '10.0.0.0/16', '--gateway', '10.9.0.1', 'new'] },
  { argv: ['network', 'create', '--subnet', '10.0.0.0/16,10.1.0.0/16', '--gateway', '10.0.0.1', '--gateway', '10.0.0.2', 'new'] },
  { argv: ['network', 'create', '--subnet', '10.0.0.0/16', '--subnet', '10.0.0.0/24', 'new'] },
  { argv: ['network', 'create', '--subnet', '10.0.0.0/16', '--subnet', 'bad', 'new'] },
  { argv: ['network', 'create', '--subnet', '10.0.0.0/16', '--ip-range', 'bad', 'new'] },
  { argv: ['network', 'create', '--subnet', '10.0.0.0/16', '--aux-address', 'x=10.9.0.1', 'new'] },
  { argv: ['network', 'create', '--label', '=x', 'new'] },
  { argv: ['network', 'create', 'a', 'b'] },
  { argv: ['network', 'rm', 'mynet', 'nope', 'busy', 'bridge'] },
  { argv: ['network', 'remove', '-f', 'nope', 'mynet'] },
  { argv: ['network', 'rm', 'ingress', 'mynet'], stdin: 'n\n' },
  { argv: ['network', 'rm'] },
  { argv: ['network', 'prune'], stdin: 'y\n' },
  { argv: ['network', 'prune'], stdin: 'n\n' },
  { argv: ['network', 'prune', '-f', '--filter', 'until=1h', '--filter', 'label=a'] },
  { argv: ['network', 'prune', '--filter', 'bad'] },
  { argv: ['network', 'connect', 'mynet', 'web'] },
  {
    argv: ['network', 'connect', '--ip', '10.0.0.5', '--ip6', 'fd00::5', '--alias', 'a1', '--alias', 'a2,a3', '--link', 'other:al', '--link-local-ip', '169.254.1.1',
      '--driver-opt', 'k=v', '--driver-opt', ' k2 = v2 ', '--gw-priority', '5', 'mynet', 'web'],
  },
  { argv: ['network', 'connect', '--alias', '"a,b",c', '--alias', '"a""b"', '--driver-opt', '"k=v,w",x=y', 'mynet', 'web'] },
  { argv: ['network', 'connect', '--alias', 'x,"a', 'mynet', 'web'] },
  { argv: ['network', 'connect', 'nope', 'web'] },
  { argv: ['network', 'connect', '--driver-opt', 'k', 'mynet', 'web'] },
  { argv: ['network', 'connect', '--link', 'a:b:c', 'mynet', 'web'] },
  { argv: ['network', 'connect', '--gw-priority', 'x', 'mynet', 'web'] },
  { argv: ['network', 'connect', 'mynet'] },
  { argv: ['network', 'disconnect', 'mynet', 'web'] },
  { argv: ['network', 'disconnect', '-f', 'mynet', 'web'] },
  { argv: ['network', 'disconnect', 'nope', 'web'] },
];

test('berth network … sends and prints what docker network … does', { skip: dockerMissing() }, async (t) => {
  for (const c of CASES) {
    const docker = await runDocker(t, networkDaemon(), c.argv, c.stdin);
    const ours = await runBerth(t, networkDaemon(), c.argv, c.stdin);
    assert.deepEqual(ours, docker, c.argv.join(' '));
  }
});
