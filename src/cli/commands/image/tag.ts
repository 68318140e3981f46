// `berth image tag` / `berth tag SOURCE TARGET`: as the docker CLI's client does it, TARGET is
// normalised here and sent fully qualified (`repo=docker.io/library/x&tag=latest`).

import { imageTag } from '../../../client/images.js';
import { errorMessage } from '../../../core/errors.js';
import { classifyImageRef, fullName, parseNormalizedNamed } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';

export const imageTagCommand: CommandSpec<Record<string, never>> = {
  group: 'image',
  name: 'tag',
  shortcuts: ['tag'],
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  args: { min: 2, max: 2 },
  run: (cli, args) => runImageTag(cli, args[0] ?? '', args[1] ?? ''),
};

export async function runImageTag(cli: Cli, source: string, target: string): Promise<void> {
  const { repo, tag } = tagTarget(source, target);
  await imageTag(cli.client(), source, repo, tag);
}

/** The moby client's ImageTag checks, with its words. */
export function tagTarget(source: string, target: string): { repo: string; tag: string } {
  const invalid = (ref: string, err: unknown): CommandFailure =>
    new CommandFailure(`Error parsing reference: ${JSON.stringify(ref)} is not a valid repository/tag: ${errorMessage(err)}`);
  try {
    classifyImageRef(source);
  } catch (err) {
    throw invalid(source, err);
  }
  let ref;
  try {
    ref = parseNormalizedNamed(target);
  } catch (err) {
    throw invalid(target, err);
  }
  if (ref.digest !== undefined) throw new CommandFailure('refusing to create a tag with a digest reference');
  return { repo: fullName(ref), tag: ref.tag ?? 'latest' };
}
