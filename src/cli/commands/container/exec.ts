// `berth exec` / `berth container exec`: runs a command in a running container (exec.go):
// inspect (existence), `POST /containers/{c}/exec`, then `POST /exec/{id}/start` hijacked (or
// with Detach:true and no stream for -d), a resize with -t on a terminal, and after the stream
// ends `GET /exec/{id}/json`: its ExitCode is berth's. A command that cannot start gives 126 or
// 127 the same way, the daemon's message arriving on the stream (engine-api.md §1.6).

import { containerInspect } from '../../../client/containers.js';
import { type ExecCreateBody, execCreate, execInspect, execResize, execStartAttached, execStartDetached } from '../../../client/exec.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export interface ExecOptions {
  detach?: boolean;
  detachKeys?: string;
  env?: string[];
  envFile?: string[];
  interactive?: boolean;
  privileged?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
}

export const execCommand: CommandSpec<ExecOptions> = {
  group: 'container',
  name: 'exec',
  shortcuts: ['exec'],
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  args: { min: 2 },
  interspersed: false,
  options: [
    { flags: '-d, --detach', description: 'Detached mode: run command in the background' },
    { flags: '--detach-keys <string>', description: 'Override the key sequence for detaching a container' },
    { flags: '-e, --env <list>', description: 'Set environment variables', repeat: true },
    { flags: '--env-file <list>', description: 'Read in a file of environment variables', repeat: true },
    { flags: '-i, --interactive', description: 'Keep STDIN open even if not attached' },
    { flags: '--privileged', description: 'Give extended privileges to the command' },
    { flags: '-t, --tty', description: 'Allocate a pseudo-TTY' },
    { flags: '-u, --user <string>', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { flags: '-w, --workdir <string>', description: 'Working directory inside the container' },
  ],
  run: (cli, args, opts) => runExec(cli, args[0] ?? '', args.slice(1), opts),
};

export async function runExec(cli: Cli, container: string, cmd: string[], opts: ExecOptions): Promise<number> {
  const [{ streamHijacked }, { monitorTtySize, ttySize }, { readEnv }, { ConfigError }] = await Promise.all([
    import('./hijacked-io.js'),
    import('./tty-size.js'),
    import('./env-file.js'),
    import('./config-error.js'),
  ]);
  const detach = opts.detach === true;
  const tty = opts.tty === true;
  let env: string[];
  try {
    env = readEnv(opts.env ?? [], opts.envFile ?? [], cli.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CommandFailure(err.message, 1);
    throw err;
  }
  const body: ExecCreateBody = {
    User: opts.user ?? '',
    Privileged: opts.privileged === true,
    Tty: tty,
    AttachStdin: !detach && opts.interactive === true,
    AttachStderr: !detach,
    AttachStdout: !detach,
    Detach: detach,
    DetachKeys: opts.detachKeys ?? '',
    Env: env.length > 0 ? env : null,
    WorkingDir: opts.workdir ?? '',
    Cmd: cmd,
  };
  const c = cli.client();
  await containerInspect(c, container);
  if (!detach && tty && body.AttachStdin && !cli.in.isTTY) throw new CommandFailure('the input device is not a TTY', 1);
  const size = ttySize(cli.out);
  const consoleSize: [number, number] | undefined = tty ? [size.height, size.width] : undefined;
  const { Id: id } = await execCreate(c, container, consoleSize ? { ...body, ConsoleSize: consoleSize } : body);
  if (!id) throw new CommandFailure('exec ID empty', 1);
  const start = { Detach: detach, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) };
  if (detach) {
    await execStartDetached(c, id, start);
    return 0;
  }
  const conn = await execStartAttached(c, id, start);
  let stopResize = (): void => undefined;
  try {
    const streaming = streamHijacked(conn.stream, {
      tty,
      stdin: body.AttachStdin ? cli.in : undefined,
      stdout: cli.out,
      stderr: tty ? cli.out : cli.err,
      detachKeys: opts.detachKeys,
      warn: (m) => cli.err.write(`WARNING: ${m}\n`),
    });
    if (tty && cli.in.isTTY) stopResize = monitorTtySize(cli.out, cli.err, (s) => execResize(c, id, s));
    let end: 'ended' | 'detached';
    try {
      end = await streaming;
    } catch (err) {
      throw new CommandFailure(daemonErrorText(err), 1);
    }
    if (end === 'detached') throw new CommandFailure('read escape sequence', 1);
  } finally {
    stopResize();
    conn.stream.destroy();
  }
  const info = await execInspect(c, id);
  return info.ExitCode ?? 0;
}
