// IPv4 addresses and subnets as numbers: parsing, containment, overlap. Pure; the IPAM and
// the firewall rules are written in these terms.

import { invalidArgument } from '../core/errors.js';

export interface Subnet {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `a.b.c.d/n`; host bits must be zero unless `loose` (then they are dropped). */
export function parseSubnet(text: string, opts: { loose?: boolean } = {}): Subnet {
  const slash = text.indexOf('/');
  const addr = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  const prefix = slash < 0 ? NaN : Number(text.slice(slash + 1));
  if (addr === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32 || !/^\d+$/.test(text.slice(slash + 1))) {
    throw invalidArgument(`invalid CIDR address: ${text}`);
  }
  const base = (addr & mask(prefix)) >>> 0;
  if (base !== addr && !opts.loose) throw invalidArgument(`invalid CIDR address: ${text}: host bits are set, use ${formatSubnet({ base, prefix })}`);
  return { base, prefix };
}

/** The address and its subnet of `a.b.c.d/n` (Docker's --bip form). */
export function parseAddressInSubnet(text: string): { address: number; subnet: Subnet } {
  const subnet = parseSubnet(text, { loose: true });
  return { address: parseIPv4(text.slice(0, text.indexOf('/')))!, subnet };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIPv4(s.base)}/${s.prefix}`;
}

export function size(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function contains(s: Subnet, addr: number): boolean {
  return (addr & mask(s.prefix)) >>> 0 === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return (a.base & mask(p)) >>> 0 === (b.base & mask(p)) >>> 0;
}

/** Docker's MAC for an address: 02:42 followed by the four address bytes. */
export function macForAddress(addr: number): string {
  return ['02', '42', ...[addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
