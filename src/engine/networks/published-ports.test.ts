// Host ports for -p/-P checked against real sockets on 127.0.0.1.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { ContainerRecord, EndpointState } from '../containers/container-record.js';
import { bindPorts, toForward } from './published-ports.js';

const ep = { ip: '10.1.0.2', endpointId: 'e'.repeat(64) } as EndpointState;

function rec(portBindings: Record<string, { hostIp: string; hostPort: string }[]>, publishAll = false, exposed: string[] = []): ContainerRecord {
  return {
    name: 'web',
    spec: { exposedPorts: Object.fromEntries(exposed.map((p) => [p, {}])), host: { portBindings, publishAllPorts: publishAll } },
  } as unknown as ContainerRecord;
}

test('a free port is chosen for an empty host port and for -P; a given one is kept', async () => {
  const r = await bindPorts(rec({ '80/tcp': [{ hostIp: '127.0.0.1', hostPort: '' }] }, true, ['80/tcp', '53/udp']), ep, []);
  assert.equal(r.bindings.length, 2);
  assert.equal(r.bindings[0]!.hostIp, '127.0.0.1');
  assert.ok(Number(r.bindings[0]!.hostPort) > 0);
  assert.deepEqual(r.bindings[1], { containerPort: '53/udp', hostIp: '0.0.0.0', hostPort: r.bindings[1]!.hostPort });
  assert.equal(r.forwards[1]!.hostIp, undefined, '0.0.0.0 means every local address');
  assert.equal(r.forwards[0]!.port, 80);
});

test('a port another process holds, or another container has, is refused in Docker words', async () => {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as { port: number }).port;
  try {
    await assert.rejects(
      bindPorts(rec({ '80/tcp': [{ hostIp: '127.0.0.1', hostPort: String(port) }] }), ep, []),
      /Bind for 127\.0\.0\.1:\d+ failed: port is already allocated/,
    );
  } finally {
    srv.close();
  }
  const taken = [{ proto: 'tcp' as const, hostPort: 40123, address: 1, port: 80 }];
  await assert.rejects(bindPorts(rec({ '80/tcp': [{ hostIp: '', hostPort: '40123' }] }), ep, taken), /port is already allocated/);
  // The same port over UDP is another port.
  const udp = await bindPorts(rec({ '80/udp': [{ hostIp: '127.0.0.1', hostPort: '40123' }] }), ep, taken);
  assert.equal(udp.bindings[0]!.hostPort, '40123');
});

test('a range takes its first free port; bad specs are 400s', async () => {
  const taken = [{ proto: 'tcp' as const, hostPort: 40200, address: 1, port: 80 }];
  const r = await bindPorts(rec({ '80/tcp': [{ hostIp: '127.0.0.1', hostPort: '40200-40210' }] }), ep, taken);
  assert.notEqual(r.bindings[0]!.hostPort, '40200');
  await assert.rejects(bindPorts(rec({ '80/tcp': [{ hostIp: '', hostPort: '70000' }] }), ep, []), /invalid port specification/);
  await assert.rejects(bindPorts(rec({ '80/sctp': [{ hostIp: '', hostPort: '' }] }), ep, []), /invalid proto: sctp/);
});

test('a recorded binding turns back into its DNAT target', () => {
  const state = { sandbox: '', ports: [], endpoints: { bridge: { ...ep } } } as unknown as Parameters<typeof toForward>[1];
  assert.deepEqual(toForward({ containerPort: '53/udp', hostIp: '0.0.0.0', hostPort: '5353' }, state), {
    proto: 'udp',
    hostPort: 5353,
    address: ((10 << 24) | (1 << 16) | 2) >>> 0,
    port: 53,
  });
});
