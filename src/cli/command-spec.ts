// A command as data: its name, where it appears (`image ls`, and `images` at the top level),
// its Docker-style usage line, flags and argument count. program.ts turns specs into commander
// commands; each command file exports one spec and a run function that tests call directly.
// commands.ts lists each command as a CommandEntry, which loads the spec when the command runs.

import { goQuote } from '../util/go-format.js';
import type { Cli } from './cli.js';

export interface OptionSpec {
  /** Commander flags, e.g. `-a, --all` or `--format <string>`. */
  flags: string;
  description: string;
  /** Repeatable (`--filter a --filter b`): collected into an array. */
  repeat?: boolean;
  default?: string | boolean;
  /** Accepted but left out of --help (docker's hidden aliases such as `--net`). */
  hidden?: boolean;
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
  /**
   * false: flags end at the first argument, as pflag's SetInterspersed(false) (`run IMAGE
   * CMD -x`, `exec C CMD -x`, `top C -ef`): everything after it is the command's.
   */
  interspersed?: boolean;
  run(cli: Cli, args: string[], opts: O): Promise<number | void>;
}

/**
 * A command as the lists in `berth --help` and `berth <group> --help` show it, known without
 * importing its module; `load` imports the module (its flags, run function and their
 * dependencies) when the command is about to run or show its own help.
 */
export interface CommandEntry extends Pick<CommandSpec, 'group' | 'name' | 'aliases' | 'shortcuts' | 'description'> {
  /** The command has flags: the lists show `[options]` after its name, as commander does. */
  flags: boolean;
  load(): Promise<CommandSpec<never>>;
}

/**
 * Docker 28's wording for a wrong argument count (cli/required.go), down to its pointer line:
 * `See '…'` for RequiresMinArgs and, a typo docker prints, `SRun '…'` for RequiresMaxArgs.
 */
export function argCountError(path: string, usage: string, args: { min?: number; max?: number }, got: number): string | undefined {
  const { min, max } = args;
  const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  let what: string | undefined;
  let pointer = 'Run';
  if (min !== undefined && max !== undefined) {
    if (got >= min && got <= max) return undefined;
    if (min === max) what = `requires ${min} ${plural(min)}`;
    else if (max === 0) what = 'accepts no arguments';
    else what = `requires at least ${min} and at most ${max} ${plural(max)}`;
  } else if (min !== undefined && got < min) {
    what = `requires at least ${min} ${plural(min)}`;
    pointer = 'See';
  } else if (max !== undefined && got > max) {
    if (max === 0) what = 'accepts no arguments';
    else {
      what = `requires at most ${max} ${plural(max)}`;
      pointer = 'SRun';
    }
  }
  if (!what) return undefined;
  return `berth: '${path}' ${what}\n\nUsage:  ${path} ${usage}\n\n${pointer} '${path} --help' for more information`;
}

/** The usage line and the pointer to --help that docker prints after a usage error. */
export function usageBlock(path: string, usage: string): string {
  return `Usage:  ${path} ${usage}\n\nRun '${path} --help' for more information`;
}

/**
 * A flag value that does not parse (pflag's Set error): printed as
 * `invalid argument "x" for "-m, --memory" flag: …` with the usage block, exit 125.
 */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** pflag's wording for a value that a flag refuses. */
export function invalidFlagValue(value: string, names: string, reason: string): FlagError {
  return new FlagError(`invalid argument ${goQuote(value)} for ${goQuote(names)} flag: ${reason}`);
}
