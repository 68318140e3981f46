// `berth port` / `berth container port`: the published ports from NetworkSettings.Ports of
// `GET /containers/{c}/json`, as `80/tcp -> 0.0.0.0:8080` lines (or `0.0.0.0:8080` for one
// given port), sorted naturally as docker sorts them.

import { containerInspect } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { joinHostPort } from './net-format.js';

export const portCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'port',
  shortcuts: ['port'],
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  args: { min: 1, max: 2 },
  run: (cli, args) => runPort(cli, args[0] ?? '', args[1]),
};

export async function runPort(cli: Cli, container: string, port: string | undefined): Promise<void> {
  const info = await containerInspect(cli.client(), container);
  const ports = info.NetworkSettings?.Ports ?? {};
  const out: string[] = [];
  if (port !== undefined && port !== '') {
    const slash = port.indexOf('/');
    const num = slash < 0 ? port : port.slice(0, slash);
    const proto = (slash < 0 ? '' : port.slice(slash + 1)) || 'tcp';
    if (!/^\d+$/.test(num) || Number(num) > 65535) {
      const reason = /^\d+$/.test(num) ? 'value out of range' : 'invalid syntax';
      throw new CommandFailure(`Error: invalid port (${num}): strconv.ParseUint: parsing ${JSON.stringify(num)}: ${reason}`, 1);
    }
    const frontends = ports[`${num}/${proto}`] ?? [];
    if (frontends.length === 0) throw new CommandFailure(`Error: No public port '${port}' published for ${container}`, 1);
    for (const f of frontends) out.push(joinHostPort(f.HostIp, f.HostPort));
  } else {
    for (const [from, frontends] of Object.entries(ports)) {
      for (const f of frontends ?? []) out.push(`${from} -> ${joinHostPort(f.HostIp, f.HostPort)}`);
    }
  }
  if (out.length > 0) cli.out.write(`${out.sort(naturalCompare).join('\n')}\n`);
}

/** sortorder.NaturalLess: runs of digits compare as numbers, the rest byte by byte. */
export function naturalCompare(a: string, b: string): number {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i];
    const cb = b[j];
    // Digits sort before anything else.
    if (isDigit(ca) !== isDigit(cb)) return isDigit(ca) ? -1 : 1;
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      while (isDigit(a[ei])) ei++;
      let ej = j;
      while (isDigit(b[ej])) ej++;
      const na = a.slice(i, ei).replace(/^0+/, '');
      const nb = b.slice(j, ej).replace(/^0+/, '');
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      // Equal numbers: fewer leading zeros first.
      if (ei - i !== ej - j) return ei - i - (ej - j);
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return (ca ?? '') < (cb ?? '') ? -1 : 1;
    i++;
    j++;
  }
  return a.length - b.length;
}
