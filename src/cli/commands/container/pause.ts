// `berth pause` / `berth container pause`: freezes every process of each container.

import { containerPause } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { forEachContainer } from './parallel.js';

export const pauseCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'pause',
  shortcuts: ['pause'],
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Pause all processes within one or more containers',
  args: { min: 1 },
  run: (cli, args) => runPause(cli, args),
};

export async function runPause(cli: Cli, containers: string[]): Promise<void> {
  await forEachContainer(cli, containers, (id) => containerPause(cli.client(), id));
}
