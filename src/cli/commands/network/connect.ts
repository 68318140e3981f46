// `berth network connect`: `POST /networks/{id}/connect` with the endpoint settings the docker
// CLI sends (every field of network.EndpointSettings, the daemon's own ones empty). --alias,
// --link-local-ip and --driver-opt take comma-separated lists, as pflag's string slices do.

import { DAEMON_ENDPOINT_FIELDS, type EndpointSettingsWire, networkConnect } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import { type CommandSpec, invalidFlagValue } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { parseGoInt } from '../container/go-int.js';
import { goMap, stringSlice } from './flag-values.js';

export interface NetworkConnectOptions {
  alias?: string[];
  driverOpt?: string[];
  gwPriority?: string;
  ip?: string;
  ip6?: string;
  link?: string[];
  linkLocalIp?: string[];
}

export const networkConnectCommand: CommandSpec<NetworkConnectOptions> = {
  group: 'network',
  name: 'connect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  args: { min: 2, max: 2 },
  options: [
    { flags: '--alias <strings>', description: 'Add network-scoped alias for the container', repeat: true },
    { flags: '--driver-opt <strings>', description: 'driver options for the network', repeat: true },
    { flags: '--gw-priority <int>', description: 'Highest gw-priority provides the default gateway. Accepts positive and negative values.' },
    { flags: '--ip <string>', description: 'IPv4 address (e.g., "172.30.100.104")' },
    { flags: '--ip6 <string>', description: 'IPv6 address (e.g., "2001:db8::33")' },
    { flags: '--link <list>', description: 'Add link to another container', repeat: true },
    { flags: '--link-local-ip <strings>', description: 'Add a link-local address for the container', repeat: true },
  ],
  run: (cli, args, opts) => runNetworkConnect(cli, args[0] ?? '', args[1] ?? '', opts),
};

export async function runNetworkConnect(cli: Cli, network: string, container: string, opts: NetworkConnectOptions): Promise<void> {
  await networkConnect(cli.client(), network, container, endpointSettings(opts));
}

/** docker's runConnect: the EndpointSettings from the flags; throws the CLI's errors. */
export function endpointSettings(opts: NetworkConnectOptions): EndpointSettingsWire {
  const links = (opts.link ?? []).map(validateLink);
  let gwPriority = 0;
  if (opts.gwPriority !== undefined) {
    try {
      gwPriority = parseGoInt(opts.gwPriority);
    } catch (err) {
      throw invalidFlagValue(opts.gwPriority, '--gw-priority', (err as Error).message);
    }
  }
  const linkLocal = stringSlice(opts.linkLocalIp, '--link-local-ip');
  // encoding/json leaves out the empty IPAM fields (omitempty).
  const ipam = {
    ...(opts.ip ? { IPv4Address: opts.ip } : {}),
    ...(opts.ip6 ? { IPv6Address: opts.ip6 } : {}),
    ...(linkLocal.length > 0 ? { LinkLocalIPs: linkLocal } : {}),
  };
  return {
    IPAMConfig: ipam,
    Links: links.length > 0 ? links : null,
    Aliases: stringSlice(opts.alias, '--alias'),
    MacAddress: '',
    DriverOpts: driverOpts(stringSlice(opts.driverOpt, '--driver-opt')),
    GwPriority: gwPriority,
    ...DAEMON_ENDPOINT_FIELDS,
  };
}

/** docker's convertDriverOpt: `k=v` with a key, both trimmed. */
function driverOpts(values: string[]): Record<string, string> {
  return goMap(
    values.map((opt) => {
      const eq = opt.indexOf('=');
      const key = eq < 0 ? '' : opt.slice(0, eq).trim();
      if (key === '') throw new CommandFailure('invalid key/value pair format in driver options', 1);
      return [key, opt.slice(eq + 1).trim()];
    }),
  );
}

/** opts.ValidateLink: `name` or `name:alias`. */
function validateLink(v: string): string {
  if (v === '') throw invalidFlagValue(v, '--link', 'empty string specified for links');
  if (v.split(':').length > 2) throw invalidFlagValue(v, '--link', `bad format for links: ${v}`);
  return v;
}
