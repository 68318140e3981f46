// `berth rename` / `berth container rename`: `POST /containers/{old}/rename?name=new`.

import { containerRename } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export const renameCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'rename',
  shortcuts: ['rename'],
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  args: { min: 2, max: 2 },
  run: (cli, args) => runRename(cli, args[0] ?? '', args[1] ?? ''),
};

export async function runRename(cli: Cli, oldName: string, newName: string): Promise<void> {
  const from = oldName.trim();
  const to = newName.trim();
  if (from === '' || to === '') throw new CommandFailure('Error: Neither old nor new names may be empty', 1);
  try {
    await containerRename(cli.client(), from, to);
  } catch (err) {
    cli.err.write(`${daemonErrorText(err)}\n`);
    throw new CommandFailure(`Error: failed to rename container named ${from}`, 1);
  }
}
