// `berth image push` / `berth push`: `POST /images/<name>/push?tag=…` with the credentials from
// the config file, the progress stream rendered as the docker CLI does.

import { imagePush } from '../../../client/images.js';
import { fullName } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { registryAuthHeader } from '../../docker-config.js';
import { renderTransfer, transferTarget } from './pull.js';

export interface ImagePushOptions {
  allTags?: boolean;
  quiet?: boolean;
}

export const imagePushCommand: CommandSpec<ImagePushOptions> = {
  group: 'image',
  name: 'push',
  shortcuts: ['push'],
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  args: { min: 1, max: 1 },
  options: [
    { flags: '-a, --all-tags', description: 'Push all tags of an image to the repository' },
    { flags: '-q, --quiet', description: 'Suppress verbose output' },
  ],
  run: (cli, args, opts) => runImagePush(cli, args[0] ?? '', opts),
};

export async function runImagePush(cli: Cli, name: string, opts: ImagePushOptions): Promise<void> {
  const ref = transferTarget(cli, name, opts);
  const res = await imagePush(cli.client(), fullName(ref), {
    tag: opts.allTags ? undefined : ref.tag,
    registryAuth: await registryAuthHeader(cli.env, ref.domain),
  });
  await renderTransfer(cli, res, opts.quiet);
  if (opts.quiet) cli.out.write(`${name}\n`);
}
