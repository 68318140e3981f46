// `berth unpause` / `berth container unpause`: thaws each paused container.

import { containerUnpause } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { forEachContainer } from './parallel.js';

export const unpauseCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'unpause',
  shortcuts: ['unpause'],
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Unpause all processes within one or more containers',
  args: { min: 1 },
  run: (cli, args) => runUnpause(cli, args),
};

export async function runUnpause(cli: Cli, containers: string[]): Promise<void> {
  await forEachContainer(cli, containers, (id) => containerUnpause(cli.client(), id));
}
