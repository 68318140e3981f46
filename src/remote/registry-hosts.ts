// Where a repository lives: the registry host a reference names, and the endpoints to try for
// it, in order, as dockerd chooses them (moby registry/service.go):
//   - `docker.io` is served by `registry-1.docker.io`; `registry-mirrors` come first for it,
//     and only for pulls;
//   - a registry is insecure when `insecure-registries` names it (host, host:port or a CIDR)
//     or when it is a loopback address (127.0.0.0/8, ::1, `localhost`); for an insecure
//     registry HTTPS is tried first without verifying the certificate, then plain HTTP.

import { isIP } from 'node:net';
import { DEFAULT_DOMAIN } from '../core/reference.js';

export const DOCKER_HUB_HOST = 'registry-1.docker.io';

export interface RegistryHostsConfig {
  insecureRegistries: readonly string[];
  registryMirrors: readonly string[];
}

export interface Endpoint {
  /** `https://host[:port]` or `http://host[:port]`, no trailing slash. */
  base: string;
  /** Accept any TLS certificate (insecure registries only). */
  skipTlsVerify: boolean;
  mirror: boolean;
}

/** The host:port that serves `domain` (`docker.io` → `registry-1.docker.io`). */
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN || domain === 'index.docker.io' ? DOCKER_HUB_HOST : domain;
}

export function endpointsFor(domain: string, cfg: RegistryHostsConfig, opts: { push?: boolean } = {}): Endpoint[] {
  const out: Endpoint[] = [];
  if (!opts.push && (domain === DEFAULT_DOMAIN || domain === 'index.docker.io')) {
    for (const m of cfg.registryMirrors) {
      const base = m.replace(/\/+$/, '');
      out.push({ base, skipTlsVerify: isInsecure(new URL(base).host, cfg), mirror: true });
    }
  }
  const host = registryHost(domain);
  const insecure = isInsecure(host, cfg);
  out.push({ base: `https://${host}`, skipTlsVerify: insecure, mirror: false });
  if (insecure) out.push({ base: `http://${host}`, skipTlsVerify: false, mirror: false });
  return out;
}

/** Whether plain HTTP and unverified TLS are allowed for `host` (`name[:port]`). */
export function isInsecure(host: string, cfg: Pick<RegistryHostsConfig, 'insecureRegistries'>): boolean {
  const name = hostName(host);
  const ip = name === 'localhost' ? '127.0.0.1' : name;
  if (isLoopback(ip)) return true;
  for (const entry of cfg.insecureRegistries) {
    const e = entry.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
    if (e === host || e === name) return true;
    if (e.includes('/') && isIP(ip) === 4 && inCidr4(ip, e)) return true;
  }
  return false;
}

function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

function isLoopback(ip: string): boolean {
  if (ip === '::1') return true;
  return isIP(ip) === 4 && inCidr4(ip, '127.0.0.0/8');
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

function inCidr4(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!net || isIP(net) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(net) & mask);
}
