// `berth diff` / `berth container diff`: `GET /containers/{c}/changes`, one `K /path` line per
// change as docker prints them (C changed, A added, D deleted).

import { containerChanges } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';

const KIND_LETTER = ['C', 'A', 'D'] as const;

export const diffCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'diff',
  shortcuts: ['diff'],
  usage: 'CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  args: { min: 1, max: 1 },
  run: (cli, args) => runDiff(cli, args[0] ?? ''),
};

export async function runDiff(cli: Cli, container: string): Promise<void> {
  const changes = (await containerChanges(cli.client(), container)) ?? [];
  for (const c of changes) cli.out.write(`${KIND_LETTER[c.Kind] ?? '?'} ${c.Path}\n`);
}
