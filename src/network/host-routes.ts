// The host's IPv4 routes: subnets a new network must not overlap (other bridges, other
// daemons, the host's own networks).

import { readFile } from 'node:fs/promises';
import type { Subnet } from './ipv4.js';

/** Every IPv4 route of the host, from /proc/net/route (little-endian hex). */
export async function hostRoutes(): Promise<Subnet[]> {
  const text = await readFile('/proc/net/route', 'utf8').catch(() => '');
  const out: Subnet[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = Number.parseInt(f[1]!, 16);
    const mask = Number.parseInt(f[7]!, 16);
    if (mask === 0) continue; // the default route overlaps everything
    const le = (x: number): number => (((x & 255) << 24) | (((x >>> 8) & 255) << 16) | (((x >>> 16) & 255) << 8) | (x >>> 24)) >>> 0;
    const m = le(mask);
    const prefix = 32 - Math.log2((~m >>> 0) + 1);
    if (!Number.isInteger(prefix)) continue;
    out.push({ base: le(dest), prefix });
  }
  return out;
}
