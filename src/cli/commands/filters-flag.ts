// `--filter key=value` flags → the `filters` query parameter (the CLI's JSON map shape,
// `{"key":{"value":true}}`).

import { CommanderError } from 'commander';

/** `flag` names the option in the error, as pflag does (`-f, --filter` or `--filter`). */
export function filtersJson(flags: readonly string[], flag = '-f, --filter'): string | undefined {
  if (flags.length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq <= 0) {
      // A flag error (exit 125), in pflag's words.
      throw new CommanderError(125, 'commander.invalidArgument', `invalid argument ${JSON.stringify(f)} for ${JSON.stringify(flag)} flag: bad format of filter (expected name=value)`);
    }
    const key = f.slice(0, eq).trim().toLowerCase();
    const value = f.slice(eq + 1).trim();
    out[key] = { ...(out[key] ?? {}), [value]: true };
  }
  return JSON.stringify(out);
}
