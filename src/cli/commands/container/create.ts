// `berth create` / `berth container create`: the create half of run (create.go): the same flags
// and body, the pull on a missing image, `WARNING: …` lines, then the new container's ID.
// Daemon errors exit 1 as "Error response from daemon: …" (create does not map them as run
// does); flag and option errors exit 125.

import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { CONTAINER_FLAGS, type ContainerFlagValues } from './create-flags.js';
import { runFailure } from './run.js';

export const createCommand: CommandSpec<ContainerFlagValues> = {
  group: 'container',
  name: 'create',
  shortcuts: ['create'],
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  args: { min: 1 },
  interspersed: false,
  options: CONTAINER_FLAGS,
  run: (cli, args, opts) => runCreate(cli, args[0] ?? '', args.slice(1), opts),
};

export async function runCreate(cli: Cli, image: string, args: string[], opts: ContainerFlagValues): Promise<void> {
  const [{ ConfigError }, { createContainer, parseCreateFlags }] = await Promise.all([import('./create-config.js'), import('./create-container.js')]);
  let parsed: ReturnType<typeof parseCreateFlags>;
  try {
    parsed = parseCreateFlags(cli, image, args, opts);
  } catch (err) {
    if (err instanceof ConfigError) throw runFailure(err, 'create');
    throw err;
  }
  let id: string;
  try {
    id = await createContainer(cli, parsed.cfg, parsed.create);
  } catch (err) {
    if (err instanceof ConfigError) throw new CommandFailure(err.message, 1);
    throw err;
  }
  cli.out.write(`${id}\n`);
}
