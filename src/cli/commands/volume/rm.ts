// `berth volume rm` (remove): `DELETE /volumes/{name}[?force=1]` for each volume, in order. A
// removed volume's name is printed on stdout at once; the failures are printed together at the
// end, one a line, exit 1, as docker joins them into one error. -f is the daemon's business (a
// missing volume is no error there).

import { volumeRemove } from '../../../client/volumes.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export interface VolumeRmOptions {
  force?: boolean;
}

export const volumeRmCommand: CommandSpec<VolumeRmOptions> = {
  group: 'volume',
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  args: { min: 1 },
  options: [{ flags: '-f, --force', description: 'Force the removal of one or more volumes' }],
  run: (cli, args, opts) => runVolumeRm(cli, args, opts),
};

export async function runVolumeRm(cli: Cli, names: string[], opts: VolumeRmOptions): Promise<void> {
  const errors: string[] = [];
  for (const name of names) {
    try {
      await volumeRemove(cli.client(), name, { force: opts.force });
    } catch (err) {
      errors.push(daemonErrorText(err));
      continue;
    }
    cli.out.write(`${name}\n`);
  }
  if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
}
