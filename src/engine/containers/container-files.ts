// The per-container files Docker bind-mounts into every container: /etc/hostname,
// /etc/hosts and /etc/resolv.conf, written once at create under the container's directory.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { ContainerSpec } from './spec/container-spec.js';

export interface ContainerFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

export function containerFilePaths(dir: string): ContainerFiles {
  return { hostname: join(dir, 'hostname'), hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf') };
}

const DEFAULT_HOSTS =
  '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

/** What the container's networks add to its files: its address, and a network's DNS server. */
export interface NetworkFacts {
  address?: string;
  nameservers?: string[];
}

/** Written at create, and again at each start with that start's network facts. */
export async function writeContainerFiles(dir: string, spec: ContainerSpec, net: NetworkFacts = {}): Promise<ContainerFiles> {
  const paths = containerFilePaths(dir);
  await writeFileAtomic(paths.hostname, `${spec.hostname}\n`, { syncDir: false });
  let hosts: string;
  if (spec.network.kind === 'host') {
    // Host networking shares the host's names too, as Docker does.
    hosts = await readFile('/etc/hosts', 'utf8').catch(() => DEFAULT_HOSTS);
  } else {
    hosts = DEFAULT_HOSTS;
    if (net.address) {
      const names = spec.domainname ? `${spec.hostname}.${spec.domainname}\t${spec.hostname}` : spec.hostname;
      hosts += `${net.address}\t${names}\n`;
    }
  }
  for (const extra of spec.host.extraHosts) {
    const sep = extra.lastIndexOf(':');
    if (sep > 0) hosts += `${extra.slice(sep + 1)}\t${extra.slice(0, sep)}\n`;
  }
  await writeFileAtomic(paths.hosts, hosts, { syncDir: false });
  await writeFileAtomic(paths.resolvConf, await resolvConf(spec, net.nameservers), { syncDir: false });
  return paths;
}

/**
 * Docker's rules: the host's resolv.conf, without nameservers that only work on the host
 * (127.0.0.0/8, ::1) unless the container shares the host's network; --dns, --dns-search and
 * --dns-option replace the corresponding lines. On a user-defined network the network's own DNS
 * server comes first (it answers for container names and forwards the rest); --dns servers follow.
 */
async function resolvConf(spec: ContainerSpec, networkDns: string[] = []): Promise<string> {
  const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const lines = host.split('\n');
  let nameservers = lines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1] ?? '');
  let search = lines.filter((l) => /^\s*(search|domain)\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  let options = lines.filter((l) => /^\s*options\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  if (spec.network.kind !== 'host') {
    nameservers = nameservers.filter((ns) => !/^127\.|^::1$/.test(ns));
    if (nameservers.length === 0) nameservers = ['8.8.8.8', '8.8.4.4'];
  }
  if (spec.host.dns.length > 0) nameservers = spec.host.dns;
  if (networkDns.length > 0) nameservers = [...networkDns, ...spec.host.dns];
  if (spec.host.dnsSearch.length > 0) search = spec.host.dnsSearch.filter((s) => s !== '.');
  if (spec.host.dnsOptions.length > 0) options = spec.host.dnsOptions;
  let out = '';
  for (const ns of nameservers) out += `nameserver ${ns}\n`;
  if (search.length > 0) out += `search ${search.join(' ')}\n`;
  if (options.length > 0) out += `options ${options.join(' ')}\n`;
  return out;
}
