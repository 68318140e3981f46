// A network's DNS server on 127.0.0.1 (a free port): A, AAAA and PTR answers over UDP and TCP,
// SERVFAIL when a name is not ours and there is no upstream, forwarding to an upstream, and
// garbage ignored.

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { pino } from 'pino';
import { DnsServer } from './dns-server.js';

const log = pino({ level: 'silent' });

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** dns-packet's types leave out the decoded response code. */
type Answer = dnsPacket.Packet & { rcode?: string };

function askUdp(port: number, q: dnsPacket.Question): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error('no answer'));
    }, 2000);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(dnsPacket.decode(m) as Answer);
    });
    s.send(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [q] }), port, '127.0.0.1');
  });
}

function askTcp(port: number, q: dnsPacket.Question): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const c = connect({ host: '127.0.0.1', port }, () => c.write(dnsPacket.streamEncode({ type: 'query', id: 9, questions: [q] })));
    let buf = Buffer.alloc(0);
    c.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        c.destroy();
        resolve(dnsPacket.streamDecode(buf) as Answer);
      }
    });
    c.on('error', reject);
  });
}

describe('DnsServer', () => {
  let ours: DnsServer;
  let upstream: DnsServer;
  let port: number;
  before(async () => {
    const upPort = await freeUdpPort();
    upstream = await DnsServer.listen({
      address: '127.0.0.1',
      port: upPort,
      lookup: (name) => (name === 'example.test' ? ['192.0.2.7'] : undefined),
      reverse: () => undefined,
      upstream: [],
      log,
    });
    port = await freeUdpPort();
    ours = await DnsServer.listen({
      address: '127.0.0.1',
      port,
      lookup: (name) => (name === 'web' ? ['10.1.0.2'] : undefined),
      reverse: (address) => (address === '10.1.0.2' ? ['web.appnet'] : undefined),
      upstream: [`127.0.0.1:${upPort}`],
      log,
    });
  });
  after(() => {
    ours.close();
    upstream.close();
  });

  test('A over UDP and TCP; AAAA of a known name is empty', async () => {
    for (const ask of [askUdp, askTcp]) {
      const r = await ask(port, { type: 'A', name: 'web' });
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(r.answers?.map((a) => (a as dnsPacket.StringAnswer).data), ['10.1.0.2']);
    }
    const aaaa = await askUdp(port, { type: 'AAAA', name: 'web' });
    assert.equal(aaaa.rcode, 'NOERROR');
    assert.deepEqual(aaaa.answers, []);
  });

  test('PTR names the container on its network', async () => {
    const r = await askUdp(port, { type: 'PTR', name: '2.0.1.10.in-addr.arpa' });
    assert.deepEqual(r.answers?.map((a) => (a as dnsPacket.StringAnswer).data), ['web.appnet']);
  });

  test('other names go to the upstream, over the transport they came by', async () => {
    for (const ask of [askUdp, askTcp]) {
      const r = await ask(port, { type: 'A', name: 'example.test' });
      assert.deepEqual(r.answers?.map((a) => (a as dnsPacket.StringAnswer).data), ['192.0.2.7']);
    }
  });

  test('a name nobody knows, with no upstream left: SERVFAIL', async () => {
    const r = await askUdp(port, { type: 'A', name: 'elsewhere.test' });
    assert.equal(r.rcode, 'SERVFAIL');
  });

  test('garbage gets no answer and does not stop the server', async () => {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.send(Buffer.from('not dns'), port, '127.0.0.1', () => resolve()));
    s.close();
    assert.equal((await askUdp(port, { type: 'A', name: 'web' })).rcode, 'NOERROR');
  });
});
