// `berth image rm` / `berth rmi`: removes each image in turn and prints what the daemon
// untagged and deleted. A failure does not stop the others; the errors are reported together
// at the end and the command exits 1, except that with --force images that do not exist are
// only reported (exit 0), as docker does.

import { imageRemove } from '../../../client/images.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText, isNotFound } from '../daemon-error.js';

export interface ImageRmOptions {
  force?: boolean;
  /** Commander's name for --no-prune: false when the flag is given. */
  prune?: boolean;
}

export const imageRmCommand: CommandSpec<ImageRmOptions> = {
  group: 'image',
  name: 'rm',
  aliases: ['rmi', 'remove'],
  shortcuts: ['rmi'],
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  args: { min: 1 },
  options: [
    { flags: '-f, --force', description: 'Force removal of the image' },
    { flags: '--no-prune', description: 'Do not delete untagged parents' },
  ],
  run: (cli, args, opts) => runImageRm(cli, args, opts),
};

export async function runImageRm(cli: Cli, images: string[], opts: ImageRmOptions): Promise<void> {
  const errors: string[] = [];
  let fatal = false;
  for (const image of images) {
    try {
      const items = await imageRemove(cli.client(), image, { force: opts.force, noPrune: opts.prune === false });
      for (const item of items) {
        cli.out.write('Deleted' in item ? `Deleted: ${item.Deleted}\n` : `Untagged: ${item.Untagged}\n`);
      }
    } catch (err) {
      if (!isNotFound(err)) fatal = true;
      errors.push(daemonErrorText(err));
    }
  }
  if (errors.length === 0) return;
  const message = errors.join('\n');
  if (!opts.force || fatal) throw new CommandFailure(message, 1);
  cli.err.write(`${message}\n`);
}
