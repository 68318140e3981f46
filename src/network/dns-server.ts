// The DNS server of one user-defined network, inside berthd, answering on the network's gateway
// address: containers' names, aliases and short IDs resolve to their addresses on that network;
// other names are forwarded to the host's resolvers (not for --internal networks, which have no
// way out). UDP only, as the answers are small. dns-packet does the wire format.

import { type RemoteInfo, type Socket, createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import dnsPacket from 'dns-packet';
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
  /** Resolvers for other names; empty: answer SERVFAIL. */
  upstream: string[];
  log: Logger;
}

const TTL = 600;
const FORWARD_TIMEOUT_MS = 3000;

export class DnsServer {
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
    socket.on('message', (msg, from) => void server.answer(msg, from));
    socket.on('error', (err) => opts.log.warn({ err }, 'dns server socket error'));
    return server;
  }

  close(): void {
    this.socket.close();
  }

  private async answer(msg: Buffer, from: RemoteInfo): Promise<void> {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: no answer, as resolvers do
    }
    const q = query.questions?.[0];
    if (!q) return;
    const name = q.name.replace(/\.$/, '').toLowerCase();
    const ptr = q.type === 'PTR' ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name) : null;
    const names = ptr ? this.opts.reverse(`${ptr[4]}.${ptr[3]}.${ptr[2]}.${ptr[1]}`, from.address) : undefined;
    const addresses = ptr ? undefined : this.opts.lookup(name, from.address);
    this.opts.log.debug({ name, type: q.type, from: from.address, addresses, names }, 'dns query');
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
      reply = (await this.forward(msg)) ?? dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | 2 /* SERVFAIL */, questions: [q] });
    }
    this.socket.send(reply, from.port, from.address);
  }

  /** Asks the upstream resolvers in turn; undefined when none answers. */
  private async forward(msg: Buffer): Promise<Buffer | undefined> {
    for (const server of this.opts.upstream) {
      const reply = await new Promise<Buffer | undefined>((resolve) => {
        const s = createSocket(server.includes(':') ? 'udp6' : 'udp4');
        const timer = setTimeout(() => done(undefined), FORWARD_TIMEOUT_MS);
        const done = (b: Buffer | undefined): void => {
          clearTimeout(timer);
          s.close();
          resolve(b);
        };
        s.on('message', (b) => done(b));
        s.on('error', () => done(undefined));
        s.send(msg, 53, server);
      });
      if (reply) return reply;
    }
    return undefined;
  }
}

/** The host's nameservers, for forwarding (loopback ones work: berthd runs on the host). */
export async function hostNameservers(path = '/etc/resolv.conf'): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
}
