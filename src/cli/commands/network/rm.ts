// `berth network rm` (remove): for each network, in order, `GET /networks/{id}` (docker asks
// before removing the swarm routing-mesh network, and a `n` skips it), then
// `DELETE /networks/{id}`. A removed network's name is printed on stdout and a failure on
// stderr at once; with -f a network that does not exist is not reported. Any failure ends the
// command with docker's `exit status 1`.

import { networkInspect, networkRemove } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { confirm } from '../confirm.js';
import { daemonErrorText, isNotFound } from '../daemon-error.js';

export interface NetworkRmOptions {
  force?: boolean;
}

const INGRESS_WARNING =
  'WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. ' +
  'Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.\n' +
  'Are you sure you want to continue?';

export const networkRmCommand: CommandSpec<NetworkRmOptions> = {
  group: 'network',
  name: 'rm',
  aliases: ['remove'],
  usage: 'NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  args: { min: 1 },
  options: [{ flags: '-f, --force', description: 'Do not error if the network does not exist' }],
  run: (cli, args, opts) => runNetworkRm(cli, args, opts),
};

export async function runNetworkRm(cli: Cli, names: string[], opts: NetworkRmOptions): Promise<void> {
  let failed = false;
  for (const name of names) {
    const ingress = await networkInspect(cli.client(), name).then(
      (n) => n.Ingress === true,
      () => false,
    );
    if (ingress && !(await confirm(cli, INGRESS_WARNING))) continue;
    try {
      await networkRemove(cli.client(), name);
    } catch (err) {
      if (opts.force && isNotFound(err)) continue;
      cli.err.write(`${daemonErrorText(err)}\n`);
      failed = true;
      continue;
    }
    cli.out.write(`${name}\n`);
  }
  if (failed) throw new CommandFailure('exit status 1', 1);
}
