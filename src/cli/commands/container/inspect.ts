// `berth container inspect`: `GET /containers/{c}/json[?size=1]` for each container, printed as
// docker's inspect prints (a 4-space-indented JSON array, or --format per container). A
// container that cannot be inspected does not stop the others: its error follows the output
// and the command exits 1.

import { containerInspect } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { writeInspect } from '../../output/format.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export interface ContainerInspectOptions {
  format?: string;
  size?: boolean;
}

export const containerInspectCommand: CommandSpec<ContainerInspectOptions> = {
  group: 'container',
  name: 'inspect',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Display detailed information on one or more containers',
  args: { min: 1 },
  options: [
    { flags: '-f, --format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" },
    { flags: '-s, --size', description: 'Display total file sizes' },
  ],
  run: (cli, args, opts) => runContainerInspect(cli, args, opts),
};

export async function runContainerInspect(cli: Cli, refs: string[], opts: ContainerInspectOptions): Promise<void> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const ref of refs) {
    try {
      found.push(await containerInspect(cli.client(), ref, { size: opts.size }));
    } catch (err) {
      errors.push(daemonErrorText(err));
    }
  }
  printInspect(cli, found, errors, opts.format);
}

/** Writes the results, then the errors (exit 1); a format parse error wins (exit 64). */
export function printInspect(cli: Cli, found: unknown[], errors: string[], format: string | undefined): void {
  try {
    writeInspect(cli.out, found, format);
  } catch (err) {
    if (!(err instanceof FormatError) || err.exitCode !== 1) throw err;
    errors.push(err.message);
  }
  if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
}
