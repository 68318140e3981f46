// `berth image import` / `berth import file|URL|- [REPOSITORY[:TAG]]`: makes a one-layer image
// from a tarball (a file, stdin with `-`, or a URL the daemon fetches) and prints the daemon's
// JSON stream, whose last status is the new image ID.

import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { imageImport } from '../../../client/images.js';
import { errorMessage } from '../../../core/errors.js';
import { parseNormalizedNamed } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { parseJsonLines, renderJsonMessages } from '../../output/json-message.js';
import { CommandFailure } from '../../program.js';
import { goPathError } from '../path-error.js';

export interface ImageImportOptions {
  change?: string[];
  message?: string;
  platform?: string;
}

export const imageImportCommand: CommandSpec<ImageImportOptions> = {
  group: 'image',
  name: 'import',
  shortcuts: ['import'],
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  args: { min: 1, max: 2 },
  options: [
    { flags: '-c, --change <list>', description: 'Apply Dockerfile instruction to the created image', repeat: true },
    { flags: '-m, --message <string>', description: 'Set commit message for imported image' },
    { flags: '--platform <string>', description: 'Set platform if server is multi-platform capable' },
  ],
  run: (cli, args, opts) => runImageImport(cli, args[0] ?? '-', args[1], opts),
};

export async function runImageImport(cli: Cli, source: string, reference: string | undefined, opts: ImageImportOptions): Promise<void> {
  if (reference) {
    // The client checks the name before sending anything (moby's ImageImport).
    try {
      parseNormalizedNamed(reference);
    } catch (err) {
      throw new CommandFailure(errorMessage(err));
    }
  }
  let input: Readable | undefined;
  let fromSrc = '-';
  let close = async (): Promise<void> => undefined;
  if (source === '-') {
    input = cli.in;
  } else if (source.startsWith('http://') || source.startsWith('https://')) {
    fromSrc = source;
  } else {
    const file = await open(source, 'r').catch((err: unknown) => {
      throw new CommandFailure(goPathError(err));
    });
    input = file.createReadStream();
    close = () => file.close().catch(() => undefined);
  }
  try {
    const res = await imageImport(cli.client(), input, {
      source: fromSrc,
      repo: reference || undefined,
      message: opts.message || undefined,
      changes: opts.change ?? [],
      platform: opts.platform ? opts.platform.toLowerCase() : undefined,
    });
    await renderJsonMessages(parseJsonLines(res), cli.out, { isTerminal: !!cli.out.isTTY, terminalWidth: cli.out.columns });
  } finally {
    await close();
  }
}
