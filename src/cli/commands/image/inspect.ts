// `berth image inspect`: docker's inspect output for one or more images. Without --format the
// daemon's JSON as a 4-space-indented array; with it, the template per image. An image that
// cannot be inspected does not stop the others: its error is printed after the output, and
// the command exits 1 (docker's inspect.Inspect).

import { imageInspect } from '../../../client/images.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { writeInspect } from '../../output/format.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export interface ImageInspectOptions {
  format?: string;
}

export const imageInspectCommand: CommandSpec<ImageInspectOptions> = {
  group: 'image',
  name: 'inspect',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Display detailed information on one or more images',
  args: { min: 1 },
  options: [
    {
      flags: '-f, --format <string>',
      description: "Format output using a custom template: 'json', 'TEMPLATE'",
    },
  ],
  run: (cli, args, opts) => runImageInspect(cli, args, opts),
};

export async function runImageInspect(cli: Cli, names: string[], opts: ImageInspectOptions): Promise<void> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await imageInspect(cli.client(), name));
    } catch (err) {
      errors.push(daemonErrorText(err));
    }
  }
  try {
    writeInspect(cli.out, found, opts.format);
  } catch (err) {
    // A parse error comes before any output and wins (exit 64); template errors join the others.
    if (!(err instanceof FormatError) || err.exitCode !== 1) throw err;
    errors.push(err.message);
  }
  if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
}
