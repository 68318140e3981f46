// `berth image pull` / `berth pull`: as the docker CLI does it, the name is normalised here and
// sent fully qualified with the tag apart (`fromImage=docker.io/library/alpine&tag=latest`),
// credentials from the config file go in X-Registry-Auth, the progress stream is rendered (bars
// on a terminal, plain lines otherwise), and the full reference is printed at the end.

import { imagePull } from '../../../client/images.js';
import { errorMessage } from '../../../core/errors.js';
import { type Reference, fullName, fullString, isNameOnly, parseNormalizedNamed, withDefaultTag } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { registryAuthHeader } from '../../docker-config.js';
import { parseJsonLines, renderJsonMessages } from '../../output/json-message.js';
import { CommandFailure } from '../../program.js';
import { normalizePlatform } from '../container/create-container.js';

export interface ImagePullOptions {
  allTags?: boolean;
  quiet?: boolean;
  platform?: string;
}

export const imagePullCommand: CommandSpec<ImagePullOptions> = {
  group: 'image',
  name: 'pull',
  shortcuts: ['pull'],
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  args: { min: 1, max: 1 },
  options: [
    { flags: '-a, --all-tags', description: 'Download all tagged images in the repository' },
    { flags: '-q, --quiet', description: 'Suppress verbose output' },
    { flags: '--platform <string>', description: 'Set platform if server is multi-platform capable' },
  ],
  run: (cli, args, opts) => runImagePull(cli, args[0] ?? '', opts),
};

/**
 * The NAME argument of pull and push: normalised, refused with a tag under -a, and given the
 * default tag (announced as the docker CLI does) otherwise.
 */
export function transferTarget(cli: Cli, name: string, opts: { allTags?: boolean; quiet?: boolean }): Reference {
  let ref: Reference;
  try {
    ref = parseNormalizedNamed(name);
  } catch (err) {
    throw new CommandFailure(errorMessage(err));
  }
  if (opts.allTags && !isNameOnly(ref)) throw new CommandFailure("tag can't be used with --all-tags/-a");
  if (!opts.allTags && isNameOnly(ref)) {
    ref = withDefaultTag(ref);
    if (!opts.quiet) cli.out.write(`Using default tag: ${ref.tag}\n`);
  }
  return ref;
}

/** Renders a pull or push progress stream on stdout (nothing with -q). */
export async function renderTransfer(cli: Cli, res: AsyncIterable<string | Uint8Array>, quiet: boolean | undefined): Promise<void> {
  const out = quiet ? { write: () => true } : cli.out;
  await renderJsonMessages(parseJsonLines(res), out, { isTerminal: !quiet && !!cli.out.isTTY, terminalWidth: cli.out.columns });
}

export async function runImagePull(cli: Cli, name: string, opts: ImagePullOptions): Promise<void> {
  const ref = transferTarget(cli, name, opts);
  const res = await imagePull(cli.client(), fullName(ref), {
    tag: ref.digest ?? ref.tag,
    platform: opts.platform ? normalizePlatform(opts.platform) : undefined,
    registryAuth: await registryAuthHeader(cli.env, ref.domain),
  });
  await renderTransfer(cli, res, opts.quiet);
  cli.out.write(`${opts.allTags ? fullName(ref) : fullString(ref)}\n`);
}
