// `berth inspect`: docker's generic inspect (system/inspect.go). For each name it tries, in
// order, a container, an image, a network and a volume; then, only when `GET /info` says this
// is a swarm manager, a service, task and node; then a plugin, and (swarm) a secret and a
// config. A 404, or an error saying "not supported" or "invalid reference format", moves on to
// the next kind; other errors stop there. Nothing found: `Error: No such object: X`. --type
// limits the search to one kind. Output as every inspect: an indented JSON array or --format.

import { containerInspect } from '../../../client/containers.js';
import { imageInspect } from '../../../client/images.js';
import { systemInfo } from '../../../client/system.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { printInspect } from '../container/inspect.js';
import { daemonErrorText, isNotFound } from '../daemon-error.js';

export interface InspectOptions {
  format?: string;
  type?: string;
  size?: boolean;
}

const ALL_TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

export const inspectCommand: CommandSpec<InspectOptions> = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on Docker objects',
  args: { min: 1 },
  options: [
    { flags: '-f, --format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" },
    { flags: '-s, --size', description: 'Display total file sizes if the type is container' },
    { flags: '--type <string>', description: 'Only inspect objects of the given type' },
  ],
  run: (cli, args, opts) => runInspect(cli, args, opts),
};

interface Kind {
  type: string;
  swarm?: boolean;
  sized?: boolean;
  get(cli: Cli, ref: string, size: boolean): Promise<unknown>;
}

const seg = (s: string): string => encodeURIComponent(s);
// Networks, volumes, plugins and swarm objects have no client module of their own yet: their
// inspect endpoints are one GET each.
const raw =
  (path: (ref: string) => string) =>
  (cli: Cli, ref: string): Promise<unknown> =>
    cli.client().json('GET', path(ref));

const KINDS: Kind[] = [
  { type: 'container', sized: true, get: (cli, ref, size) => containerInspect(cli.client(), ref, { size }) },
  { type: 'image', get: (cli, ref) => imageInspect(cli.client(), ref) },
  { type: 'network', get: raw((r) => `/networks/${seg(r)}`) },
  { type: 'volume', get: raw((r) => `/volumes/${seg(r)}`) },
  { type: 'service', swarm: true, get: raw((r) => `/services/${seg(r)}?insertDefaults=1`) },
  { type: 'task', swarm: true, get: raw((r) => `/tasks/${seg(r)}`) },
  { type: 'node', swarm: true, get: raw((r) => `/nodes/${seg(r)}`) },
  { type: 'plugin', get: raw((r) => `/plugins/${seg(r)}/json`) },
  { type: 'secret', swarm: true, get: raw((r) => `/secrets/${seg(r)}`) },
  { type: 'config', swarm: true, get: raw((r) => `/configs/${seg(r)}`) },
];

function skippable(err: unknown): boolean {
  if (isNotFound(err)) return true;
  const msg = err instanceof Error ? err.message : String(err);
  return msg.includes('not supported') || msg.includes('invalid reference format');
}

export async function runInspect(cli: Cli, refs: string[], opts: InspectOptions): Promise<void> {
  const only = opts.type;
  if (only !== undefined && only === '') throw new CommandFailure(`type is empty: must be one of "${ALL_TYPES.join('", "')}"`, 1);
  if (only !== undefined && !ALL_TYPES.includes(only)) {
    throw new CommandFailure(`unknown type: ${JSON.stringify(only)}: must be one of "${ALL_TYPES.join('", "')}"`, 1);
  }
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const ref of refs) {
    let swarm: boolean | undefined;
    let result: { value: unknown } | undefined;
    let failure: string | undefined;
    for (const kind of KINDS) {
      if (only !== undefined && kind.type !== only) continue;
      if (only === undefined && kind.swarm) {
        swarm ??= await isSwarmManager(cli);
        if (!swarm) continue;
      }
      try {
        const value = await kind.get(cli, ref, opts.size === true);
        if (opts.size && !kind.sized) cli.err.write(`WARNING: --size ignored for ${kind.type}\n`);
        result = { value };
        break;
      } catch (err) {
        if (only === undefined && skippable(err)) continue;
        failure = daemonErrorText(err);
        break;
      }
    }
    if (result) found.push(result.value);
    else errors.push(failure ?? `Error: No such object: ${ref}`);
  }
  printInspect(cli, found, errors, opts.format);
}

async function isSwarmManager(cli: Cli): Promise<boolean> {
  try {
    const info = await systemInfo(cli.client());
    const s = info.Swarm as { ControlAvailable?: boolean } | undefined;
    return s?.ControlAvailable === true;
  } catch (err) {
    cli.err.write(`${daemonErrorText(err)}\n`);
    return false;
  }
}
