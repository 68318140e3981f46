// `berth image prune`: removes dangling images (with -a, every image no container uses) after
// asking, unless -f. The report lists what was untagged and deleted and the space reclaimed,
// in docker's words; answering anything but y prints nothing more and exits 0, as docker does.

import { imagePrune } from '../../../client/images.js';
import { humanSize } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { confirm } from '../confirm.js';
import { filtersJson } from '../filters-flag.js';

export interface ImagePruneOptions {
  all?: boolean;
  force?: boolean;
  filter?: string[];
}

const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
const ALL_WARNING =
  'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';

export const imagePruneCommand: CommandSpec<ImagePruneOptions> = {
  group: 'image',
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove unused images',
  args: { max: 0 },
  options: [
    { flags: '-a, --all', description: 'Remove all unused images, not just dangling ones' },
    { flags: '--filter <filter>', description: 'Provide filter values (e.g. "until=<timestamp>")', repeat: true },
    { flags: '-f, --force', description: 'Do not prompt for confirmation' },
  ],
  run: (cli, _args, opts) => runImagePrune(cli, opts),
};

export async function runImagePrune(cli: Cli, opts: ImagePruneOptions): Promise<void> {
  const filters = filtersJson([...(opts.filter ?? []), `dangling=${!opts.all}`], '--filter');
  if (!opts.force && !(await confirm(cli, opts.all ? ALL_WARNING : DANGLING_WARNING))) return;
  const report = await imagePrune(cli.client(), { filters });
  let reclaimed = 0;
  const deleted = report.ImagesDeleted ?? [];
  if (deleted.length > 0) {
    const lines = deleted.map((d) => ('Untagged' in d && d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${'Deleted' in d ? d.Deleted : ''}`));
    cli.out.write(`Deleted Images:\n${lines.join('\n')}\n\n`);
    reclaimed = report.SpaceReclaimed;
  }
  cli.out.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
