// `berth rm` / `berth container rm`: `DELETE /containers/{c}[?force=1][&link=1][&v=1]` for each
// container. With -f a container that does not exist is only reported on stderr (exit 0).

import { containerRemove } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { isNotFound } from '../daemon-error.js';
import { forEachContainer } from './parallel.js';

export interface RmOptions {
  force?: boolean;
  link?: boolean;
  volumes?: boolean;
}

export const rmCommand: CommandSpec<RmOptions> = {
  group: 'container',
  name: 'rm',
  aliases: ['remove'],
  shortcuts: ['rm'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  args: { min: 1 },
  options: [
    { flags: '-f, --force', description: 'Force the removal of a running container (uses SIGKILL)' },
    { flags: '-l, --link', description: 'Remove the specified link' },
    { flags: '-v, --volumes', description: 'Remove anonymous volumes associated with the container' },
  ],
  run: (cli, args, opts) => runRm(cli, args, opts),
};

export async function runRm(cli: Cli, containers: string[], opts: RmOptions): Promise<void> {
  await forEachContainer(
    cli,
    containers,
    async (name) => {
      const id = name.replace(/^\/+|\/+$/g, '');
      if (id === '') throw new Error('container name cannot be empty');
      await containerRemove(cli.client(), id, { force: opts.force, link: opts.link, volumes: opts.volumes });
    },
    { tolerate: (err) => opts.force === true && isNotFound(err) },
  );
}
