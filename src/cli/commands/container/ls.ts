// `berth ps` / `berth container ls` (list, ps): docker's container table (formatter/container.go)
// from `GET /containers/json[?all=1][&filters=…][&limit=N][&size=1]`, with -a, -q, -n, -l, -s,
// --no-trunc, --filter and --format (docker's container context fields).
//
// Default table: `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}`
// (plus `\t{{.Size}}` with -s). A custom format that reads .Size asks the daemon for sizes, as
// docker does.

import { type ContainerSummaryWire, type PortWire, containerList } from '../../../client/containers.js';
import { familiarName, familiarString, parseNormalizedNamed, trimNamed } from '../../../core/reference.js';
import { goQuote } from '../../../util/go-format.js';
import { humanDuration, humanSizeWithPrecision } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import { type CommandSpec, invalidFlagValue } from '../../command-spec.js';
import { contextJson, writeList } from '../../output/format.js';
import { GoTemplate, templateFunc } from '../../output/go-template.js';
import { filtersJson } from '../filters-flag.js';
import { goTimeString } from '../go-time.js';
import { ellipsis, truncateId } from '../truncate.js';
import { parseGoInt } from './go-int.js';
import { joinHostPort } from './net-format.js';

export interface PsOptions {
  all?: boolean;
  filter?: string[];
  format?: string;
  last?: string;
  latest?: boolean;
  noTrunc?: boolean;
  quiet?: boolean;
  size?: boolean;
}

/** Commander names --no-trunc `trunc` (false when given). */
type PsFlags = Omit<PsOptions, 'noTrunc'> & { trunc?: boolean };

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const RAW_FORMAT = `container_id: {{.ID}}
image: {{.Image}}
command: {{.Command}}
created_at: {{.CreatedAt}}
state: {{- pad .State 1 0}}
status: {{- pad .Status 1 0}}
names: {{.Names}}
labels: {{- pad .Labels 1 0}}
ports: {{- pad .Ports 1 0}}
`;

export const CONTAINER_HEADERS = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
  Platform: 'PLATFORM',
};

export const psCommand: CommandSpec<PsFlags> = {
  group: 'container',
  name: 'ls',
  aliases: ['list', 'ps'],
  shortcuts: ['ps'],
  usage: '[OPTIONS]',
  description: 'List containers',
  args: { max: 0 },
  options: [
    { flags: '-a, --all', description: 'Show all containers (default shows just running)' },
    { flags: '-f, --filter <filter>', description: 'Filter output based on conditions provided', repeat: true },
    { flags: '--format <string>', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { flags: '-n, --last <int>', description: 'Show n last created containers (includes all states) (default -1)' },
    { flags: '-l, --latest', description: 'Show the latest created container (includes all states)' },
    { flags: '--no-trunc', description: "Don't truncate output" },
    { flags: '-q, --quiet', description: 'Only display container IDs' },
    { flags: '-s, --size', description: 'Display total file sizes' },
  ],
  run: (cli, _args, { trunc, ...opts }) => runPs(cli, { ...opts, noTrunc: trunc === false }),
};

export async function runPs(cli: Cli, opts: PsOptions): Promise<void> {
  let last = -1;
  if (opts.last !== undefined) {
    try {
      last = parseGoInt(opts.last);
    } catch (err) {
      throw invalidFlagValue(opts.last, '-n, --last', (err as Error).message);
    }
  }
  let format = opts.format ?? '';
  if (format !== '' && opts.quiet) cli.err.write('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
  let limit = last;
  if (opts.latest && last === -1) limit = 1;
  let size = opts.size === true;
  if (format !== '' && !opts.quiet && !size && opts.size === undefined && templateReadsSize(format)) size = true;
  const containers = await containerList(cli.client(), { all: opts.all, limit, size, filters: filtersJson(opts.filter ?? []) });
  if (opts.quiet && format !== 'raw') format = '';
  const now = Date.now();
  writeList(cli.out, containers, {
    format,
    quiet: opts.quiet,
    defaultTable: size ? `${DEFAULT_TABLE}\t{{.Size}}` : DEFAULT_TABLE,
    rawFormat: opts.quiet ? 'container_id: {{.ID}}' : size ? `${RAW_FORMAT}size: {{.Size}}\\n` : RAW_FORMAT,
    headers: CONTAINER_HEADERS,
    typeName: '*formatter.ContainerContext',
    context: (ctr) => containerContext(ctr, !opts.noTrunc, now),
  });
}

/** Whether the template calls .Size (docker runs it once on an empty context to find out). */
function templateReadsSize(format: string): boolean {
  let used = false;
  let tmpl: GoTemplate;
  try {
    tmpl = GoTemplate.parse(format);
  } catch {
    return false;
  }
  const empty: ContainerSummaryWire = { Id: '', Names: [], Image: '', ImageID: '', Command: '', Created: 0, Ports: [], Labels: {}, State: '', Status: '' };
  const ctx = containerContext(empty, true, Date.now(), () => {
    used = true;
  });
  try {
    tmpl.execute(ctx, { funcs: { json: templateFunc(['any'], (v: unknown) => (v === ctx ? contextJson(ctx) : JSON.stringify(v))) } });
  } catch {
    // docker reports it later, when the rows are written.
  }
  return used;
}

/** docker's ContainerContext: the fields --format can use, as methods. */
export function containerContext(c: ContainerSummaryWire, trunc: boolean, now: number, onSize?: () => void): object {
  return {
    ID: () => (trunc ? truncateId(c.Id) : c.Id),
    Names: () => {
      let names = (c.Names ?? []).map((n) => n.slice(1));
      if (trunc) {
        const plain = names.find((n) => !n.includes('/'));
        if (plain !== undefined) names = [plain];
      }
      return names.join(',');
    },
    Image: () => imageName(c, trunc),
    Command: () => goQuote(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: () => goTimeString(c.Created),
    RunningFor: () => `${humanDuration(now - c.Created * 1000)} ago`,
    Ports: () => displayablePorts(c.Ports ?? []),
    State: () => c.State,
    Status: () => c.Status,
    Size: () => {
      onSize?.();
      const srw = humanSizeWithPrecision(c.SizeRw ?? 0, 3);
      return (c.SizeRootFs ?? 0) > 0 ? `${srw} (virtual ${humanSizeWithPrecision(c.SizeRootFs ?? 0, 3)})` : srw;
    },
    Labels: () =>
      Object.entries(c.Labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join(','),
    Label: (name: unknown) => (c.Labels ?? {})[String(name)] ?? '',
    Mounts: () =>
      (c.Mounts ?? [])
        .map((m) => {
          const name = m.Name ? m.Name : (m.Source ?? '');
          return trunc ? ellipsis(name, 15) : name;
        })
        .join(','),
    LocalVolumes: () => String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Networks: () => Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
    Platform: () => {
      const p = c.ImageManifestDescriptor?.platform;
      if (!p) return null;
      return [p.os, p.architecture, p.variant].filter((x) => x).join('/');
    },
  };
}

function imageName(c: ContainerSummaryWire, trunc: boolean): string {
  if (c.Image === '') return '<no image>';
  if (!trunc) return c.Image;
  const short = truncateId(c.ImageID);
  if (short === truncateId(c.Image)) return short;
  try {
    const ref = parseNormalizedNamed(c.Image);
    // A digest is dropped; a tag is kept.
    return ref.tag !== undefined ? familiarString({ ...trimNamed(ref), tag: ref.tag }) : familiarName(ref);
  } catch {
    return c.Image;
  }
}

/** formatter.DisplayablePorts: ranges grouped, host mappings last (`0.0.0.0:8080->80/tcp`). */
export function displayablePorts(input: readonly PortWire[]): string {
  const ports = [...input].sort((a, b) => {
    if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
    if ((a.IP ?? '') !== (b.IP ?? '')) return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1;
    if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
    return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
  });
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of ports) {
    const current = p.PrivatePort;
    let key = p.Type;
    if (p.IP) {
      if ((p.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(p.IP, String(p.PublicPort ?? 0))}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: current, last: current });
      continue;
    }
    if (current === g.last + 1) {
      g.last = current;
      continue;
    }
    result.push(formGroup(key, g.first, g.last));
    // Go replaces the map entry but keeps the key's first position in its key list.
    groups.set(key, { first: current, last: current });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}

function formGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  let type = parts[0] ?? '';
  let ip = '';
  if (parts.length > 1) {
    ip = parts[0] ?? '';
    type = parts[1] ?? '';
  }
  let group = String(first);
  if (first !== last) group = `${group}-${last}`;
  if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${type}`;
}
