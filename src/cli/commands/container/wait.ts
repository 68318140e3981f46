// `berth wait` / `berth container wait`: blocks until each container stops (`POST
// /containers/{c}/wait`, condition not-running) and prints its exit code, one at a time.

import { containerWait } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export const waitCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'wait',
  shortcuts: ['wait'],
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  args: { min: 1 },
  run: (cli, args) => runWait(cli, args),
};

export async function runWait(cli: Cli, containers: string[]): Promise<void> {
  const errors: string[] = [];
  for (const id of containers) {
    try {
      const r = await (await containerWait(cli.client(), id)).result;
      cli.out.write(`${r.StatusCode}\n`);
    } catch (err) {
      errors.push(daemonErrorText(err));
    }
  }
  if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
}
