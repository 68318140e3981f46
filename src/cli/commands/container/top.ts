// `berth top` / `berth container top`: `GET /containers/{c}/top[?ps_args=…]`, the process table
// aligned as docker aligns it (tabwriter: minimum width 20, padding 3). Everything after the
// container is ps's arguments.

import { containerTop } from '../../../client/containers.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { TabWriter } from '../../output/tab-writer.js';

export const topCommand: CommandSpec<Record<string, never>> = {
  group: 'container',
  name: 'top',
  shortcuts: ['top'],
  usage: 'CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  args: { min: 1 },
  interspersed: false,
  run: (cli, args) => runTop(cli, args[0] ?? '', args.slice(1)),
};

export async function runTop(cli: Cli, container: string, psArgs: string[]): Promise<void> {
  const top = await containerTop(cli.client(), container, psArgs);
  const tw = new TabWriter(cli.out, { minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ' });
  tw.write(`${(top.Titles ?? []).join('\t')}\n`);
  for (const p of top.Processes ?? []) tw.write(`${p.join('\t')}\n`);
  tw.flush();
}
