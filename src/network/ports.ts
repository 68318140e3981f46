// Host ports for publishing. Published ports are DNAT rules, not listening sockets, so before a
// rule is made the port is bound once to see that no host process has it (Docker's check),
// and a port chosen by the kernel (port 0) is how `-p 80` and `-P` get a free one.

import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** Binds `port` on `host` (port 0: the kernel picks a free one) and lets it go; the port, or undefined if taken. */
export function probePort(proto: 'tcp' | 'udp', host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    if (proto === 'tcp') {
      const srv = createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen({ port, host, exclusive: true }, () => {
        const got = (srv.address() as { port: number }).port;
        srv.close(() => resolve(got));
      });
    } else {
      const sock = createSocket('udp4');
      sock.once('error', () => {
        sock.close();
        resolve(undefined);
      });
      sock.bind({ port, address: host, exclusive: true }, () => {
        const got = sock.address().port;
        sock.close(() => resolve(got));
      });
    }
  });
}

/** `8080`, `8000-8010` or empty (any port) as a range. */
export function parseHostPortRange(text: string): { start: number; end: number } | undefined {
  if (text === '') return { start: 0, end: 0 };
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) return undefined;
  return { start, end };
}
