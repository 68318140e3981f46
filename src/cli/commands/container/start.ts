// `berth start` / `berth container start`: starts each container and prints its name; failures
// are printed as they happen and summed up as `Error: failed to start containers: a, b` (exit
// 1). With -a or -i (one container only) it attaches first, as run does: inspect, attach
// (stdin only with -i and an OpenStdin container), wait (next-exit, or removed for --rm
// containers), start, resize with a TTY, stream, and exit with the container's code.

import {
  containerAttach,
  containerInspect,
  containerKill,
  containerResize,
  containerStart,
  containerWait,
  type WaitResponseWire,
} from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export interface StartOptions {
  attach?: boolean;
  interactive?: boolean;
  detachKeys?: string;
}

export const startCommand: CommandSpec<StartOptions> = {
  group: 'container',
  name: 'start',
  shortcuts: ['start'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  args: { min: 1 },
  options: [
    { flags: '-a, --attach', description: 'Attach STDOUT/STDERR and forward signals' },
    { flags: '--detach-keys <string>', description: 'Override the key sequence for detaching a container' },
    { flags: '-i, --interactive', description: "Attach container's STDIN" },
  ],
  run: (cli, args, opts) => runStart(cli, args, opts),
};

export async function runStart(cli: Cli, containers: string[], opts: StartOptions): Promise<number> {
  if (opts.attach || opts.interactive) {
    if (containers.length > 1) throw new CommandFailure('you cannot start and attach multiple containers at once', 1);
    return startAttached(cli, containers[0] ?? '', opts);
  }
  const failed: string[] = [];
  for (const name of containers) {
    try {
      await containerStart(cli.client(), name);
      cli.out.write(`${name}\n`);
    } catch (err) {
      cli.err.write(`${daemonErrorText(err)}\n`);
      failed.push(name);
    }
  }
  if (failed.length > 0) throw new CommandFailure(`Error: failed to start containers: ${failed.join(', ')}`, 1);
  return 0;
}

async function startAttached(cli: Cli, name: string, opts: StartOptions): Promise<number> {
  const [{ streamHijacked }, { forwardSignals }, { monitorTtySize }] = await Promise.all([
    import('./hijacked-io.js'),
    import('./signals.js'),
    import('./tty-size.js'),
  ]);
  const c = cli.client();
  const info = await containerInspect(c, name);
  const id = info.Id;
  const tty = info.Config?.Tty === true;
  const stdin = opts.interactive === true && info.Config?.OpenStdin === true;
  const autoRemove = info.HostConfig?.AutoRemove === true;
  const stopSignals = tty ? () => undefined : forwardSignals((sig) => void containerKill(c, id, sig).catch(() => undefined));
  let stopResize = (): void => undefined;
  const conn = await containerAttach(c, id, { stdin, stdout: true, stderr: true, detachKeys: opts.detachKeys }).catch((err: unknown) => {
    stopSignals();
    throw err;
  });
  try {
    const streaming = streamHijacked(conn.stream, {
      tty,
      stdin: stdin ? cli.in : undefined,
      stdout: cli.out,
      stderr: cli.err,
      detachKeys: opts.detachKeys,
      warn: (m) => cli.err.write(`WARNING: ${m}\n`),
    });
    streaming.catch(() => undefined);
    let waited: Promise<WaitResponseWire>;
    try {
      waited = (await containerWait(c, id, { condition: autoRemove ? 'removed' : 'next-exit' })).result;
    } catch (err) {
      waited = Promise.reject(err);
      waited.catch(() => undefined);
    }
    try {
      await containerStart(c, id);
    } catch (err) {
      conn.stream.destroy();
      await streaming.catch(() => undefined);
      if (autoRemove) await waited.catch(() => undefined);
      throw err;
    }
    if (tty && cli.out.isTTY) stopResize = monitorTtySize(cli.out, cli.err, (s) => containerResize(c, id, s));
    let end: 'ended' | 'detached';
    try {
      end = await streaming;
    } catch (err) {
      throw new CommandFailure(daemonErrorText(err), 1);
    }
    if (end === 'detached') return 0;
    try {
      const r = await waited;
      if (r.Error) {
        cli.err.write(`Error waiting for container: ${r.Error.Message}\n`);
        return 125;
      }
      return r.StatusCode;
    } catch (err) {
      cli.err.write(`error waiting for container: ${daemonErrorText(err)}\n`);
      return 125;
    }
  } finally {
    stopSignals();
    stopResize();
    conn.stream.destroy();
  }
}
