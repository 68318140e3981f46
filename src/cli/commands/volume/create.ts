// `berth volume create`: docker 28's flags → `POST /volumes/create` with the body the docker
// CLI sends (empty fields left out, as its omitempty tags do), then the volume's name on
// stdout. The cluster-volume flags are accepted as docker accepts them and, without a swarm,
// change nothing that is sent.

import { type VolumeCreateRequestWire, volumeCreate } from '../../../client/volumes.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { goMap, keyValue, validateLabel } from '../network/flag-values.js';

export interface VolumeCreateOptions {
  driver?: string;
  label?: string[];
  opt?: string[];
  name?: string;
}

export const volumeCreateCommand: CommandSpec<VolumeCreateOptions> = {
  group: 'volume',
  name: 'create',
  usage: '[OPTIONS] [VOLUME]',
  description: 'Create a volume',
  args: { max: 1 },
  options: [
    { flags: '--availability <string>', description: 'Cluster Volume availability ("active", "pause", "drain")', default: 'active' },
    { flags: '-d, --driver <string>', description: 'Specify volume driver name', default: 'local' },
    { flags: '--group <string>', description: 'Cluster Volume group (cluster volumes)' },
    { flags: '--label <list>', description: 'Set metadata for a volume', repeat: true },
    { flags: '--limit-bytes <bytes>', description: 'Minimum size of the Cluster Volume in bytes' },
    { flags: '--name <string>', description: 'Specify volume name', hidden: true },
    { flags: '-o, --opt <map>', description: 'Set driver specific options', repeat: true },
    { flags: '--required-bytes <bytes>', description: 'Maximum size of the Cluster Volume in bytes' },
    { flags: '--scope <string>', description: 'Cluster Volume access scope ("single", "multi")', default: 'single' },
    { flags: '--secret <map>', description: 'Cluster Volume secrets', repeat: true },
    { flags: '--sharing <string>', description: 'Cluster Volume access sharing ("none", "readonly", "onewriter", "all")', default: 'none' },
    { flags: '--topology-preferred <list>', description: 'A topology that the Cluster Volume would be preferred in', repeat: true },
    { flags: '--topology-required <list>', description: 'A topology that the Cluster Volume must be accessible from', repeat: true },
    { flags: '--type <string>', description: 'Cluster Volume access type ("mount", "block")', default: 'block' },
  ],
  run: (cli, args, opts) => runVolumeCreate(cli, args[0], opts),
};

export async function runVolumeCreate(cli: Cli, name: string | undefined, opts: VolumeCreateOptions): Promise<void> {
  const created = await volumeCreate(cli.client(), volumeCreateBody(name ?? opts.name ?? '', opts));
  cli.out.write(`${created.Name}\n`);
}

/** The body docker's runCreate sends: volume.CreateOptions with its omitempty fields. */
export function volumeCreateBody(name: string, opts: VolumeCreateOptions): VolumeCreateRequestWire {
  const labels = (opts.label ?? []).map(validateLabel);
  const driverOpts = goMap((opts.opt ?? []).map(keyValue));
  const body: Partial<VolumeCreateRequestWire> = { Driver: opts.driver ?? 'local' };
  if (Object.keys(driverOpts).length > 0) body.DriverOpts = driverOpts;
  if (labels.length > 0) body.Labels = goMap(labels.map(keyValue));
  if (name !== '') body.Name = name;
  return body as VolumeCreateRequestWire;
}
