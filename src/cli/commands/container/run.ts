// `berth run` / `berth container run`: docker's run (run.go) over the Engine API, in docker's
// order (engine-api.md §4.2): create (404 → pull → create), attach (Upgrade) unless -d, wait
// (next-exit, or removed with --rm; its headers come back at once), start, resize with a TTY,
// then copy the streams until the daemon closes them and exit with the wait's StatusCode.
//
// Exit codes as docker's: 125 when the daemon or the flags fail before the container runs;
// 126/127 when start fails with "permission denied"/"is a directory" or "executable file not
// found"/"no such file or directory" (toStatusError); otherwise the container's own. `-d` prints
// the ID (before start, as docker does) and exits 0. Detaching with the keys exits 0 silently.

import { containerAttach, containerKill, containerResize, containerStart, containerWait, type WaitResponseWire } from '../../../client/containers.js';
import type { HijackedStream } from '../../../client/hijack.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';
import { CONTAINER_FLAGS, type ContainerFlagValues } from './create-flags.js';

export type RunOptions = ContainerFlagValues;

export const runCommand: CommandSpec<RunOptions> = {
  group: 'container',
  name: 'run',
  shortcuts: ['run'],
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  args: { min: 1 },
  interspersed: false,
  // In docker's alphabetical order; a plain comparison, as localeCompare would load ICU's
  // collator at startup.
  options: [
    ...CONTAINER_FLAGS,
    { flags: '-d, --detach', description: 'Run container in background and print container ID' },
    { flags: '--detach-keys <string>', description: 'Override the key sequence for detaching a container' },
    { flags: '--sig-proxy', description: 'Proxy received signals to the process (default true)', default: true },
  ].sort((a, b) => (longName(a.flags) < longName(b.flags) ? -1 : 1)),
  run: (cli, args, opts) => runRun(cli, args[0] ?? '', args.slice(1), opts),
};

function longName(flags: string): string {
  return /--([\w-]+)/.exec(flags)?.[1] ?? flags;
}

/** The `berth: <message>` block docker prints for run's failures (withHelp). */
export function runFailure(err: unknown, command: 'run' | 'create', code = 125): CommandFailure {
  return new CommandFailure(`berth: ${daemonErrorText(err)}\n\nRun 'berth ${command} --help' for more information`, code);
}

/** toStatusError: the start failure's exit code from its message. */
export function toStatusError(err: unknown): CommandFailure {
  const msg = daemonErrorText(err);
  let code = 125;
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) code = 127;
  else if (/permission denied|is a directory/.test(msg)) code = 126;
  return runFailure(err, 'run', code);
}

export async function runRun(cli: Cli, image: string, args: string[], opts: RunOptions): Promise<number> {
  const [{ ConfigError }, { createContainer, parseCreateFlags }, { streamHijacked }, { forwardSignals }, { monitorTtySize }] =
    await Promise.all([import('./create-config.js'), import('./create-container.js'), import('./hijacked-io.js'), import('./signals.js'), import('./tty-size.js')]);
  const detach = opts.detach === true;
  let parsed: ReturnType<typeof parseCreateFlags>;
  try {
    parsed = parseCreateFlags(cli, image, args, opts);
  } catch (err) {
    if (err instanceof ConfigError) throw runFailure(err, 'run');
    throw err;
  }
  const { cfg } = parsed;
  if (!detach) {
    if (cfg.tty && cfg.attachStdin && !cli.in.isTTY) throw new CommandFailure('the input device is not a TTY', 1);
  } else {
    if (cfg.attachFlagCount > 0) throw new CommandFailure('conflicting options: cannot specify both --attach and --detach', 1);
    cfg.attachStdin = cfg.attachStdout = cfg.attachStderr = false;
    Object.assign(cfg.body, { AttachStdin: false, AttachStdout: false, AttachStderr: false, StdinOnce: false });
  }

  let id: string;
  try {
    id = await createContainer(cli, cfg, parsed.create);
  } catch (err) {
    throw toStatusError(err);
  }

  const c = cli.client();
  const stopSignals = opts.sigProxy !== false ? forwardSignals((sig) => void containerKill(c, id, sig).catch(() => undefined)) : () => undefined;
  let stopResize = (): void => undefined;
  let conn: HijackedStream | undefined;
  let over = false;
  try {
    const attach = cfg.attachStdin || cfg.attachStdout || cfg.attachStderr;
    if (!attach) cli.out.write(`${id}\n`);
    let streaming: Promise<'ended' | 'detached'> | undefined;
    if (attach) {
      conn = await containerAttach(c, id, {
        stdin: cfg.attachStdin,
        stdout: cfg.attachStdout,
        stderr: cfg.attachStderr,
        detachKeys: typeof opts.detachKeys === 'string' ? opts.detachKeys : undefined,
      });
      streaming = streamHijacked(conn.stream, {
        tty: cfg.tty,
        stdin: cfg.attachStdin ? cli.in : undefined,
        stdout: cfg.attachStdout ? cli.out : undefined,
        stderr: cfg.attachStderr ? (cfg.tty ? cli.out : cli.err) : undefined,
        detachKeys: typeof opts.detachKeys === 'string' ? opts.detachKeys : undefined,
        warn: (m) => cli.err.write(`WARNING: ${m}\n`),
      });
      // Looked at below; never an unhandled rejection meanwhile.
      streaming.catch(() => undefined);
    }

    // The wait's headers must be in before start (engine-api.md §2.3).
    let waited: Promise<WaitResponseWire>;
    try {
      waited = (await containerWait(c, id, { condition: cfg.autoRemove ? 'removed' : 'next-exit' })).result;
    } catch (err) {
      waited = Promise.reject(err);
      waited.catch(() => undefined);
    }
    let status: Promise<number> | undefined;
    const exitStatus = (): Promise<number> =>
      (status ??= (async () => {
        try {
          const r = await waited;
          if (!r.Error) return r.StatusCode;
          if (!over) cli.err.write(`Error waiting for container: ${r.Error.Message}\n`);
        } catch (err) {
          if (!over) cli.err.write(`error waiting for container: ${daemonErrorText(err)}\n`);
        }
        return 125;
      })());

    try {
      await containerStart(c, id);
    } catch (err) {
      if (conn) {
        conn.stream.destroy();
        await streaming?.catch(() => undefined);
      }
      if (cfg.autoRemove) await waited.catch(() => undefined);
      throw toStatusError(err);
    }
    if (!streaming) return 0;

    if (cfg.tty && cli.out.isTTY) stopResize = monitorTtySize(cli.out, cli.err, (s) => containerResize(c, id, s));

    const first = await Promise.race([
      streaming.then(
        (end) => ({ kind: 'stream' as const, end }),
        (err: unknown) => ({ kind: 'error' as const, err }),
      ),
      exitStatus().then((code) => ({ kind: 'status' as const, code })),
    ]);
    if (first.kind === 'error') throw new CommandFailure(daemonErrorText(first.err), 1);
    if (first.kind === 'stream') {
      if (first.end === 'detached') return 0;
      return await exitStatus();
    }
    // The container is gone; the output may still be draining.
    if (!cfg.attachStdout && !cfg.attachStderr) conn?.stream.destroy();
    await streaming.catch(() => undefined);
    return first.code;
  } finally {
    over = true;
    stopSignals();
    stopResize();
    conn?.stream.destroy();
  }
}
