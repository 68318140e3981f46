// `berth network inspect`: `GET /networks/{id}[?verbose=true]` for each network, printed as
// docker's inspect prints (a 4-space-indented JSON array, or --format per network). A network
// that cannot be inspected does not stop the others: its error follows the output, exit 1.
// As in docker, a --format that does not parse fails before any request (exit 64).

import { networkInspect } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { GoTemplate } from '../../output/go-template.js';
import { TemplateError } from '../../output/template-error.js';
import { printInspect } from '../container/inspect.js';
import { daemonErrorText } from '../daemon-error.js';

export interface NetworkInspectOptions {
  format?: string;
  verbose?: boolean;
}

export const networkInspectCommand: CommandSpec<NetworkInspectOptions> = {
  group: 'network',
  name: 'inspect',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  args: { min: 1 },
  options: [
    { flags: '-f, --format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" },
    { flags: '-v, --verbose', description: 'Verbose output for diagnostics' },
  ],
  run: (cli, args, opts) => runNetworkInspect(cli, args, opts),
};

export async function runNetworkInspect(cli: Cli, names: string[], opts: NetworkInspectOptions): Promise<void> {
  if (opts.format && opts.format !== 'json') checkTemplate(opts.format);
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await networkInspect(cli.client(), name, { verbose: opts.verbose }));
    } catch (err) {
      errors.push(daemonErrorText(err));
    }
  }
  printInspect(cli, found, errors, opts.format);
}

/** A --format that does not parse fails before any request, as docker's inspect commands do. */
export function checkTemplate(format: string): void {
  try {
    GoTemplate.parse(format);
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`, 64, { cause: err });
    throw err;
  }
}
