// The -t/--timeout flag of stop and restart, with its deprecated spelling --time.

import type { Cli } from '../../cli.js';
import { invalidFlagValue } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { parseGoInt } from './go-int.js';

export function timeoutOption(cli: Cli, opts: { timeout?: string; time?: string }): number | undefined {
  if (opts.timeout !== undefined && opts.time !== undefined) throw new CommandFailure('conflicting options: cannot specify both --timeout and --time', 1);
  // cobra prints the deprecation on stdout.
  if (opts.time !== undefined) cli.out.write('Flag --time has been deprecated, use --timeout instead\n');
  const value = opts.timeout ?? opts.time;
  if (value === undefined) return undefined;
  const names = opts.timeout !== undefined ? '-t, --timeout' : '--time';
  try {
    return parseGoInt(value);
  } catch (err) {
    throw invalidFlagValue(value, names, (err as Error).message);
  }
}
