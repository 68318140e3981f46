// `berth stop` / `berth container stop`: `POST /containers/{c}/stop[?signal=][&t=]` for each
// container; prints each one stopped, reports the failures together (exit 1). Without -t the
// daemon uses the container's StopTimeout (10 s by default).

import { containerStop } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { forEachContainer } from './parallel.js';
import { timeoutOption } from './stop-timeout.js';

export interface StopOptions {
  signal?: string;
  timeout?: string;
  time?: string;
}

export const stopCommand: CommandSpec<StopOptions> = {
  group: 'container',
  name: 'stop',
  shortcuts: ['stop'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  args: { min: 1 },
  options: [
    { flags: '-s, --signal <string>', description: 'Signal to send to the container' },
    { flags: '-t, --timeout <int>', description: 'Seconds to wait before killing the container' },
    { flags: '--time <int>', description: 'Seconds to wait before killing the container (deprecated: use --timeout)', hidden: true },
  ],
  run: (cli, args, opts) => runStop(cli, args, opts),
};

export async function runStop(cli: Cli, containers: string[], opts: StopOptions): Promise<void> {
  const timeout = timeoutOption(cli, opts);
  await forEachContainer(cli, containers, (id) => containerStop(cli.client(), id, { signal: opts.signal, timeout }));
}
