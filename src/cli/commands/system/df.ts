// `berth system df`: disk usage by type, as docker's formatter/disk_usage.go prints it. The
// summary has a row each for images, containers, local volumes and the build cache; -v lists
// the items of each section (berth has only images so far; the other sections print what the
// daemon reports, usually nothing).

import type { ImageSummaryWire } from '../../../api/types/image.js';
import { systemDiskUsage } from '../../../client/system.js';
import { familiarName, parseNormalizedNamed } from '../../../core/reference.js';
import { goQuote } from '../../../util/go-format.js';
import { humanDuration, humanSize, humanSizeWithPrecision } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { contextJson, formatTemplateText, writeList } from '../../output/format.js';
import { goJson } from '../../output/go-json.js';
import { GoTemplate, templateFunc } from '../../output/go-template.js';
import { TemplateError } from '../../output/template-error.js';
import { IMAGE_HEADERS, imageContext } from '../image/ls.js';
import { ellipsis, truncateId } from '../truncate.js';

export interface SystemDfOptions {
  verbose?: boolean;
  format?: string;
}

/** The fields of the daemon's container, volume and build-cache records that df reads. */
interface ContainerUsage {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Command?: string;
  Created?: number;
  State?: string;
  Status?: string;
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts?: { Driver?: string }[] | null;
}

interface VolumeUsage {
  Name: string;
  UsageData?: { Size: number; RefCount: number } | null;
}

interface BuildCacheUsage {
  ID: string;
  Type?: string;
  Size?: number;
  CreatedAt?: string;
  LastUsedAt?: string | null;
  UsageCount?: number;
  InUse?: boolean;
  Shared?: boolean;
}

const SUMMARY_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const SUMMARY_RAW = 'type: {{.Type}}\ntotal: {{.TotalCount}}\nactive: {{.Active}}\nsize: {{.Size}}\nreclaimable: {{.Reclaimable}}\n';
const SUMMARY_HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };
const IMAGE_TABLE =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINER_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const CONTAINER_HEADERS = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  LocalVolumes: 'LOCAL VOLUMES',
  Size: 'SIZE',
  RunningFor: 'CREATED',
  Status: 'STATUS',
  Names: 'NAMES',
};
const VOLUME_TABLE = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const VOLUME_HEADERS = { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' };
const BUILD_CACHE_TABLE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';
const BUILD_CACHE_HEADERS = {
  ID: 'CACHE ID',
  CacheType: 'CACHE TYPE',
  Size: 'SIZE',
  CreatedSince: 'CREATED',
  LastUsedSince: 'LAST USED',
  UsageCount: 'USAGE',
  Shared: 'SHARED',
};

export const systemDfCommand: CommandSpec<SystemDfOptions> = {
  group: 'system',
  name: 'df',
  usage: '[OPTIONS]',
  description: 'Show berth disk usage',
  args: { max: 0 },
  options: [
    {
      flags: '--format <string>',
      description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'",
    },
    { flags: '-v, --verbose', description: 'Show detailed information on space usage' },
  ],
  run: (cli, _args, opts) => runSystemDf(cli, opts),
};

export async function runSystemDf(cli: Cli, opts: SystemDfOptions): Promise<void> {
  const du = await systemDiskUsage(cli.client());
  const images = du.Images ?? [];
  const containers = (du.Containers ?? []) as ContainerUsage[];
  const volumes = (du.Volumes ?? []) as VolumeUsage[];
  const buildCache = (du.BuildCache ?? []) as BuildCacheUsage[];
  const builderSize = buildCache.reduce((n, b) => n + (b.Shared ? 0 : (b.Size ?? 0)), 0);
  if (opts.verbose) {
    writeVerbose(cli, opts.format ?? '', { images, containers, volumes, buildCache, builderSize });
    return;
  }
  const rows = [
    imagesSummary(images, du.LayersSize),
    containersSummary(containers),
    volumesSummary(volumes),
    buildCacheSummary(buildCache, builderSize),
  ];
  writeList(cli.out, rows, {
    format: opts.format,
    defaultTable: SUMMARY_TABLE,
    rawFormat: SUMMARY_RAW,
    headers: SUMMARY_HEADERS,
    // A missing field fails on the first row, the images one.
    typeName: '*formatter.diskUsageImagesContext',
    context: (r) => r,
  });
}

interface Summary {
  Type(): string;
  TotalCount(): string;
  Active(): string;
  Size(): string;
  Reclaimable(): string;
}

/** `<size> (<percent>%)` of the reclaimable part, as docker words it. */
function reclaimable(reclaim: number, total: number): string {
  return total > 0 ? `${humanSize(reclaim)} (${Math.trunc((reclaim * 100) / total)}%)` : humanSize(reclaim);
}

function imagesSummary(images: ImageSummaryWire[], totalSize: number): Summary {
  return {
    Type: () => 'Images',
    TotalCount: () => String(images.length),
    Active: () => String(images.filter((i) => i.Containers > 0).length),
    Size: () => humanSize(totalSize),
    Reclaimable: () => {
      // Images with containers (or an unknown count) keep their unique size.
      let used = 0;
      for (const i of images) {
        if (i.Containers === 0 || i.Size === -1 || i.SharedSize === -1) continue;
        used += i.Size - i.SharedSize;
      }
      return reclaimable(totalSize - used, totalSize);
    },
  };
}

function isActive(c: ContainerUsage): boolean {
  return c.State === 'running' || c.State === 'paused' || c.State === 'restarting';
}

function containersSummary(containers: ContainerUsage[]): Summary {
  const total = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  return {
    Type: () => 'Containers',
    TotalCount: () => String(containers.length),
    Active: () => String(containers.filter(isActive).length),
    Size: () => humanSize(total),
    Reclaimable: () => reclaimable(containers.reduce((n, c) => n + (isActive(c) ? 0 : (c.SizeRw ?? 0)), 0), total),
  };
}

function volumesSummary(volumes: VolumeUsage[]): Summary {
  const sized = volumes.filter((v) => (v.UsageData?.Size ?? -1) !== -1);
  const total = sized.reduce((n, v) => n + (v.UsageData?.Size ?? 0), 0);
  return {
    Type: () => 'Local Volumes',
    TotalCount: () => String(volumes.length),
    Active: () => String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length),
    Size: () => humanSize(total),
    Reclaimable: () => reclaimable(sized.reduce((n, v) => n + (v.UsageData?.RefCount === 0 ? (v.UsageData.Size ?? 0) : 0), 0), total),
  };
}

function buildCacheSummary(cache: BuildCacheUsage[], builderSize: number): Summary {
  const inUse = cache.reduce((n, b) => n + (b.InUse && !b.Shared ? (b.Size ?? 0) : 0), 0);
  return {
    Type: () => 'Build Cache',
    TotalCount: () => String(cache.length),
    Active: () => String(cache.filter((b) => b.InUse).length),
    Size: () => humanSize(builderSize),
    Reclaimable: () => humanSize(builderSize - inUse),
  };
}

interface Usage {
  images: ImageSummaryWire[];
  containers: ContainerUsage[];
  volumes: VolumeUsage[];
  buildCache: BuildCacheUsage[];
  builderSize: number;
}

/**
 * `df -v`: with the default format a table per section; with any other format the template
 * runs once against {Images, Containers, Volumes, BuildCache} (docker's diskUsageContext).
 */
function writeVerbose(cli: Cli, format: string, u: Usage): void {
  const trunc = format === '' || format.startsWith('table');
  const now = Date.now();
  const images = u.images.map((i) => {
    const { repo, tag } = firstRepoTag(i);
    return imageContext({ image: i, repo, tag, digest: '' }, now, !trunc);
  });
  const containers = u.containers.map((c) => containerContext(c, trunc, now));
  const volumes = u.volumes.map(volumeContext);
  const buildCache = u.buildCache.map((b) => buildCacheContext(b, trunc, now));
  if (format === '' || format === 'table') {
    const section = (title: string, items: object[], table: string, headers: Record<string, string>): void => {
      cli.out.write(title);
      writeList(cli.out, items, { format: table, defaultTable: table, headers, context: (x) => x });
    };
    section('Images space usage:\n\n', images, IMAGE_TABLE, IMAGE_HEADERS);
    section('\nContainers space usage:\n\n', containers, CONTAINER_TABLE, CONTAINER_HEADERS);
    section('\nLocal Volumes space usage:\n\n', volumes, VOLUME_TABLE, VOLUME_HEADERS);
    section(`\nBuild cache usage: ${humanSize(u.builderSize)}\n\n`, buildCache, BUILD_CACHE_TABLE, BUILD_CACHE_HEADERS);
    return;
  }
  const contexts = new WeakSet<object>([...images, ...containers, ...volumes, ...buildCache]);
  const data = { Images: images, Containers: containers, Volumes: volumes, BuildCache: buildCache };
  // Contexts marshal through their methods (docker's MarshalJSON), also inside arrays.
  const json = (v: unknown): string => {
    if (typeof v === 'object' && v !== null && contexts.has(v)) return contextJson(v);
    if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
    if (v === data) return `{${Object.entries(data).map(([k, x]) => `${goJson(k, { escapeHtml: false })}:${json(x)}`).join(',')}}`;
    return goJson(v, { escapeHtml: false });
  };
  let tmpl: GoTemplate;
  try {
    tmpl = GoTemplate.parse(formatTemplateText(format));
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`, 1, { cause: err });
    throw err;
  }
  let out = '';
  try {
    tmpl.executeTo((chunk) => (out += chunk), data, {
      funcs: { json: templateFunc(['any'], json) },
      typeName: (v) => (v === data ? '*formatter.diskUsageContext' : undefined),
    });
  } catch (err) {
    // docker writes as it goes and reports an execution error without a prefix.
    cli.out.write(out);
    if (err instanceof TemplateError) throw new FormatError(err.message, 1, { cause: err });
    throw err;
  }
  cli.out.write(out);
}

function firstRepoTag(i: ImageSummaryWire): { repo: string; tag: string } {
  const first = (i.RepoTags ?? []).find((t) => t !== '<none>:<none>');
  if (first === undefined) return { repo: '<none>', tag: '<none>' };
  try {
    const ref = parseNormalizedNamed(first);
    if (ref.tag !== undefined) return { repo: familiarName(ref), tag: ref.tag };
  } catch {
    // docker skips what it cannot parse; keep the row unnamed instead of losing it.
  }
  return { repo: '<none>', tag: '<none>' };
}

function containerContext(c: ContainerUsage, trunc: boolean, now: number): object {
  const names = (c.Names ?? []).map((n) => n.slice(1));
  return {
    ID: () => (trunc ? truncateId(c.Id) : c.Id),
    Image: () => {
      if (!c.Image) return '<no image>';
      if (trunc && truncateId(c.ImageID ?? '') === truncateId(c.Image)) return truncateId(c.Image);
      return c.Image;
    },
    Command: () => goQuote(trunc ? ellipsis(c.Command ?? '', 20) : (c.Command ?? '')),
    LocalVolumes: () => String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Size: () => {
      const rw = humanSizeWithPrecision(c.SizeRw ?? 0, 3);
      return (c.SizeRootFs ?? 0) > 0 ? `${rw} (virtual ${humanSizeWithPrecision(c.SizeRootFs ?? 0, 3)})` : rw;
    },
    RunningFor: () => `${humanDuration(now - (c.Created ?? 0) * 1000)} ago`,
    Status: () => c.Status ?? '',
    Names: () => {
      const plain = trunc ? names.find((n) => !n.includes('/')) : undefined;
      return plain !== undefined ? plain : names.join(',');
    },
  };
}

function volumeContext(v: VolumeUsage): object {
  return {
    Name: () => v.Name,
    Links: () => (v.UsageData ? String(v.UsageData.RefCount) : 'N/A'),
    Size: () => (v.UsageData ? humanSize(v.UsageData.Size) : 'N/A'),
  };
}

function buildCacheContext(b: BuildCacheUsage, trunc: boolean, now: number): object {
  const since = (t: string | null | undefined): string => (t ? `${humanDuration(now - Date.parse(t))} ago` : '');
  return {
    ID: () => `${trunc ? truncateId(b.ID) : b.ID}${b.InUse ? '*' : ''}`,
    CacheType: () => b.Type ?? '',
    Size: () => humanSizeWithPrecision(b.Size ?? 0, 3),
    CreatedSince: () => since(b.CreatedAt),
    LastUsedSince: () => since(b.LastUsedAt),
    UsageCount: () => String(b.UsageCount ?? 0),
    Shared: () => String(!!b.Shared),
  };
}
