// What a dockerd run with iptables leaves in the host's firewall, taken back (peers.md §8):
// the iptables-nft tables it made, its DOCKER chains and the rules naming its bridge in tables
// that were there before, the FORWARD policy it set to DROP, and net.ipv4.ip_forward.
//
// Example:
//   const before = snapshotFirewall();
//   ... start dockerd --iptables=true, measure, stop it ...
//   restoreFirewall(before, 'bd1234');

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const IPTABLES_TABLES = ['ip filter', 'ip nat', 'ip6 filter', 'ip6 nat'];
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export interface FirewallSnapshot {
  /** nftables tables present, as "family name". */
  tables: Set<string>;
  /** The filter FORWARD policy, when the ip filter table existed. */
  forwardPolicy: string | undefined;
  ipForward: string;
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

function tables(): Set<string> {
  const out = run('nft', ['list', 'tables']).out;
  return new Set(out.split('\n').map((l) => l.replace(/^table\s+/, '').trim()).filter(Boolean));
}

export function snapshotFirewall(): FirewallSnapshot {
  const t = tables();
  // Listing through iptables would make the table: only when it is there already.
  const policy = t.has('ip filter') ? /^-P FORWARD (\w+)/m.exec(run('iptables', ['-S', 'FORWARD']).out)?.[1] : undefined;
  return { tables: t, forwardPolicy: policy, ipForward: readFileSync(IP_FORWARD, 'utf8').trim() };
}

/** Takes back what appeared since `before`; returns what it did, for the log. */
export function restoreFirewall(before: FirewallSnapshot, bridge: string): string[] {
  const done: string[] = [];
  for (const t of IPTABLES_TABLES) {
    if (!tables().has(t)) continue;
    if (!before.tables.has(t)) {
      if (run('nft', ['delete', 'table', ...t.split(' ')]).ok) done.push(`deleted table ${t}`);
      continue;
    }
    // A table someone had before: only dockerd's chains and the rules naming its bridge go.
    const [family, name] = t.split(' ') as [string, string];
    const tool = family === 'ip6' ? 'ip6tables' : 'iptables';
    const rules = run(tool, ['-t', name, '-S']).out.split('\n');
    for (const rule of rules) {
      if (!rule.startsWith('-A ') || !(/DOCKER/.test(rule) || rule.includes(bridge))) continue;
      const args = rule.replace(/^-A /, '-D ').match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''));
      if (run(tool, ['-t', name, ...args]).ok) done.push(`${tool} -t ${name}: removed ${rule}`);
    }
    const chains = rules.filter((r) => /^-N DOCKER/.test(r)).map((r) => r.split(' ')[1]!);
    for (const c of chains) run(tool, ['-t', name, '-F', c]);
    for (const c of chains) if (run(tool, ['-t', name, '-X', c]).ok) done.push(`${tool} -t ${name}: deleted chain ${c}`);
    if (t === 'ip filter' && before.forwardPolicy !== undefined && run('iptables', ['-P', 'FORWARD', before.forwardPolicy]).ok) {
      done.push(`FORWARD policy back to ${before.forwardPolicy}`);
    }
  }
  if (readFileSync(IP_FORWARD, 'utf8').trim() !== before.ipForward) {
    writeFileSync(IP_FORWARD, before.ipForward);
    done.push(`net.ipv4.ip_forward back to ${before.ipForward}`);
  }
  return done;
}
