// A command as data: its name, where it appears (`image ls`, and `images` at the top level),
// its Docker-style usage line, flags and argument count. program.ts turns specs into commander
// commands; each command file exports one spec and a run function that tests call directly.

import type { Cli } from './cli.js';

export interface OptionSpec {
  /** Commander flags, e.g. `-a, --all` or `--format <string>`. */
  flags: string;
  description: string;
  /** Repeatable (`--filter a --filter b`): collected into an array. */
  repeat?: boolean;
  default?: string | boolean;
}

export interface CommandSpec<O = Record<string, unknown>> {
  /** The management group (`image`, `system`), or undefined for top-level only commands. */
  group?: string;
  name: string;
  /** Other names inside the group (`list` for `ls`). */
  aliases?: string[];
  /** Top-level shortcuts (`images` for `image ls`). */
  shortcuts?: string[];
  usage: string;
  description: string;
  args?: { min?: number; max?: number };
  options?: OptionSpec[];
  run(cli: Cli, args: string[], opts: O): Promise<number | void>;
}

/** Docker 28's wording for a wrong argument count (cli/required.go). */
export function argCountError(path: string, usage: string, args: { min?: number; max?: number }, got: number): string | undefined {
  const { min, max } = args;
  const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  let what: string | undefined;
  if (min !== undefined && max !== undefined && min === max && got !== min) what = `requires ${min} ${plural(min)}`;
  else if (min !== undefined && got < min) what = `requires at least ${min} ${plural(min)}`;
  else if (max !== undefined && got > max) what = max === 0 ? 'accepts no arguments' : `requires at most ${max} ${plural(max)}`;
  if (!what) return undefined;
  return `berth: '${path}' ${what}\n\n${usageBlock(path, usage)}`;
}

/** The usage line and the pointer to --help that docker prints after a usage error. */
export function usageBlock(path: string, usage: string): string {
  return `Usage:  ${path} ${usage}\n\nRun '${path} --help' for more information`;
}
