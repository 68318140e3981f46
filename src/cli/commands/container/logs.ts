// `berth logs` / `berth container logs`: inspect for the ID and Config.Tty, then `GET
// /containers/{id}/logs?stderr=1&stdout=1&tail=…` copied raw (TTY) or demultiplexed to stdout
// and stderr. --since and --until take what docker's client takes (a Go duration back from now,
// an RFC 3339 date or time, Unix seconds) and send Unix seconds. -f follows until the container
// stops.

import { containerInspect, containerLogs } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { clientTimestamp } from '../system/events.js';
import { stdCopy, writeTo } from './stdcopy.js';

export interface LogsOptions {
  follow?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  details?: boolean;
  tail?: string;
}

export const logsCommand: CommandSpec<LogsOptions> = {
  group: 'container',
  name: 'logs',
  shortcuts: ['logs'],
  usage: '[OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  args: { min: 1, max: 1 },
  options: [
    { flags: '--details', description: 'Show extra details provided to logs' },
    { flags: '-f, --follow', description: 'Follow log output' },
    { flags: '--since <string>', description: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { flags: '-n, --tail <string>', description: 'Number of lines to show from the end of the logs', default: 'all' },
    { flags: '-t, --timestamps', description: 'Show timestamps' },
    { flags: '--until <string>', description: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  run: (cli, args, opts) => runLogs(cli, args[0] ?? '', opts),
};

export async function runLogs(cli: Cli, container: string, opts: LogsOptions, signal?: AbortSignal): Promise<void> {
  const c = cli.client();
  const info = await containerInspect(c, container);
  const now = new Date();
  const res = await containerLogs(c, info.Id, {
    since: opts.since ? clientTimestamp(opts.since, now) : undefined,
    until: opts.until ? clientTimestamp(opts.until, now) : undefined,
    timestamps: opts.timestamps,
    follow: opts.follow,
    tail: opts.tail ?? 'all',
    details: opts.details,
    ...(signal ? { signal } : {}),
  });
  try {
    if (info.Config?.Tty) {
      for await (const chunk of res) await writeTo(cli.out, chunk as Buffer);
    } else {
      await stdCopy(res, cli.out, cli.err);
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw new CommandFailure((err as Error).message, 1);
  }
}
