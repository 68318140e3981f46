// The daemon's firewall rules: one nftables table of its own, rendered whole from the networks
// and published ports and replaced in one atomic `nft -f -` transaction. nftables rather than
// iptables because a whole table swaps in one process and one kernel transaction (no window
// with half the rules, no rule-by-rule spawns), and removing the table removes every rule we
// made without touching anyone else's (see docs/networking.md).

import { spawn } from 'node:child_process';
import { EngineError } from '../core/errors.js';
import { type Subnet, formatIPv4, formatSubnet } from './ipv4.js';

export interface FirewallNetwork {
  bridge: string;
  subnet: Subnet;
  /** --internal: no traffic in or out of the bridge. */
  internal: boolean;
}

export interface PortForward {
  proto: 'tcp' | 'udp';
  /** undefined: every local address (0.0.0.0). */
  hostIp?: number;
  hostPort: number;
  address: number;
  port: number;
}

export interface FirewallModel {
  networks: FirewallNetwork[];
  ports: PortForward[];
}

/** The table's name must be a plain word: it is pasted into the ruleset text. */
export function validTableName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,30}$/.test(name);
}

const q = (ifname: string): string => JSON.stringify(ifname);

/** The ruleset that replaces table `ip <table>` with the model's rules (pure). */
export function renderRuleset(table: string, m: FirewallModel): string {
  const lines: string[] = [`table ip ${table}`, `delete table ip ${table}`, `table ip ${table} {`];
  const bridges = m.networks.map((n) => q(n.bridge));
  if (bridges.length > 0) lines.push(`  set bridges { type ifname; elements = { ${bridges.join(', ')} } }`);
  // Traffic to a local address (127.0.0.1, the host's, a bridge's gateway) on a published
  // port goes to its container, whether it comes from outside, from the host or from a container.
  lines.push(
    '  chain prerouting { type nat hook prerouting priority dstnat; policy accept; fib daddr type local jump publish; }',
    '  chain output { type nat hook output priority -100; policy accept; fib daddr type local jump publish; }',
    '  chain publish {',
  );
  for (const p of m.ports) {
    const dst = p.hostIp === undefined ? '' : `ip daddr ${formatIPv4(p.hostIp)} `;
    lines.push(`    ${dst}${p.proto} dport ${p.hostPort} dnat to ${formatIPv4(p.address)}:${p.port}`);
  }
  lines.push('  }', '  chain postrouting { type nat hook postrouting priority srcnat; policy accept;');
  for (const n of m.networks) {
    const br = q(n.bridge);
    const subnet = formatSubnet(n.subnet);
    // Connections from 127.0.0.1 to a published port would come back to the container's own
    // loopback; from a container of the same bridge they would skip the DNAT on the way back.
    lines.push(`    oifname ${br} ip saddr 127.0.0.0/8 masquerade`, `    oifname ${br} ip saddr ${subnet} ct status dnat masquerade`);
    if (!n.internal) lines.push(`    ip saddr ${subnet} oifname != ${br} masquerade`);
  }
  lines.push('  }', '  chain forward { type filter hook forward priority filter; policy accept;');
  for (const n of m.networks) {
    const br = q(n.bridge);
    if (n.internal) {
      lines.push(`    iifname ${br} oifname != ${br} drop`, `    oifname ${br} iifname != ${br} drop`);
    } else {
      // Networks are isolated from each other, as Docker's DOCKER-ISOLATION chains do.
      lines.push(`    iifname ${br} oifname @bridges oifname != ${br} drop`);
    }
  }
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

function nft(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => reject(new EngineError('internal', `nft: ${err.message}`, { cause: err })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new EngineError('internal', `firewall rules: ${stderr.trim() || `nft exited with ${code}`}`));
    });
    child.stdin.end(input);
  });
}

export function applyRuleset(table: string, m: FirewallModel): Promise<void> {
  if (!validTableName(table)) return Promise.reject(new EngineError('invalid-argument', `invalid nftables table name ${table}`));
  return nft(renderRuleset(table, m));
}

export function deleteTable(table: string): Promise<void> {
  return nft(`table ip ${table}\ndelete table ip ${table}\n`);
}
