// Address management for one network: which addresses of its subnet (or --ip-range) are free.
// The state is not stored on its own: the engine rebuilds it at start from the endpoints that
// containers record, so an address is never handed out twice even after a crash.
// Subnets for new networks come from address pools (Docker's default-address-pools).

import { EngineError, conflict, invalidArgument } from '../core/errors.js';
import { type Subnet, contains, formatIPv4, formatSubnet, overlaps, parseSubnet, size } from './ipv4.js';

export interface AddressPoolConfig {
  subnet: Subnet;
  gateway: number;
  /** --ip-range: dynamic addresses come from here (static ones may be anywhere in the subnet). */
  range?: Subnet;
  /** --aux-address values: never handed out. */
  reserved: number[];
}

export class AddressAllocator {
  private readonly used = new Set<number>();
  /** Allocation continues after the last address handed out, as Docker's does. */
  private last: number;

  constructor(private readonly cfg: AddressPoolConfig) {
    this.last = cfg.gateway;
  }

  markUsed(addr: number): void {
    this.used.add(addr);
  }

  release(addr: number): void {
    this.used.delete(addr);
  }

  inUse(addr: number): boolean {
    return this.used.has(addr);
  }

  /** A free address: `preferred` if given (--ip), else the next free one in the range. */
  allocate(preferred?: number): number {
    const { subnet, range } = this.cfg;
    // A static address (--ip) may be anywhere in the subnet; the range is for dynamic ones.
    if (preferred !== undefined) {
      if (!contains(subnet, preferred)) {
        throw invalidArgument(`no configured subnet or ip-range contain the IP address ${formatIPv4(preferred)}`);
      }
      if (!this.free(preferred)) throw conflict('Address already in use');
      this.used.add(preferred);
      return preferred;
    }
    const from = range ?? subnet;
    const n = size(from);
    const start = contains(from, this.last) ? this.last - from.base : 0;
    for (let i = 1; i <= n; i++) {
      const addr = from.base + ((start + i) % n);
      if (this.free(addr)) {
        this.used.add(addr);
        this.last = addr;
        return addr;
      }
    }
    throw new EngineError('unavailable', `no available IPv4 addresses on this network's address pools (${formatSubnet(from)})`);
  }

  private free(addr: number): boolean {
    const { subnet, gateway, reserved } = this.cfg;
    if (this.used.has(addr) || addr === gateway || reserved.includes(addr)) return false;
    // The network and broadcast addresses of subnets that have them.
    if (subnet.prefix < 31 && (addr === subnet.base || addr === subnet.base + size(subnet) - 1)) return false;
    return true;
  }
}

export interface AddressPoolSpec {
  base: string;
  size: number;
}

/** dockerd's defaults: 172.17–172.31 as /16s, then 192.168.0.0/16 as /20s. */
export const DEFAULT_ADDRESS_POOLS: AddressPoolSpec[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/15', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/** The first subnet of the pools that overlaps none of `taken` (ours and the host's routes). */
export function chooseSubnet(pools: AddressPoolSpec[], taken: Subnet[]): Subnet {
  for (const pool of pools) {
    const base = parseSubnet(pool.base, { loose: true });
    if (pool.size < base.prefix || pool.size > 30) throw invalidArgument(`invalid address pool ${pool.base} with size ${pool.size}`);
    const step = 2 ** (32 - pool.size);
    for (let a = base.base; a < base.base + size(base); a += step) {
      const candidate = { base: a, prefix: pool.size };
      if (!taken.some((t) => overlaps(t, candidate))) return candidate;
    }
  }
  throw new EngineError('unavailable', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}
