// `berth kill` / `berth container kill`: `POST /containers/{c}/kill[?signal=]` for each
// container (the daemon's default is KILL).

import { containerKill } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { forEachContainer } from './parallel.js';

export interface KillOptions {
  signal?: string;
}

export const killCommand: CommandSpec<KillOptions> = {
  group: 'container',
  name: 'kill',
  shortcuts: ['kill'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  args: { min: 1 },
  options: [{ flags: '-s, --signal <string>', description: 'Signal to send to the container' }],
  run: (cli, args, opts) => runKill(cli, args, opts),
};

export async function runKill(cli: Cli, containers: string[], opts: KillOptions): Promise<void> {
  await forEachContainer(cli, containers, (id) => containerKill(cli.client(), id, opts.signal));
}
