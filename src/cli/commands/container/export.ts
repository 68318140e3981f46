// `berth export` / `berth container export`: `GET /containers/{c}/export`, the container's
// filesystem as a tar, to stdout (never to a terminal) or to a file with -o.

import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { containerExport } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { goPathError } from '../path-error.js';

export interface ExportOptions {
  output?: string;
}

export const exportCommand: CommandSpec<ExportOptions> = {
  group: 'container',
  name: 'export',
  shortcuts: ['export'],
  usage: '[OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  args: { min: 1, max: 1 },
  options: [{ flags: '-o, --output <string>', description: 'Write to a file, instead of STDOUT' }],
  run: (cli, args, opts) => runExport(cli, args[0] ?? '', opts),
};

export async function runExport(cli: Cli, container: string, opts: ExportOptions): Promise<void> {
  if (!opts.output && cli.out.isTTY) throw new CommandFailure('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const res = await containerExport(cli.client(), container);
  if (!opts.output) {
    await pipeline(res, cli.out, { end: false });
    return;
  }
  await pipeline(res, createWriteStream(opts.output, { mode: 0o644 })).catch((err: unknown) => {
    throw new CommandFailure(goPathError(err));
  });
}
