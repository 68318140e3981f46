// `berth image ls` / `berth images`: docker's image table, one row per repository and tag
// (formatter/image.go), with --all, --quiet, --digests, --no-trunc, --filter and --format.

import type { ImageSummaryWire } from '../../../api/types/image.js';
import { parseNormalizedNamed, familiarName } from '../../../core/reference.js';
import { humanDuration, humanSize, humanSizeWithPrecision } from '../../../util/units.js';
import { imageList } from '../../../client/images.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { writeList } from '../../output/format.js';
import { filtersJson } from '../filters-flag.js';
import { goTimeString } from '../go-time.js';

export interface ImageLsOptions {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  noTrunc?: boolean;
  filter?: string[];
  format?: string;
}

export interface ImageRow {
  image: ImageSummaryWire;
  repo: string;
  tag: string;
  digest: string;
}

const DEFAULT_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const DIGESTS_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
export const IMAGE_HEADERS = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
  VirtualSize: 'VIRTUAL SIZE',
};

/** Commander names --no-trunc `trunc` (false when given). */
type ImageLsFlags = Omit<ImageLsOptions, 'noTrunc'> & { trunc?: boolean };

export const imageLsCommand: CommandSpec<ImageLsFlags> = {
  group: 'image',
  name: 'ls',
  aliases: ['list'],
  shortcuts: ['images'],
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  args: { max: 1 },
  options: [
    { flags: '-a, --all', description: 'Show all images (default hides intermediate images)' },
    { flags: '--digests', description: 'Show digests' },
    { flags: '-f, --filter <filter>', description: 'Filter output based on conditions provided', repeat: true },
    { flags: '--format <string>', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { flags: '--no-trunc', description: "Don't truncate output" },
    { flags: '-q, --quiet', description: 'Only show image IDs' },
  ],
  run: (cli, args, { trunc, ...opts }) => runImageLs(cli, args[0], { ...opts, noTrunc: trunc === false }),
};

export async function runImageLs(cli: Cli, reference: string | undefined, opts: ImageLsOptions): Promise<void> {
  const filters = [...(opts.filter ?? [])];
  if (reference) filters.push(`reference=${reference}`);
  const images = await imageList(cli.client(), { all: opts.all, filters: filtersJson(filters) });
  const rows = images.flatMap((img) => rowsOf(img, !!opts.digests));
  const now = Date.now();
  // With --quiet docker prints each image once, whatever its number of tags.
  const shown = opts.quiet ? uniqueBy(rows, (r) => r.image.Id) : rows;
  writeList(cli.out, shown, {
    format: opts.format,
    quiet: opts.quiet,
    defaultTable: opts.digests ? DIGESTS_TABLE : DEFAULT_TABLE,
    headers: IMAGE_HEADERS,
    typeName: '*formatter.imageContext',
    context: (r) => imageContext(r, now, !!opts.noTrunc),
  });
}

/** docker's imageContext for one row (also used by `system df -v`). */
export function imageContext(r: ImageRow, now: number, noTrunc: boolean): object {
  const id = noTrunc ? r.image.Id : r.image.Id.replace(/^sha256:/, '').slice(0, 12);
  return {
    ID: () => id,
    Repository: () => r.repo,
    Tag: () => r.tag,
    Digest: () => r.digest,
    CreatedSince: () => (r.image.Created > 0 ? `${humanDuration(now - r.image.Created * 1000)} ago` : 'N/A'),
    CreatedAt: () => goTimeString(r.image.Created),
    Size: () => humanSizeWithPrecision(r.image.Size, 3),
    Containers: () => (r.image.Containers < 0 ? 'N/A' : String(r.image.Containers)),
    // docker prints these three with go-units' default precision (4), unlike Size.
    VirtualSize: () => humanSize(r.image.Size),
    SharedSize: () => (r.image.SharedSize === -1 ? 'N/A' : humanSize(r.image.SharedSize)),
    UniqueSize: () =>
      r.image.Size === -1 || r.image.SharedSize === -1 ? 'N/A' : humanSize(r.image.Size - r.image.SharedSize),
  };
}

/** docker's imageFormat: a row per repository tag, digests per tag with --digests. */
function rowsOf(img: ImageSummaryWire, showDigests: boolean): ImageRow[] {
  const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  const digests = (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
  if (tags.length === 0 && digests.length === 0) return [{ image: img, repo: '<none>', tag: '<none>', digest: '<none>' }];
  const byRepoTags = new Map<string, string[]>();
  const byRepoDigests = new Map<string, string[]>();
  for (const t of tags) {
    const r = safeParse(t);
    if (!r?.tag) continue;
    const name = familiarName(r);
    byRepoTags.set(name, [...(byRepoTags.get(name) ?? []), r.tag]);
  }
  for (const d of digests) {
    const r = safeParse(d);
    if (!r?.digest) continue;
    const name = familiarName(r);
    byRepoDigests.set(name, [...(byRepoDigests.get(name) ?? []), r.digest]);
  }
  const rows: ImageRow[] = [];
  for (const [repo, repoTags] of [...byRepoTags.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const ds = showDigests ? (byRepoDigests.get(repo) ?? []) : [];
    byRepoDigests.delete(repo);
    for (const tag of repoTags) {
      if (ds.length === 0) rows.push({ image: img, repo, tag, digest: '<none>' });
      for (const digest of ds) rows.push({ image: img, repo, tag, digest });
    }
  }
  for (const [repo, ds] of [...byRepoDigests.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (showDigests) for (const digest of ds) rows.push({ image: img, repo, tag: '<none>', digest });
    else rows.push({ image: img, repo, tag: '<none>', digest: '<none>' });
  }
  return rows;
}

function safeParse(s: string): ReturnType<typeof parseNormalizedNamed> | undefined {
  try {
    return parseNormalizedNamed(s);
  } catch {
    return undefined;
  }
}

function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
