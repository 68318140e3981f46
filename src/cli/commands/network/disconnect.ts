// `berth network disconnect`: `POST /networks/{id}/disconnect` with `{"Container","Force"}`.

import { networkDisconnect } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';

export interface NetworkDisconnectOptions {
  force?: boolean;
}

export const networkDisconnectCommand: CommandSpec<NetworkDisconnectOptions> = {
  group: 'network',
  name: 'disconnect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  args: { min: 2, max: 2 },
  options: [{ flags: '-f, --force', description: 'Force the container to disconnect from a network' }],
  run: (cli, args, opts) => runNetworkDisconnect(cli, args[0] ?? '', args[1] ?? '', opts),
};

export async function runNetworkDisconnect(cli: Cli, network: string, container: string, opts: NetworkDisconnectOptions): Promise<void> {
  await networkDisconnect(cli.client(), network, container, { force: opts.force });
}
