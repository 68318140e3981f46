// `berth attach` / `berth container attach`: joins a running container's streams (attach.go).
// The wait (condition not-running) goes out first, then inspect refuses stopped, paused and
// restarting containers in docker's words; stdin is attached when the container has OpenStdin
// and --no-stdin is not given; without a TTY the CLI's signals are forwarded (--sig-proxy).
// With a TTY the size is sent as rows+1, cols+1 and then the real size, as docker does to
// make the program redraw. Exit code: the container's. Detaching with the keys is an error
// (`read escape sequence`, exit 1), as in docker.

import {
  type ContainerInspectWire,
  type WaitResponseWire,
  containerAttach,
  containerInspect,
  containerKill,
  containerResize,
  containerWait,
} from '../../../client/containers.js';
import type { EngineClient } from '../../../client/engine-client.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';

export interface AttachOptions {
  /** Commander's name for --no-stdin: false when given. */
  stdin?: boolean;
  sigProxy?: boolean;
  detachKeys?: string;
}

export const attachCommand: CommandSpec<AttachOptions> = {
  group: 'container',
  name: 'attach',
  shortcuts: ['attach'],
  usage: '[OPTIONS] CONTAINER',
  description: 'Attach local standard input, output, and error streams to a running container',
  args: { min: 1, max: 1 },
  options: [
    { flags: '--detach-keys <string>', description: 'Override the key sequence for detaching a container' },
    { flags: '--no-stdin', description: 'Do not attach STDIN' },
    { flags: '--sig-proxy', description: 'Proxy all received signals to the process (default true)', default: true },
  ],
  run: (cli, args, opts) => runAttach(cli, args[0] ?? '', opts),
};

async function inspectAndCheck(c: EngineClient, id: string): Promise<ContainerInspectWire> {
  const info = await containerInspect(c, id);
  if (!info.State?.Running) throw new CommandFailure('You cannot attach to a stopped container, start it first', 1);
  if (info.State.Paused) throw new CommandFailure('You cannot attach to a paused container, unpause it first', 1);
  if (info.State.Restarting) throw new CommandFailure('You cannot attach to a restarting container, wait until it is running', 1);
  return info;
}

export async function runAttach(cli: Cli, container: string, opts: AttachOptions): Promise<number> {
  const [{ streamHijacked }, { forwardSignals }, { monitorTtySize, ttySize }] = await Promise.all([
    import('./hijacked-io.js'),
    import('./signals.js'),
    import('./tty-size.js'),
  ]);
  const c = cli.client();
  const waiting: Promise<WaitResponseWire> = containerWait(c, container).then((w) => w.result);
  waiting.catch(() => undefined);
  const info = await inspectAndCheck(c, container);
  const tty = info.Config?.Tty === true;
  const noStdin = opts.stdin === false;
  if (!noStdin && tty && !cli.in.isTTY) throw new CommandFailure('the input device is not a TTY', 1);
  const stdin = !noStdin && info.Config?.OpenStdin === true;
  const stopSignals = opts.sigProxy !== false && !tty ? forwardSignals((sig) => void containerKill(c, container, sig).catch(() => undefined)) : () => undefined;
  let stopResize = (): void => undefined;
  try {
    const conn = await containerAttach(c, container, { stdin, stdout: true, stderr: true, detachKeys: opts.detachKeys });
    try {
      await inspectAndCheck(c, container);
      if (tty && cli.out.isTTY) {
        const size = ttySize(cli.out);
        if (size.height !== 0 || size.width !== 0) await containerResize(c, container, { height: size.height + 1, width: size.width + 1 }).catch(() => undefined);
        stopResize = monitorTtySize(cli.out, cli.err, (s) => containerResize(c, container, s));
      }
      let end: 'ended' | 'detached';
      try {
        end = await streamHijacked(conn.stream, {
          tty,
          stdin: stdin ? cli.in : undefined,
          stdout: cli.out,
          stderr: cli.err,
          detachKeys: opts.detachKeys,
          warn: (m) => cli.err.write(`WARNING: ${m}\n`),
        });
      } catch (err) {
        throw new CommandFailure(daemonErrorText(err), 1);
      }
      if (end === 'detached') throw new CommandFailure('read escape sequence', 1);
    } finally {
      conn.stream.destroy();
    }
    let r: WaitResponseWire;
    try {
      r = await waiting;
    } catch (err) {
      throw new CommandFailure(daemonErrorText(err), 1);
    }
    if (r.Error) throw new CommandFailure(r.Error.Message, 1);
    return r.StatusCode;
  } finally {
    stopSignals();
    stopResize();
  }
}
