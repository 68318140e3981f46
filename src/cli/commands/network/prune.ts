// `berth network prune`: removes every custom network no container uses after asking (unless
// -f), then lists the names removed in docker's words; nothing when none was. Answering
// anything but y prints nothing more and exits 0, as docker does.

import { networkPrune } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { confirm } from '../confirm.js';
import { networkFilters } from './filters.js';

export interface NetworkPruneOptions {
  force?: boolean;
  filter?: string[];
}

const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';

export const networkPruneCommand: CommandSpec<NetworkPruneOptions> = {
  group: 'network',
  name: 'prune',
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  args: { max: 0 },
  options: [
    { flags: '--filter <filter>', description: 'Provide filter values (e.g. "until=<timestamp>")', repeat: true },
    { flags: '-f, --force', description: 'Do not prompt for confirmation' },
  ],
  run: (cli, _args, opts) => runNetworkPrune(cli, opts),
};

export async function runNetworkPrune(cli: Cli, opts: NetworkPruneOptions): Promise<void> {
  const filters = networkFilters(opts.filter, '--filter');
  if (!opts.force && !(await confirm(cli, WARNING))) return;
  const report = await networkPrune(cli.client(), { filters });
  const deleted = report.NetworksDeleted ?? [];
  if (deleted.length > 0) cli.out.write(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
}
