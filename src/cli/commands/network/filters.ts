// --filter for the network commands: filters-flag.ts's JSON with its keys sorted at both
// levels, as Go's encoding/json writes the CLI's map (docker sends `label` before `until`
// whatever the order of the flags), and its format error reported as a flag error
// (FlagError), so that docker's usage block follows it.

import { CommanderError } from 'commander';
import { FlagError } from '../../command-spec.js';
import { filtersJson } from '../filters-flag.js';

export function networkFilters(flags: readonly string[] | undefined, flag?: string): string | undefined {
  let json: string | undefined;
  try {
    json = filtersJson(flags ?? [], flag);
  } catch (err) {
    if (err instanceof CommanderError) throw new FlagError(err.message);
    throw err;
  }
  if (json === undefined) return undefined;
  const filters = JSON.parse(json) as Record<string, Record<string, boolean>>;
  const sorted = (o: Record<string, unknown>): [string, unknown][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(sorted(filters).map(([k, v]) => [k, Object.fromEntries(sorted(v as Record<string, boolean>))])));
}
