// `berth volume ls` (list): docker's volume table (formatter/volume.go) from
// `GET /volumes[?filters=…]`, sorted by name as docker sorts it (naturally), with -q,
// --filter, --format (docker's volume context fields) and --cluster (no cluster volumes here:
// its table stays empty).
//
// Default table: `table {{.Driver}}\t{{.Name}}`.

import { type VolumeWire, volumeList } from '../../../client/volumes.js';
import { humanSize } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { writeList } from '../../output/format.js';
import { naturalCompare } from '../container/port.js';
import { networkFilters } from '../network/filters.js';

export interface VolumeLsOptions {
  filter?: string[];
  format?: string;
  quiet?: boolean;
  cluster?: boolean;
}

const DEFAULT_TABLE = 'table {{.Driver}}\t{{.Name}}';
const CLUSTER_TABLE = 'table {{.Name}}\t{{.Group}}\t{{.Driver}}\t{{.Availability}}\t{{.Status}}';
const RAW_FORMAT = 'name: {{.Name}}\\ndriver: {{.Driver}}\\n';

export const VOLUME_HEADERS = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Group: 'GROUP',
  Availability: 'AVAILABILITY',
  Status: 'STATUS',
};

export const volumeLsCommand: CommandSpec<VolumeLsOptions> = {
  group: 'volume',
  name: 'ls',
  aliases: ['list'],
  usage: '[OPTIONS]',
  description: 'List volumes',
  args: { max: 0 },
  options: [
    { flags: '--cluster', description: 'Display only cluster volumes, and use cluster volume list formatting' },
    { flags: '-f, --filter <filter>', description: 'Provide filter values (e.g. "dangling=true")', repeat: true },
    { flags: '--format <string>', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { flags: '-q, --quiet', description: 'Only display volume names' },
  ],
  run: (cli, _args, opts) => runVolumeLs(cli, opts),
};

export async function runVolumeLs(cli: Cli, opts: VolumeLsOptions): Promise<void> {
  const res = await volumeList(cli.client(), { filters: networkFilters(opts.filter) });
  // There are no cluster volumes without a swarm: --cluster lists none.
  const volumes = opts.cluster ? [] : [...(res.Volumes ?? [])].sort((a, b) => naturalCompare(a.Name, b.Name));
  writeList(cli.out, volumes, {
    format: opts.format || (opts.cluster && !opts.quiet ? CLUSTER_TABLE : undefined),
    quiet: opts.quiet,
    defaultTable: DEFAULT_TABLE,
    quietFormat: '{{.Name}}',
    rawFormat: opts.quiet ? 'name: {{.Name}}' : RAW_FORMAT,
    headers: VOLUME_HEADERS,
    typeName: '*formatter.volumeContext',
    context: volumeContext,
  });
}

/** docker's volumeContext: the fields --format can use, as methods. */
export function volumeContext(v: VolumeWire): object {
  return {
    Name: () => v.Name,
    Driver: () => v.Driver,
    Scope: () => v.Scope,
    Mountpoint: () => v.Mountpoint,
    // docker ranges over a Go map, in no fixed order; berth keeps the daemon's.
    Labels: () =>
      Object.entries(v.Labels ?? {})
        .map(([k, val]) => `${k}=${val}`)
        .join(','),
    Label: (name: unknown) => (v.Labels ?? {})[String(name)] ?? '',
    Links: () => (v.UsageData ? String(v.UsageData.RefCount) : 'N/A'),
    Size: () => (v.UsageData && v.UsageData.Size !== -1 ? humanSize(v.UsageData.Size) : 'N/A'),
    Group: () => 'N/A',
    Availability: () => 'N/A',
    Status: () => 'N/A',
  };
}
