// `berth restart` / `berth container restart`: `POST /containers/{c}/restart[?signal=][&t=]`
// for each container, reported as stop does.

import { containerRestart } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { forEachContainer } from './parallel.js';
import type { StopOptions } from './stop.js';
import { timeoutOption } from './stop-timeout.js';

export const restartCommand: CommandSpec<StopOptions> = {
  group: 'container',
  name: 'restart',
  shortcuts: ['restart'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  args: { min: 1 },
  options: [
    { flags: '-s, --signal <string>', description: 'Signal to send to the container' },
    { flags: '-t, --timeout <int>', description: 'Seconds to wait before killing the container' },
    { flags: '--time <int>', description: 'Seconds to wait before killing the container (deprecated: use --timeout)', hidden: true },
  ],
  run: (cli, args, opts) => runRestart(cli, args, opts),
};

export async function runRestart(cli: Cli, containers: string[], opts: StopOptions): Promise<void> {
  const timeout = timeoutOption(cli, opts);
  await forEachContainer(cli, containers, (id) => containerRestart(cli.client(), id, { signal: opts.signal, timeout }));
}
