// `berth network create`: docker 28's flags → `POST /networks/create` with the body the docker
// CLI sends (the same fields, order and defaults), then the new network's ID on stdout. The
// subnet, range, gateway and aux-address checks are the CLI's own (ipam.ts): their errors are
// printed as they are, exit 1. --config-only, --config-from, --ingress and --scope are sent
// on as docker sends them; the daemon decides.

import { type IpamConfigWire, type NetworkCreateRequestWire, networkCreate } from '../../../client/networks.js';
import type { Cli } from '../../cli.js';
import { type CommandSpec, invalidFlagValue } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { createIpamConfig } from './ipam.js';
import { goMap, keyValue, stringSlice } from './flag-values.js';

export interface NetworkCreateOptions {
  driver?: string;
  opt?: string[];
  label?: string[];
  internal?: boolean;
  /** Left undefined unless given: docker sends EnableIPv4/EnableIPv6 only then. */
  ipv4?: boolean;
  ipv6?: boolean;
  attachable?: boolean;
  ingress?: boolean;
  scope?: string;
  configOnly?: boolean;
  configFrom?: string;
  ipamDriver?: string;
  subnet?: string[];
  ipRange?: string[];
  gateway?: string[];
  auxAddress?: string[];
  ipamOpt?: string[];
}

export const networkCreateCommand: CommandSpec<NetworkCreateOptions> = {
  group: 'network',
  name: 'create',
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  args: { min: 1, max: 1 },
  options: [
    { flags: '--attachable', description: 'Enable manual container attachment' },
    { flags: '--aux-address <map>', description: 'Auxiliary IPv4 or IPv6 addresses used by Network driver', repeat: true },
    { flags: '--config-from <string>', description: 'The network from which to copy the configuration' },
    { flags: '--config-only', description: 'Create a configuration only network' },
    { flags: '-d, --driver <string>', description: 'Driver to manage the Network', default: 'bridge' },
    { flags: '--gateway <strings>', description: 'IPv4 or IPv6 Gateway for the master subnet', repeat: true },
    { flags: '--ingress', description: 'Create swarm routing-mesh network' },
    { flags: '--internal', description: 'Restrict external access to the network' },
    { flags: '--ip-range <strings>', description: 'Allocate container ip from a sub-range', repeat: true },
    { flags: '--ipam-driver <string>', description: 'IP Address Management Driver', default: 'default' },
    { flags: '--ipam-opt <map>', description: 'Set IPAM driver specific options', repeat: true },
    { flags: '--ipv4', description: 'Enable or disable IPv4 address assignment (default true)' },
    { flags: '--ipv6', description: 'Enable or disable IPv6 address assignment' },
    { flags: '--label <list>', description: 'Set metadata on a network', repeat: true },
    { flags: '-o, --opt <map>', description: 'Set driver specific options', repeat: true },
    { flags: '--scope <string>', description: "Control the network's scope" },
    { flags: '--subnet <strings>', description: 'Subnet in CIDR format that represents a network segment', repeat: true },
  ],
  run: (cli, args, opts) => runNetworkCreate(cli, args[0] ?? '', opts),
};

export async function runNetworkCreate(cli: Cli, name: string, opts: NetworkCreateOptions): Promise<void> {
  const body = networkCreateBody(name, opts);
  const created = await networkCreate(cli.client(), body);
  cli.out.write(`${created.Id}\n`);
}

/** The request docker's runCreate sends; throws its errors (a FlagError for a bad --label). */
export function networkCreateBody(name: string, opts: NetworkCreateOptions): NetworkCreateRequestWire {
  const labels = (opts.label ?? []).map(validateLabel);
  const flags = {
    subnets: stringSlice(opts.subnet, '--subnet'),
    ipRanges: stringSlice(opts.ipRange, '--ip-range'),
    gateways: stringSlice(opts.gateway, '--gateway'),
    auxAddresses: (opts.auxAddress ?? []).map(keyValue),
  };
  let config: IpamConfigWire[];
  try {
    config = createIpamConfig(flags);
  } catch (err) {
    throw new CommandFailure((err as Error).message, 1);
  }
  return {
    Driver: opts.driver ?? 'bridge',
    Scope: opts.scope ?? '',
    ...(opts.ipv4 === undefined ? {} : { EnableIPv4: opts.ipv4 }),
    ...(opts.ipv6 === undefined ? {} : { EnableIPv6: opts.ipv6 }),
    IPAM: { Driver: opts.ipamDriver ?? 'default', Options: goMap((opts.ipamOpt ?? []).map(keyValue)), Config: config },
    Internal: opts.internal === true,
    Attachable: opts.attachable === true,
    Ingress: opts.ingress === true,
    ConfigOnly: opts.configOnly === true,
    ConfigFrom: opts.configFrom ? { Network: opts.configFrom } : null,
    Options: goMap((opts.opt ?? []).map(keyValue)),
    Labels: goMap(labels.map(keyValue)),
    Name: name,
  };
}

/** opts.ValidateLabel, with pflag's wording for the flag. */
function validateLabel(v: string): string {
  const key = (v.split('=')[0] ?? '').replace(/^[ \t]+/, '');
  if (key === '') throw invalidFlagValue(v, '--label', `invalid label '${v}': empty name`);
  if (/[ \t]/.test(key)) throw invalidFlagValue(v, '--label', `label '${key}' contains whitespaces`);
  return v;
}
