// docker/cli's createIPAMConfig (network/create.go, 28.x): --subnet, --ip-range, --gateway and
// --aux-address grouped per subnet, with the CLI's own checks and error words. Each value is
// matched to the subnets that contain it (Go's net.ParseCIDR and IPNet.Contains), so the order
// of the flags does not matter. Docker builds the list from a Go map, in no fixed order; berth
// keeps the order of --subnet.

import { isIP } from 'node:net';
import type { IpamConfigWire } from '../../../client/networks.js';

export interface IpamFlags {
  subnets: readonly string[];
  ipRanges: readonly string[];
  gateways: readonly string[];
  /** --aux-address name=address, in the order given. */
  auxAddresses: readonly [string, string][];
}

/** An address as Go's net.IP sees it: 4 bytes for IPv4 (also when written IPv4-mapped), else 16. */
interface Addr {
  bits: 32 | 128;
  value: bigint;
}

interface Cidr {
  bits: 32 | 128;
  network: bigint;
  prefix: number;
}

export function createIpamConfig(f: IpamFlags): IpamConfigWire[] {
  if (f.subnets.length < f.ipRanges.length || f.subnets.length < f.gateways.length) {
    throw new Error('every ip-range or gateway must have a corresponding subnet');
  }
  const data = new Map<string, IpamConfigWire & { AuxiliaryAddresses: Record<string, string> }>();
  for (const s of f.subnets) {
    for (const k of data.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw new Error('multiple overlapping subnet configuration is not supported');
    }
    data.set(s, { Subnet: s, AuxiliaryAddresses: {} });
  }
  for (const r of f.ipRanges) {
    let match = false;
    for (const s of f.subnets) {
      parseCidr(r);
      if (!subnetMatches(s, r)) continue;
      const d = data.get(s);
      if (d?.IPRange) throw new Error(`cannot configure multiple ranges (${r}, ${d.IPRange}) on the same subnet (${s})`);
      if (d) d.IPRange = r;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for range ${r}`);
  }
  for (const g of f.gateways) {
    let match = false;
    for (const s of f.subnets) {
      if (!subnetMatches(s, g)) continue;
      const d = data.get(s);
      if (d?.Gateway) throw new Error(`cannot configure multiple gateways (${g}, ${d.Gateway}) for the same subnet (${s})`);
      if (d) d.Gateway = g;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for gateway ${g}`);
  }
  for (const [key, aa] of f.auxAddresses) {
    let match = false;
    for (const s of f.subnets) {
      if (!subnetMatches(s, aa)) continue;
      const d = data.get(s);
      if (d) d.AuxiliaryAddresses[key] = aa;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for aux-address ${aa}`);
  }
  // encoding/json: IPRange, Gateway and an empty AuxiliaryAddresses are omitempty; map keys sorted.
  return [...data.values()].map((d) => {
    const out: IpamConfigWire = { Subnet: d.Subnet };
    if (d.IPRange) out.IPRange = d.IPRange;
    if (d.Gateway) out.Gateway = d.Gateway;
    const aux = Object.keys(d.AuxiliaryAddresses).sort();
    if (aux.length > 0) out.AuxiliaryAddresses = Object.fromEntries(aux.map((k) => [k, d.AuxiliaryAddresses[k] ?? '']));
    return out;
  });
}

/** Whether `data` (an address, or a CIDR whose address is used) lies in `subnet`. */
function subnetMatches(subnet: string, data: string): boolean {
  let net: Cidr;
  try {
    net = parseCidr(subnet);
  } catch (err) {
    throw new Error(`invalid subnet: ${(err as Error).message}`);
  }
  const ip = data.includes('/') ? cidrAddr(data) : parseIp(data);
  if (!ip || ip.bits !== net.bits) return false;
  return mask(ip.value, net.bits, net.prefix) === net.network;
}

/** net.ParseCIDR; throws its error text. */
function parseCidr(s: string): Cidr {
  const ip = cidrAddr(s);
  const prefix = Number(s.slice(s.indexOf('/') + 1));
  return { bits: ip.bits, network: mask(ip.value, ip.bits, prefix), prefix };
}

/** The address part of a CIDR (as ParseCIDR's first result, IPv4 in 4 bytes). */
function cidrAddr(s: string): Addr {
  const slash = s.indexOf('/');
  const text = slash < 0 ? '' : s.slice(0, slash);
  const len = slash < 0 ? '' : s.slice(slash + 1);
  const kind = isIP(text);
  const max = kind === 4 ? 32 : 128;
  if (kind === 0 || text.includes('%') || !/^\d{1,3}$/.test(len) || Number(len) > max) throw new Error(`invalid CIDR address: ${s}`);
  // A CIDR keeps the width it was written in (::ffff:10.0.0.0/104 is an IPv6 network).
  return kind === 4 ? { bits: 32, value: v4Value(text) } : { bits: 128, value: v6Value(text) };
}

/** net.ParseIP, then To4 when it is IPv4 or IPv4-mapped; undefined when it does not parse. */
function parseIp(s: string): Addr | undefined {
  const kind = isIP(s);
  if (kind === 4) return { bits: 32, value: v4Value(s) };
  if (kind !== 6 || s.includes('%')) return undefined;
  const v = v6Value(s);
  if (v >> 32n === 0xffffn) return { bits: 32, value: v & 0xffffffffn };
  return { bits: 128, value: v };
}

function mask(value: bigint, bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  const m = (all << BigInt(bits - prefix)) & all;
  return value & m;
}

function v4Value(s: string): bigint {
  return s.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function v6Value(s: string): bigint {
  let text = s;
  let tail: bigint[] = [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = v4Value(text.slice(lastColon + 1));
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1);
  }
  const [head = '', rest] = text.split('::');
  const groups = (part: string): bigint[] => (part === '' ? [] : part.split(':').filter((g) => g !== '').map((g) => BigInt(`0x${g}`)));
  const left = groups(head);
  const right = [...groups(rest ?? ''), ...tail];
  const zeros = rest === undefined ? [] : Array<bigint>(8 - left.length - right.length).fill(0n);
  return [...left, ...zeros, ...right].reduce((acc, g) => (acc << 16n) | g, 0n);
}
