// The DNS server of one user-defined network, inside berthd, answering on the network's gateway
// address: containers' names, aliases and short IDs resolve to their addresses on that network;
// other names are forwarded to the host's resolvers (not for --internal networks, which have no
// way out). UDP, and TCP for resolvers that retry there after a truncated answer (a large
// forwarded one). dns-packet does the wire format.

import { type Socket, createSocket } from 'node:dgram';
import { type Server, type Socket as NetSocket, connect, createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type DnsPacket from 'dns-packet';
import type { Logger } from 'pino';

/** Addresses of a name as the asker (by its address) sees it; undefined: not one of ours. */
export type NameLookup = (name: string, from: string) => string[] | undefined;

/** Names of an address as the asker sees them (PTR); undefined: not one of ours. */
export type AddressLookup = (address: string, from: string) => string[] | undefined;

export interface DnsServerOptions {
  address: string;
  port?: number;
  lookup: NameLookup;
  reverse: AddressLookup;
  /** Resolvers for other names (`address` or IPv4 `address:port`); empty: answer SERVFAIL. */
  upstream: string[];
  log: Logger;
}

const TTL = 600;
const FORWARD_TIMEOUT_MS = 3000;

export class DnsServer {
  private tcp: Server | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly opts: DnsServerOptions,
  ) {}

  static async listen(opts: DnsServerOptions): Promise<DnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 53, opts.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const server = new DnsServer(socket, opts);
    socket.on('message', (msg, from) => {
      void server.answer(msg, from.address, 'udp').then((reply) => reply && socket.send(reply, from.port, from.address));
    });
    socket.on('error', (err) => opts.log.warn({ err }, 'dns server socket error'));
    const tcp = createServer((conn) => server.serveStream(conn));
    await new Promise<void>((resolve) => {
      tcp.once('error', (err) => {
        // UDP alone still answers what fits in a datagram.
        opts.log.warn({ err }, 'dns server: no TCP listener');
        resolve();
      });
      tcp.listen(socket.address().port, opts.address, () => {
        server.tcp = tcp;
        resolve();
      });
    });
    return server;
  }

  close(): void {
    this.socket.close();
    this.tcp?.close();
  }

  /** DNS over TCP: each message prefixed by its 2-byte length, several per connection. */
  private serveStream(conn: NetSocket): void {
    let buf = Buffer.alloc(0);
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void this.answer(Buffer.from(msg), conn.remoteAddress ?? '', 'tcp').then((reply) => {
          if (!reply || conn.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          conn.write(Buffer.concat([len, reply]));
        });
      }
    });
  }

  private async answer(msg: Buffer, fromAddress: string, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const dnsPacket = loadDnsPacket();
    let query: DnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined; // not DNS: no answer, as resolvers do
    }
    const q = query.questions?.[0];
    if (!q) return undefined;
    const name = q.name.replace(/\.$/, '').toLowerCase();
    const ptr = q.type === 'PTR' ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name) : null;
    const names = ptr ? this.opts.reverse(`${ptr[4]}.${ptr[3]}.${ptr[2]}.${ptr[1]}`, fromAddress) : undefined;
    const addresses = ptr ? undefined : this.opts.lookup(name, fromAddress);
    this.opts.log.debug({ name, type: q.type, from: fromAddress, transport, addresses, names }, 'dns query');
    let reply: Buffer;
    if (names) {
      const answers = names.map((data) => ({ type: 'PTR' as const, name: q.name, class: 'IN' as const, ttl: TTL, data }));
      reply = dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [q], answers });
    } else if (addresses) {
      const answers =
        q.type === 'A' || (q.type as string) === 'ANY'
          ? addresses.map((data) => ({ type: 'A' as const, name: q.name, class: 'IN' as const, ttl: TTL, data }))
          : [];
      reply = dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [q], answers });
    } else {
      reply = (await this.forward(msg, transport)) ?? dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 2 /* SERVFAIL */, questions: [q] });
    }
    return reply;
  }

  /** Asks the upstream resolvers in turn, over the transport the query came by; undefined when none answers. */
  private async forward(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    for (const upstream of this.opts.upstream) {
      const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(upstream);
      const [server, port] = m ? [m[1]!, Number(m[2])] : [upstream, 53];
      const reply = await (transport === 'udp' ? askUdp(server, port, msg) : askTcp(server, port, msg));
      if (reply) return reply;
    }
    return undefined;
  }
}

function askUdp(server: string, port: number, msg: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => done(undefined), FORWARD_TIMEOUT_MS);
    const done = (b: Buffer | undefined): void => {
      clearTimeout(timer);
      s.close();
      resolve(b);
    };
    s.on('message', (b) => done(b));
    s.on('error', () => done(undefined));
    s.send(msg, port, server);
  });
}

function askTcp(server: string, port: number, msg: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length);
    const conn = connect({ host: server, port }, () => conn.write(Buffer.concat([len, msg])));
    let buf = Buffer.alloc(0);
    const done = (b: Buffer | undefined): void => {
      conn.destroy();
      resolve(b);
    };
    conn.setTimeout(FORWARD_TIMEOUT_MS, () => done(undefined));
    conn.on('error', () => done(undefined));
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    conn.on('end', () => done(undefined));
  });
}

/** The host's nameservers, for forwarding (loopback ones work: berthd runs on the host). */
export async function hostNameservers(path = '/etc/resolv.conf'): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
}

let dnsPacketModule: typeof DnsPacket | undefined;

/** Loaded with the first query: a daemon without user networks never needs it (idle RSS). */
function loadDnsPacket(): typeof DnsPacket {
  dnsPacketModule ??= createRequire(import.meta.url)('dns-packet') as typeof DnsPacket;
  return dnsPacketModule;
}
