// `berth image load` / `berth load`: sends a tar archive (from -i or stdin) to the daemon and
// renders its JSON message stream. As the docker CLI does, it asks for the quiet stream when
// stdout is not a terminal, and refuses to read a terminal's stdin.

import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { imageLoad } from '../../../client/images.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { parseJsonLines, renderJsonMessages } from '../../output/json-message.js';
import { CommandFailure } from '../../program.js';
import { goPathError } from '../path-error.js';

export interface ImageLoadOptions {
  input?: string;
  quiet?: boolean;
}

export const imageLoadCommand: CommandSpec<ImageLoadOptions> = {
  group: 'image',
  name: 'load',
  shortcuts: ['load'],
  usage: '[OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  args: { max: 0 },
  options: [
    { flags: '-i, --input <string>', description: 'Read from tar archive file, instead of STDIN' },
    { flags: '-q, --quiet', description: 'Suppress the load output' },
  ],
  run: (cli, _args, opts) => runImageLoad(cli, opts),
};

export async function runImageLoad(cli: Cli, opts: ImageLoadOptions): Promise<void> {
  let input: Readable = cli.in;
  let close = async (): Promise<void> => undefined;
  if (!opts.input) {
    if (cli.in.isTTY) throw new CommandFailure('requested load from stdin, but stdin is empty');
  } else {
    // Opened first, so that a missing file is reported as such and not as a failed request.
    const file = await open(opts.input, 'r').catch((err: unknown) => {
      throw new CommandFailure(goPathError(err));
    });
    input = file.createReadStream();
    close = () => file.close().catch(() => undefined);
  }
  try {
    const res = await imageLoad(cli.client(), input, { quiet: !!opts.quiet || !cli.out.isTTY });
    if ((res.headers['content-type'] ?? '').startsWith('application/json')) {
      await renderJsonMessages(parseJsonLines(res), cli.out, { isTerminal: !!cli.out.isTTY, terminalWidth: cli.out.columns });
    } else {
      await pipeline(res, cli.out, { end: false });
    }
  } finally {
    await close();
  }
}
