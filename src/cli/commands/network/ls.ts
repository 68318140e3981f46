// `berth network ls` (list): docker's network table (formatter/network.go) from
// `GET /networks[?filters=…]`, sorted by name as docker sorts it (naturally), with -q,
// --no-trunc, --filter and --format (docker's network context fields).
//
// Default table: `table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}`. As in docker, a --format
// other than `table` wins over -q without a warning.

import { type NetworkSummaryWire, networkList } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { writeList } from '../../output/format.js';
import { naturalCompare } from '../container/port.js';
import { networkFilters } from './filters.js';
import { truncateId } from '../truncate.js';

export interface NetworkLsOptions {
  filter?: string[];
  format?: string;
  noTrunc?: boolean;
  quiet?: boolean;
}

/** Commander names --no-trunc `trunc` (false when given). */
type NetworkLsFlags = Omit<NetworkLsOptions, 'noTrunc'> & { trunc?: boolean };

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
const RAW_FORMAT = 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n';

export const NETWORK_HEADERS = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv4: 'IPV4',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};

export const networkLsCommand: CommandSpec<NetworkLsFlags> = {
  group: 'network',
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  description: 'List networks',
  args: { max: 0 },
  options: [
    { flags: '-f, --filter <filter>', description: 'Provide filter values (e.g. "driver=bridge")', repeat: true },
    { flags: '--format <string>', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { flags: '--no-trunc', description: 'Do not truncate the output' },
    { flags: '-q, --quiet', description: 'Only display network IDs' },
  ],
  run: (cli, _args, { trunc, ...opts }) => runNetworkLs(cli, { ...opts, noTrunc: trunc === false }),
};

export async function runNetworkLs(cli: Cli, opts: NetworkLsOptions): Promise<void> {
  const networks = await networkList(cli.client(), { filters: networkFilters(opts.filter) });
  const sorted = [...(networks ?? [])].sort((a, b) => naturalCompare(a.Name, b.Name));
  writeList(cli.out, sorted, {
    format: opts.format,
    quiet: opts.quiet,
    defaultTable: DEFAULT_TABLE,
    rawFormat: opts.quiet ? 'network_id: {{.ID}}' : RAW_FORMAT,
    headers: NETWORK_HEADERS,
    typeName: '*network.networkContext',
    context: (n) => networkContext(n, !opts.noTrunc),
  });
}

/** docker's networkContext: the fields --format can use, as methods. */
export function networkContext(n: NetworkSummaryWire, trunc: boolean): object {
  return {
    ID: () => (trunc ? truncateId(n.Id) : n.Id),
    Name: () => n.Name,
    Driver: () => n.Driver,
    Scope: () => n.Scope,
    IPv4: () => String(n.EnableIPv4 === true),
    IPv6: () => String(n.EnableIPv6 === true),
    Internal: () => String(n.Internal === true),
    // docker ranges over a Go map, in no fixed order; berth keeps the daemon's.
    Labels: () =>
      Object.entries(n.Labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    Label: (name: unknown) => (n.Labels ?? {})[String(name)] ?? '',
    CreatedAt: () => goTimeOfRfc3339(n.Created),
  };
}

const RFC3339_RE = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Go's time.Time.String() of a time the CLI decoded from RFC 3339: the wall clock as sent,
 * nanoseconds without trailing zeros, `+0000 UTC` for Z and `+hhmm +hhmm` for another offset
 * (a fixed zone without a name). Anything else is returned unchanged.
 */
export function goTimeOfRfc3339(value: string): string {
  const m = RFC3339_RE.exec(value);
  if (!m) return value;
  const [, date, clock, frac = '', z, sign, oh, om] = m;
  const nanos = frac.slice(0, 9).replace(/0+$/, '');
  const offset = `${sign}${oh}${om}`;
  const zone = z || offset === '+0000' || offset === '-0000' ? '+0000 UTC' : `${offset} ${offset}`;
  return `${date} ${clock}${nanos ? `.${nanos}` : ''} ${zone}`;
}
