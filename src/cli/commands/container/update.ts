// `berth update` / `berth container update`: `POST /containers/{c}/update` with the resource
// fields at the top level and the restart policy (update.go); prints each container updated,
// then the daemon's warnings; failures together at the end (exit 1).

import { containerUpdate } from '../../../client/containers.js';
import { ramInBytes } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import { type CommandSpec, invalidFlagValue } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';
import { parseGoInt, parseGoUint } from './go-int.js';

export interface UpdateOptions {
  blkioWeight?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  cpuRtPeriod?: string;
  cpuRtRuntime?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  cpuShares?: string;
  memory?: string;
  memoryReservation?: string;
  memorySwap?: string;
  kernelMemory?: string;
  restart?: string;
  pidsLimit?: string;
  cpus?: string;
}

export const updateCommand: CommandSpec<UpdateOptions> = {
  group: 'container',
  name: 'update',
  shortcuts: ['update'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Update configuration of one or more containers',
  args: { min: 1 },
  options: [
    { flags: '--blkio-weight <uint16>', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
    { flags: '--cpu-period <int>', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
    { flags: '--cpu-quota <int>', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
    { flags: '--cpu-rt-period <int>', description: 'Limit the CPU real-time period in microseconds' },
    { flags: '--cpu-rt-runtime <int>', description: 'Limit the CPU real-time runtime in microseconds' },
    { flags: '-c, --cpu-shares <int>', description: 'CPU shares (relative weight)' },
    { flags: '--cpus <decimal>', description: 'Number of CPUs' },
    { flags: '--cpuset-cpus <string>', description: 'CPUs in which to allow execution (0-3, 0,1)' },
    { flags: '--cpuset-mems <string>', description: 'MEMs in which to allow execution (0-3, 0,1)' },
    { flags: '--kernel-memory <bytes>', description: 'Kernel memory limit (deprecated)', hidden: true },
    { flags: '-m, --memory <bytes>', description: 'Memory limit' },
    { flags: '--memory-reservation <bytes>', description: 'Memory soft limit' },
    { flags: '--memory-swap <bytes>', description: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' },
    { flags: '--pids-limit <int>', description: 'Tune container pids limit (set -1 for unlimited)' },
    { flags: '--restart <string>', description: 'Restart policy to apply when a container exits' },
  ],
  run: (cli, args, opts) => runUpdate(cli, args, opts),
};

export async function runUpdate(cli: Cli, containers: string[], opts: UpdateOptions): Promise<void> {
  const { parseNanoCpus, parseMemSwap, parseRestartPolicy, ConfigError } = await import('./create-config.js');
  const given = Object.values(opts).filter((v) => v !== undefined).length;
  if (given === 0) throw new CommandFailure('you must provide one or more flags when using this command', 1);
  const value = <T>(v: string | undefined, names: string, parse: (s: string) => T, none: T): T => {
    if (v === undefined) return none;
    try {
      return parse(v);
    } catch (err) {
      throw invalidFlagValue(v, names, (err as Error).message);
    }
  };
  let restartPolicy = { Name: '', MaximumRetryCount: 0 };
  if (opts.restart) {
    try {
      restartPolicy = parseRestartPolicy(opts.restart);
    } catch (err) {
      if (err instanceof ConfigError) throw new CommandFailure(err.message, 1);
      throw err;
    }
  }
  const kernelMemory = value(opts.kernelMemory, '--kernel-memory', ramInBytes, 0);
  const pidsLimit = value(opts.pidsLimit, '--pids-limit', (s) => parseGoInt(s), 0);
  // container.UpdateConfig: Resources inline, then RestartPolicy; Go's nil slices and pointers as null.
  const body = {
    CpuShares: value(opts.cpuShares, '-c, --cpu-shares', (s) => parseGoInt(s), 0),
    Memory: value(opts.memory, '-m, --memory', ramInBytes, 0),
    NanoCpus: value(opts.cpus, '--cpus', parseNanoCpus, 0),
    CgroupParent: '',
    BlkioWeight: value(opts.blkioWeight, '--blkio-weight', (s) => parseGoUint(s, 16), 0),
    BlkioWeightDevice: null,
    BlkioDeviceReadBps: null,
    BlkioDeviceWriteBps: null,
    BlkioDeviceReadIOps: null,
    BlkioDeviceWriteIOps: null,
    CpuPeriod: value(opts.cpuPeriod, '--cpu-period', (s) => parseGoInt(s), 0),
    CpuQuota: value(opts.cpuQuota, '--cpu-quota', (s) => parseGoInt(s), 0),
    CpuRealtimePeriod: value(opts.cpuRtPeriod, '--cpu-rt-period', (s) => parseGoInt(s), 0),
    CpuRealtimeRuntime: value(opts.cpuRtRuntime, '--cpu-rt-runtime', (s) => parseGoInt(s), 0),
    CpusetCpus: opts.cpusetCpus ?? '',
    CpusetMems: opts.cpusetMems ?? '',
    Devices: null,
    DeviceCgroupRules: null,
    DeviceRequests: null,
    ...(kernelMemory !== 0 ? { KernelMemory: kernelMemory } : {}),
    MemoryReservation: value(opts.memoryReservation, '--memory-reservation', ramInBytes, 0),
    MemorySwap: value(opts.memorySwap, '--memory-swap', parseMemSwap, 0),
    MemorySwappiness: null,
    OomKillDisable: null,
    PidsLimit: pidsLimit !== 0 ? pidsLimit : null,
    Ulimits: null,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    RestartPolicy: restartPolicy,
  };
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const c of containers) {
    try {
      const r = await containerUpdate(cli.client(), c, body);
      cli.out.write(`${c}\n`);
      warnings.push(...(r.Warnings ?? []));
    } catch (err) {
      errors.push(daemonErrorText(err));
    }
  }
  if (warnings.length > 0) cli.out.write(`${warnings.join('\n')}\n`);
  if (errors.length > 0) throw new CommandFailure(errors.join('\n'), 1);
}
