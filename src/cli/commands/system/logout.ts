// `berth logout [SERVER]`: removes the registry's credentials from the docker CLI's config file.
// Nothing goes to the daemon, as with the docker CLI.

import { DEFAULT_DOMAIN } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { HUB_SERVER_ADDRESS, removeAuth } from '../../docker-config.js';
import { registryOf } from './login.js';

export const logoutCommand: CommandSpec<Record<string, never>> = {
  name: 'logout',
  usage: '[SERVER]',
  description: 'Log out from a registry',
  args: { max: 1 },
  run: (cli, args) => runLogout(cli, args[0]),
};

export async function runLogout(cli: Cli, server: string | undefined): Promise<void> {
  const domain = registryOf(server);
  const shown = domain === DEFAULT_DOMAIN ? HUB_SERVER_ADDRESS : domain;
  if (await removeAuth(cli.env, domain)) cli.out.write(`Removing login credentials for ${shown}\n`);
  else cli.out.write(`Not logged in to ${shown}\n`);
}
