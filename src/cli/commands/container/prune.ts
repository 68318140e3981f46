// `berth container prune`: removes every stopped container after asking (unless -f), then
// lists the IDs removed and the space reclaimed in docker's words. Answering anything but y
// prints nothing more and exits 0, as docker does.

import { containerPrune } from '../../../client/containers.js';
import { humanSize } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { confirm } from '../confirm.js';
import { filtersJson } from '../filters-flag.js';

export interface ContainerPruneOptions {
  force?: boolean;
  filter?: string[];
}

const WARNING = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';

export const containerPruneCommand: CommandSpec<ContainerPruneOptions> = {
  group: 'container',
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove all stopped containers',
  args: { max: 0 },
  options: [
    { flags: '--filter <filter>', description: 'Provide filter values (e.g. "until=<timestamp>")', repeat: true },
    { flags: '-f, --force', description: 'Do not prompt for confirmation' },
  ],
  run: (cli, _args, opts) => runContainerPrune(cli, opts),
};

export async function runContainerPrune(cli: Cli, opts: ContainerPruneOptions): Promise<void> {
  const filters = filtersJson(opts.filter ?? [], '--filter');
  if (!opts.force && !(await confirm(cli, WARNING))) return;
  const report = await containerPrune(cli.client(), { filters });
  let reclaimed = 0;
  const deleted = report.ContainersDeleted ?? [];
  if (deleted.length > 0) {
    cli.out.write(`Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n`);
    reclaimed = report.SpaceReclaimed;
  }
  cli.out.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
}
