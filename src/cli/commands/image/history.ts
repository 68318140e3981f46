// `berth image history` / `berth history`: the layers of an image, newest first, as docker's
// history formatter prints them (formatter_history.go). CREATED BY is cut to 45 columns with
// `…` unless --no-trunc; layers that are not images of their own show `<missing>`.

import type { ImageHistoryItemWire } from '../../../api/types/image.js';
import { imageHistory } from '../../../client/images.js';
import { humanDuration, humanSizeWithPrecision } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { writeList } from '../../output/format.js';
import { formatRfc3339 } from '../go-time.js';
import { ellipsis, truncateId } from '../truncate.js';

export interface ImageHistoryOptions {
  human?: boolean;
  noTrunc?: boolean;
  quiet?: boolean;
  format?: string;
}

const DEFAULT_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const NON_HUMAN_TABLE = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const HEADERS = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};
/** Before 2000-01-01 a creation time is taken as unknown. */
const EPOCH = Date.UTC(2000, 0, 1) / 1000;

/** Commander names --no-trunc `trunc` (false when given). */
type ImageHistoryFlags = Omit<ImageHistoryOptions, 'noTrunc'> & { trunc?: boolean };

export const imageHistoryCommand: CommandSpec<ImageHistoryFlags> = {
  group: 'image',
  name: 'history',
  shortcuts: ['history'],
  usage: '[OPTIONS] IMAGE',
  description: 'Show the history of an image',
  args: { min: 1, max: 1 },
  options: [
    {
      flags: '--format <string>',
      description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'",
    },
    { flags: '-H, --human', description: 'Print sizes and dates in human readable format', default: true },
    { flags: '--no-trunc', description: "Don't truncate output" },
    { flags: '-q, --quiet', description: 'Only show image IDs' },
  ],
  run: (cli, args, { trunc, ...opts }) => runImageHistory(cli, args[0] ?? '', { ...opts, noTrunc: trunc === false }),
};

export async function runImageHistory(cli: Cli, image: string, opts: ImageHistoryOptions): Promise<void> {
  const history = await imageHistory(cli.client(), image);
  const human = opts.human ?? true;
  const trunc = !opts.noTrunc;
  const now = Date.now();
  writeList(cli.out, history, {
    format: opts.format,
    quiet: opts.quiet,
    defaultTable: human ? DEFAULT_TABLE : NON_HUMAN_TABLE,
    headers: HEADERS,
    typeName: '*image.historyContext',
    context: (h) => historyContext(h, { human, trunc, now }),
  });
}

function historyContext(h: ImageHistoryItemWire, o: { human: boolean; trunc: boolean; now: number }): object {
  const createdAt = (): string => formatRfc3339(h.Created);
  return {
    ID: () => (o.trunc ? truncateId(h.Id) : h.Id),
    CreatedAt: createdAt,
    CreatedSince: () => {
      if (!o.human) return createdAt();
      if (h.Created <= EPOCH) return 'N/A';
      return `${humanDuration(o.now - h.Created * 1000)} ago`;
    },
    CreatedBy: () => {
      const by = h.CreatedBy.replaceAll('\t', ' ');
      return o.trunc ? ellipsis(by, 45) : by;
    },
    Size: () => (o.human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size)),
    Comment: () => h.Comment,
  };
}
