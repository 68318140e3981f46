// Builds the `berth` command tree from the command specs and runs it: Docker's command names,
// groups and shortcuts, its flag and argument errors, and its exit codes (125 for flag errors,
// 1 for daemon errors, the command's own code otherwise).

import { Command, CommanderError, Help, Option, type ParseOptionsResult } from 'commander';
import { ApiError, ConnectError } from '../client/engine-client.js';
import { type Cli, UsageError, processCli, resolveHost } from './cli.js';
import { type CommandEntry, type CommandSpec, FlagError, argCountError, usageBlock } from './command-spec.js';
import { FormatError, JsonMessageError } from './output/errors.js';

const collect = (v: string, prev: unknown): string[] => [...(Array.isArray(prev) ? (prev as string[]) : []), v];

const GROUP_DESCRIPTIONS: Record<string, string> = {
  container: 'Manage containers',
  image: 'Manage images',
  system: 'Manage berth',
};

export interface ProgramOptions {
  version: string;
  /** Makes the Cli for the chosen host (tests pass a fake). */
  makeCli?: (host: string) => Cli;
}

export async function runProgram(argv: string[], entries: CommandEntry[], opts: ProgramOptions): Promise<number> {
  let exitCode = 0;
  let cli: Cli | undefined;
  // The command whose flags failed to parse, for docker's usage block after the error.
  let failing: { path: string; usage: string } | undefined;
  // The leaves as commander commands, without their flags until their module is loaded.
  const leaves = new Map<Command, { entry: CommandEntry; path: string; loaded?: Promise<void> }>();
  const program = new GoFlagCommand('berth')
    .description('A Docker-compatible container engine')
    .usage('[OPTIONS] COMMAND')
    .option('-H, --host <host>', 'daemon socket to connect to (unix:///path)')
    .option('-D, --debug', 'enable debug mode')
    .option('-l, --log-level <level>', 'set the logging level', 'info')
    .option('--config <dir>', 'location of client config files')
    .version(`berth version ${opts.version}`, '-v, --version', 'print version information and quit')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    // The lists of commands show `[options]` for a command with flags before they are loaded.
    .configureHelp({
      subcommandTerm(this: Help, cmd: Command): string {
        const leaf = leaves.get(cmd);
        if (!leaf || cmd.options.length > 0 || !leaf.entry.flags) return Help.prototype.subcommandTerm.call(this, cmd);
        return Help.prototype.subcommandTerm.call(this, cmd).replace(/ \[args\.\.\.\]$/, ' [options] [args...]');
      },
    });

  const makeCli = (): Cli => {
    const host = resolveHost(program.opts<{ host?: string }>().host, process.env);
    cli ??= (opts.makeCli ?? processCli)(host);
    return cli;
  };

  const load = (cmd: Command): Promise<void> | undefined => {
    const leaf = leaves.get(cmd);
    if (!leaf) return undefined;
    leaf.loaded ??= leaf.entry.load().then((spec) => define(cmd, spec as CommandSpec, leaf.path));
    return leaf.loaded;
  };
  // Loads the leaf that the program or a group hands its arguments to.
  const preSubcommand = async (_parent: Command, sub: Command): Promise<void> => {
    await load(sub);
  };
  program.hook('preSubcommand', preSubcommand);

  const groups = new Map<string, Command>();
  const group = (name: string): Command => {
    let g = groups.get(name);
    if (!g) {
      g = program
        .command(name)
        .description(GROUP_DESCRIPTIONS[name] ?? `Manage ${name}s`)
        .usage('COMMAND')
        // Lets `container run`/`container exec` stop parsing flags at the image or container.
        .enablePositionalOptions()
        .hook('preSubcommand', preSubcommand)
        .exitOverride()
        .configureOutput({ outputError: () => undefined });
      groups.set(name, g);
    }
    return g;
  };

  const define = (cmd: Command, spec: CommandSpec, path: string): void => {
    cmd.usage(`[OPTIONS] ${spec.usage}`.replace('[OPTIONS] [OPTIONS]', '[OPTIONS]').trim()).exitOverride((err) => {
      failing = { path, usage: spec.usage };
      throw err;
    });
    // `-h` is --hostname for run and create, as in docker: help is --help only there.
    if ((spec.options ?? []).some((o) => /^-h,/.test(o.flags))) cmd.helpOption('--help', 'Print usage');
    for (const o of spec.options ?? []) {
      const opt = new Option(o.flags, o.description);
      if (o.repeat) opt.argParser(collect);
      if (o.default !== undefined) opt.default(o.default);
      if (o.hidden) opt.hideHelp();
      cmd.addOption(opt);
    }
    if (spec.interspersed === false) {
      cmd.passThroughOptions();
      if (cmd instanceof GoFlagCommand) cmd.interspersed = false;
    }
    cmd.action(async (args: string[], cmdOpts: Record<string, unknown>) => {
      const err = argCountError(path, spec.usage, spec.args ?? {}, args.length);
      if (err) throw new CommandFailure(err, 1);
      try {
        const code = await spec.run(makeCli(), args, cmdOpts);
        exitCode = code ?? 0;
      } catch (e) {
        if (!(e instanceof FlagError)) throw e;
        failing = { path, usage: spec.usage };
        throw new CommanderError(125, 'commander.invalidArgument', e.message);
      }
    });
  };

  for (const entry of entries) {
    const places: { parent: Command; name: string; path: string; aliases: string[] }[] = [];
    if (entry.group) {
      places.push({ parent: group(entry.group), name: entry.name, path: `berth ${entry.group} ${entry.name}`, aliases: entry.aliases ?? [] });
    } else {
      places.push({ parent: program, name: entry.name, path: `berth ${entry.name}`, aliases: entry.aliases ?? [] });
    }
    for (const s of entry.shortcuts ?? []) places.push({ parent: program, name: s, path: `berth ${s}`, aliases: [] });

    for (const place of places) {
      const cmd = place.parent
        .command(place.name)
        .description(entry.description)
        .argument('[args...]')
        .allowExcessArguments(true)
        .exitOverride()
        .configureOutput({ outputError: () => undefined });
      for (const a of place.aliases) cmd.alias(a);
      leaves.set(cmd, { entry, path: place.path });
    }
  }

  try {
    // `berth help run` prints run's help without handing it any arguments (commander calls its
    // help() directly): the leaves named after a `help` are loaded first.
    const helpAt = argv.indexOf('help');
    if (helpAt >= 0) {
      const names = new Set(argv.slice(helpAt + 1));
      await Promise.all([...leaves.keys()].filter((c) => [c.name(), ...c.aliases()].some((n) => names.has(n))).map(load));
    }
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    return reportError(err, cli, failing);
  } finally {
    cli?.client().close();
  }
  return exitCode;
}

function reportError(err: unknown, cli: Cli | undefined, failing: { path: string; usage: string } | undefined): number {
  const stderr = cli?.err ?? process.stderr;
  if (err instanceof CommanderError) {
    switch (err.code) {
      case 'commander.helpDisplayed':
      case 'commander.help':
      case 'commander.version':
        return 0;
      case 'commander.unknownOption':
      case 'commander.missingArgument':
      case 'commander.optionMissingArgument':
      case 'commander.invalidArgument': {
        const flag = /'([^']+)'/.exec(err.message)?.[1];
        const msg =
          err.code === 'commander.unknownOption' && flag
            ? `unknown ${flag.startsWith('--') ? 'flag' : 'shorthand flag'}: ${flag.startsWith('--') ? flag : `'${flag.replace(/^-/, '')}' in ${flag}`}`
            : err.code === 'commander.optionMissingArgument' && flag
              ? `flag needs an argument: ${flag.split(/[ ,]/).pop() ?? flag}`
              : err.message.replace(/^error: /, '');
        stderr.write(failing ? `${msg}\n\n${usageBlock(failing.path, failing.usage)}\n` : `${msg}\nSee 'berth --help'.\n`);
        return 125;
      }
      case 'commander.unknownCommand': {
        const name = /'([^']+)'/.exec(err.message)?.[1] ?? '';
        stderr.write(`berth: unknown command: berth ${name}\n\nRun 'berth --help' for more information\n`);
        return 1;
      }
      default:
        if (err.exitCode === 0) return 0;
        stderr.write(`${err.message.replace(/^error: /, '')}\n`);
        return err.exitCode || 1;
    }
  }
  if (err instanceof UsageError) {
    stderr.write(`berth: ${err.message}\n`);
    return 1;
  }
  if (err instanceof ApiError) {
    stderr.write(`Error response from daemon: ${err.message}\n`);
    return 1;
  }
  if (err instanceof ConnectError) {
    stderr.write(`${err.message}\n`);
    return 1;
  }
  if (err instanceof FormatError) {
    stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof JsonMessageError) {
    // The docker CLI exits 1 for an in-band stream error (only build passes its code on).
    stderr.write(`${err.message}\n`);
    return 1;
  }
  if (err instanceof CommandFailure) {
    if (err.message) stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  stderr.write(`berth: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

/** A command-level failure with its exit code and message (printed as is). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

/**
 * Flags as the docker CLI (pflag) reads them where commander differs: boolean flags take Go's
 * explicit values (`--human=false`, `-H=false`, `--force=true`), which commander would read
 * as a cluster of short flags, and a short flag's value may follow `=` (`-f=dangling=true`),
 * which commander would keep. Leaf commands rewrite these tokens before parsing and set the
 * boolean values afterwards.
 */
class GoFlagCommand extends Command {
  /** false: the first argument ends the flags (pflag's SetInterspersed(false)). */
  interspersed = true;

  override createCommand(name?: string): Command {
    return new GoFlagCommand(name);
  }

  override parseOptions(argv: string[]): ParseOptionsResult {
    // Groups and the program pass their tail on to a subcommand: leave it alone.
    if (this.commands.length > 0) return super.parseOptions(argv);
    const explicit: [Option, boolean][] = [];
    const rest: string[] = [];
    // The container's own command line (`run IMG sh -c=x`) is not ours to rewrite.
    const end = this.interspersed ? argv.length : this.firstOperand(argv);
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (i >= end) {
        rest.push(...argv.slice(i));
        break;
      }
      if (arg === '--') {
        rest.push(...argv.slice(i));
        break;
      }
      const m = /^(--?[^-=][^=]*)=(.*)$/s.exec(arg);
      const [name, text] = [m?.[1] ?? '', m?.[2] ?? ''];
      const opt = m ? this.options.find((o) => !o.negate && (o.long === name || o.short === name)) : undefined;
      if (!opt) {
        rest.push(arg);
        continue;
      }
      if (!opt.isBoolean()) {
        rest.push(...(name === opt.short ? [name, text] : [arg]));
        continue;
      }
      const value = parseGoBool(text);
      if (value === undefined) {
        const names = [opt.short, opt.long].filter(Boolean).join(', ');
        throw new CommanderError(1, 'commander.invalidArgument', `invalid argument "${text}" for "${names}" flag: strconv.ParseBool: parsing "${text}": invalid syntax`);
      }
      explicit.push([opt, value]);
    }
    const result = super.parseOptions(rest);
    for (const [opt, value] of explicit) this.setOptionValueWithSource(opt.attributeName(), value, 'cli');
    return result;
  }

  /** Index of the first argument that is not a flag or a flag's value. */
  private firstOperand(argv: string[]): number {
    const takesValue = (name: string): boolean | undefined => {
      const opt = this.options.find((o) => o.long === name || o.short === name);
      return opt ? opt.required || opt.optional : undefined;
    };
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (arg === '--') return i + 1;
      if (arg.length < 2 || !arg.startsWith('-')) return i;
      if (arg.startsWith('--')) {
        if (!arg.includes('=') && takesValue(arg)) i++;
        continue;
      }
      // A cluster of short flags (`-it`, `-dp 80:80`): the first that takes a value ends it.
      for (let k = 1; k < arg.length; k++) {
        if (arg[k] === '=') break;
        const t = takesValue(`-${arg[k]}`);
        if (t === undefined) break;
        if (t) {
          if (k === arg.length - 1) i++;
          break;
        }
      }
    }
    return argv.length;
  }
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}
