// `berth commit` / `berth container commit CONTAINER [REPOSITORY[:TAG]]`: `POST /commit`, a new
// image from the container's changes; prints its ID. The name is checked and sent fully
// qualified, as the moby client does (`repo=docker.io/library/x&tag=latest`).

import { containerCommit } from '../../../client/containers.js';
import { errorMessage } from '../../../core/errors.js';
import { fullName, parseNormalizedNamed } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';

export interface CommitOptions {
  author?: string;
  change?: string[];
  message?: string;
  pause?: boolean;
}

export const commitCommand: CommandSpec<CommitOptions> = {
  group: 'container',
  name: 'commit',
  shortcuts: ['commit'],
  usage: "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
  description: "Create a new image from a container's changes",
  args: { min: 1, max: 2 },
  options: [
    { flags: '-a, --author <string>', description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { flags: '-c, --change <list>', description: 'Apply Dockerfile instruction to the created image', repeat: true },
    { flags: '-m, --message <string>', description: 'Commit message' },
    { flags: '-p, --pause', description: 'Pause container during commit (default true)', default: true },
  ],
  run: (cli, args, opts) => runCommit(cli, args[0] ?? '', args[1], opts),
};

export async function runCommit(cli: Cli, container: string, reference: string | undefined, opts: CommitOptions): Promise<void> {
  let repo: string | undefined;
  let tag: string | undefined;
  if (reference) {
    let ref;
    try {
      ref = parseNormalizedNamed(reference);
    } catch (err) {
      throw new CommandFailure(errorMessage(err));
    }
    if (ref.digest !== undefined) throw new CommandFailure('refusing to create a tag with a digest reference');
    repo = fullName(ref);
    tag = ref.tag ?? 'latest';
  }
  const res = await containerCommit(cli.client(), container, {
    repo,
    tag,
    comment: opts.message || undefined,
    author: opts.author || undefined,
    changes: opts.change ?? [],
    pause: opts.pause !== false,
  });
  cli.out.write(`${res.Id}\n`);
}
