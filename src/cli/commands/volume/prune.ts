// `berth volume prune`: removes unused volumes after asking (unless -f): anonymous ones, or
// all of them with -a (sent as the filter `all=true`, as docker 28 does). Then the names
// removed and the space reclaimed, in docker's words; answering anything but y prints nothing
// more and exits 0.

import { volumePrune } from '../../../client/volumes.js';
import { humanSize } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { confirm } from '../confirm.js';
import { networkFilters } from '../network/filters.js';

export interface VolumePruneOptions {
  all?: boolean;
  force?: boolean;
  filter?: string[];
}

const WARNING = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';

export const volumePruneCommand: CommandSpec<VolumePruneOptions> = {
  group: 'volume',
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  args: { max: 0 },
  options: [
    { flags: '-a, --all', description: 'Remove all unused volumes, not just anonymous ones' },
    { flags: '--filter <filter>', description: 'Provide filter values (e.g. "label=<label>")', repeat: true },
    { flags: '-f, --force', description: 'Do not prompt for confirmation' },
  ],
  run: (cli, _args, opts) => runVolumePrune(cli, opts),
};

export async function runVolumePrune(cli: Cli, opts: VolumePruneOptions): Promise<void> {
  const flags = [...(opts.filter ?? [])];
  if (opts.all) flags.push('all=true');
  const filters = networkFilters(flags, '--filter');
  const all = opts.all || flags.some((f) => f === 'all=true' || f === 'all=1');
  if (!opts.force && !(await confirm(cli, all ? ALL_WARNING : WARNING))) return;
  const report = await volumePrune(cli.client(), { filters });
  const deleted = report.VolumesDeleted ?? [];
  let reclaimed = 0;
  if (deleted.length > 0) {
    cli.out.write(`Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
    reclaimed = report.SpaceReclaimed;
  }
  cli.out.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
