// `berth volume inspect`: `GET /volumes/{name}` for each volume, printed as docker's inspect
// prints (a 4-space-indented JSON array, or --format per volume). A volume that cannot be
// inspected does not stop the others: its error follows the output, exit 1. As in docker, a
// --format that does not parse fails before any request (exit 64).

import { volumeInspect } from '../../../client/volumes.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { printInspect } from '../container/inspect.js';
import { daemonErrorText } from '../daemon-error.js';
import { checkTemplate } from '../network/inspect.js';

export interface VolumeInspectOptions {
  format?: string;
}

export const volumeInspectCommand: CommandSpec<VolumeInspectOptions> = {
  group: 'volume',
  name: 'inspect',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  args: { min: 1 },
  options: [{ flags: '-f, --format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" }],
  run: (cli, args, opts) => runVolumeInspect(cli, args, opts),
};

export async function runVolumeInspect(cli: Cli, names: string[], opts: VolumeInspectOptions): Promise<void> {
  if (opts.format && opts.format !== 'json') checkTemplate(opts.format);
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await volumeInspect(cli.client(), name));
    } catch (err) {
      errors.push(daemonErrorText(err));
    }
  }
  printInspect(cli, found, errors, opts.format);
}
