// `berth system info` / `berth info`: docker's Client:/Server: report (info.go's
// prettyPrintInfo) for the fields berth's daemon reports, or a template over the daemon's
// answer plus ClientInfo. Warnings go to stderr. If the daemon cannot be asked, the client
// part is printed and the command fails as docker does.

import { systemInfo } from '../../../client/system.js';
import { ConnectError } from '../../../client/engine-client.js';
import { bytesSize } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { GoTemplate } from '../../output/go-template.js';
import { TemplateError } from '../../output/template-error.js';
import { CommandFailure } from '../../program.js';
import { daemonErrorText } from '../daemon-error.js';
import { berthClientVersion, clientData, type ClientVersionInfo } from './version.js';

export interface InfoOptions {
  format?: string;
}

export const infoCommand: CommandSpec<InfoOptions> = {
  group: 'system',
  name: 'info',
  shortcuts: ['info'],
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  args: { max: 0 },
  options: [{ flags: '-f, --format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" }],
  run: (cli, _args, opts) => runInfo(cli, opts),
};

/** The /info fields the report reads; everything else is only reachable through --format. */
interface InfoWire {
  ID?: string;
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  ServerVersion?: string;
  Driver?: string;
  DriverStatus?: [string, string][] | null;
  SystemStatus?: [string, string][] | null;
  LoggingDriver?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  Plugins?: { Volume?: string[] | null; Network?: string[] | null; Authorization?: string[] | null; Log?: string[] | null };
  Swarm?: { LocalNodeState?: string; NodeID?: string; NodeAddr?: string; ControlAvailable?: boolean; Error?: string };
  Runtimes?: Record<string, unknown> | null;
  DefaultRuntime?: string;
  InitBinary?: string;
  ContainerdCommit?: { ID?: string };
  RuncCommit?: { ID?: string };
  InitCommit?: { ID?: string };
  SecurityOptions?: string[] | null;
  KernelVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  Architecture?: string;
  NCPU?: number;
  MemTotal?: number;
  Name?: string;
  DockerRootDir?: string;
  Debug?: boolean;
  NFd?: number;
  NGoroutines?: number;
  SystemTime?: string;
  NEventsListener?: number;
  HttpProxy?: string;
  HttpsProxy?: string;
  NoProxy?: string;
  Labels?: string[] | null;
  ExperimentalBuild?: boolean;
  RegistryConfig?: {
    InsecureRegistryCIDRs?: string[] | null;
    IndexConfigs?: Record<string, { Name?: string; Secure?: boolean }> | null;
    Mirrors?: string[] | null;
  } | null;
  LiveRestoreEnabled?: boolean;
  Isolation?: string;
  Warnings?: string[] | null;
}

export async function runInfo(cli: Cli, opts: InfoOptions, client: ClientVersionInfo = berthClientVersion()): Promise<void> {
  const format = opts.format ?? '';
  // docker's clientInfo: Debug, the client version (without an API version: none was
  // negotiated), Plugins and Warnings.
  const clientInfo: Record<string, unknown> = { Debug: false };
  Object.defineProperties(clientInfo, Object.getOwnPropertyDescriptors(clientData(client, '')));
  clientInfo.Plugins = [];
  clientInfo.Warnings = null;
  if (format !== '') {
    await formatInfo(cli, format, clientInfo);
    return;
  }
  cli.out.write(`Client:\n Version:    ${client.version}\n Context:    default\n Debug Mode: false\n\nServer:\n`);
  let info: InfoWire;
  try {
    info = (await systemInfo(cli.client())) as InfoWire;
  } catch (err) {
    if (err instanceof ConnectError) throw err;
    cli.err.write(`ERROR: ${daemonErrorText(err)}\n`);
    throw new CommandFailure('errors pretty printing info');
  }
  const errors = printServerInfo(cli, info);
  for (const e of errors) cli.err.write(`ERROR: ${e}\n`);
  if (errors.length > 0) throw new CommandFailure('errors pretty printing info');
}

/** Go's fmt.Println of the label and the value. */
function line(label: string, value: unknown): string {
  return `${label} ${String(value)}\n`;
}

function printServerInfo(cli: Cli, i: InfoWire): string[] {
  const errors: string[] = [];
  let o = '';
  const nonEmpty = (label: string, v: string | undefined): void => {
    if (v) o += line(label, v);
  };
  o += line(' Containers:', i.Containers ?? 0);
  o += line('  Running:', i.ContainersRunning ?? 0);
  o += line('  Paused:', i.ContainersPaused ?? 0);
  o += line('  Stopped:', i.ContainersStopped ?? 0);
  o += line(' Images:', i.Images ?? 0);
  nonEmpty(' Server Version:', i.ServerVersion);
  nonEmpty(' Storage Driver:', i.Driver);
  for (const [k, v] of i.DriverStatus ?? []) o += `  ${k}: ${v}\n`;
  for (const [k, v] of i.SystemStatus ?? []) o += ` ${k}: ${v}\n`;
  nonEmpty(' Logging Driver:', i.LoggingDriver);
  nonEmpty(' Cgroup Driver:', i.CgroupDriver);
  nonEmpty(' Cgroup Version:', i.CgroupVersion);
  o += ' Plugins:\n';
  o += line('  Volume:', (i.Plugins?.Volume ?? []).join(' '));
  o += line('  Network:', (i.Plugins?.Network ?? []).join(' '));
  if ((i.Plugins?.Authorization ?? []).length > 0) o += line('  Authorization:', (i.Plugins?.Authorization ?? []).join(' '));
  o += line('  Log:', (i.Plugins?.Log ?? []).join(' '));
  const swarm = i.Swarm?.LocalNodeState ?? '';
  o += line(' Swarm:', swarm);
  if (swarm !== 'inactive' && swarm !== 'locked') {
    // berth has no swarm mode; print what a node that is not a manager shows.
    o += line('  NodeID:', i.Swarm?.NodeID ?? '');
    if (i.Swarm?.Error) o += line('  Error:', i.Swarm.Error);
    o += line('  Is Manager:', !!i.Swarm?.ControlAvailable);
    o += line('  Node Address:', i.Swarm?.NodeAddr ?? '');
  }
  const runtimes = Object.keys(i.Runtimes ?? {});
  if (runtimes.length > 0) {
    o += line(' Runtimes:', runtimes.join(' '));
    o += line(' Default Runtime:', i.DefaultRuntime ?? '');
  }
  if (i.OSType === 'linux') {
    o += line(' Init Binary:', i.InitBinary ?? '');
    o += line(' containerd version:', i.ContainerdCommit?.ID ?? '');
    o += line(' runc version:', i.RuncCommit?.ID ?? '');
    o += line(' init version:', i.InitCommit?.ID ?? '');
    const secopts = i.SecurityOptions ?? [];
    if (secopts.length > 0) {
      const decoded = decodeSecurityOptions(secopts);
      if (typeof decoded === 'string') errors.push(decoded);
      else {
        o += ' Security Options:\n';
        for (const so of decoded) {
          o += `  ${so.name}\n`;
          if (so.profile !== undefined) o += line('   Profile:', so.profile);
        }
      }
    }
  }
  if (i.OSType === 'windows') o += line(' Default Isolation:', i.Isolation ?? '');
  nonEmpty(' Kernel Version:', i.KernelVersion);
  nonEmpty(' Operating System:', i.OperatingSystem);
  nonEmpty(' OSType:', i.OSType);
  nonEmpty(' Architecture:', i.Architecture);
  o += line(' CPUs:', i.NCPU ?? 0);
  o += line(' Total Memory:', bytesSize(i.MemTotal ?? 0));
  nonEmpty(' Name:', i.Name);
  nonEmpty(' ID:', i.ID);
  o += line(' Docker Root Dir:', i.DockerRootDir ?? '');
  o += line(' Debug Mode:', !!i.Debug);
  if (i.Debug) {
    o += line('  File Descriptors:', i.NFd ?? 0);
    o += line('  Goroutines:', i.NGoroutines ?? 0);
    o += line('  System Time:', i.SystemTime ?? '');
    o += line('  EventsListeners:', i.NEventsListener ?? 0);
  }
  nonEmpty(' HTTP Proxy:', i.HttpProxy);
  nonEmpty(' HTTPS Proxy:', i.HttpsProxy);
  nonEmpty(' No Proxy:', i.NoProxy);
  if ((i.Labels ?? []).length > 0) {
    o += ' Labels:\n';
    for (const l of i.Labels ?? []) o += `  ${l}\n`;
  }
  o += line(' Experimental:', !!i.ExperimentalBuild);
  const reg = i.RegistryConfig;
  const indexConfigs = Object.values(reg?.IndexConfigs ?? {});
  if (reg && ((reg.InsecureRegistryCIDRs ?? []).length > 0 || indexConfigs.length > 0)) {
    o += ' Insecure Registries:\n';
    for (const c of indexConfigs) if (!c.Secure) o += `  ${c.Name ?? ''}\n`;
    for (const cidr of reg.InsecureRegistryCIDRs ?? []) o += `  ${cidr}\n`;
  }
  if ((reg?.Mirrors ?? []).length > 0) {
    o += ' Registry Mirrors:\n';
    for (const m of reg?.Mirrors ?? []) o += `  ${m}\n`;
  }
  o += line(' Live Restore Enabled:', !!i.LiveRestoreEnabled);
  o += '\n';
  cli.out.write(o);
  for (const w of i.Warnings ?? []) cli.err.write(`${w}\n`);
  return errors;
}

/** system.DecodeSecurityOptions: `name=seccomp,profile=builtin` entries. */
function decodeSecurityOptions(opts: string[]): { name: string; profile?: string }[] | string {
  const out: { name: string; profile?: string }[] = [];
  for (const opt of opts) {
    const entry: { name: string; profile?: string } = { name: '' };
    for (const kv of opt.split(',')) {
      const eq = kv.indexOf('=');
      if (eq < 0) return `invalid security option "${kv}"`;
      const k = kv.slice(0, eq);
      const v = kv.slice(eq + 1);
      if (k === 'name') entry.name = v;
      else if (k === 'profile') entry.profile = v;
    }
    if (entry.name === '') return `invalid security option "${opt}"`;
    out.push(entry);
  }
  return out;
}

/**
 * `info --format`: the template runs on the daemon's answer plus ClientInfo (docker's
 * dockerInfo). The daemon is only asked when the template needs more than ClientInfo.
 */
async function formatInfo(cli: Cli, format: string, clientInfo: Record<string, unknown>): Promise<void> {
  let tmpl: GoTemplate;
  try {
    tmpl = GoTemplate.parse(format === 'json' ? '{{json .}}' : format);
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`, 64, { cause: err });
    throw err;
  }
  let data: Record<string, unknown> = { ClientInfo: clientInfo };
  if (needsServerInfo(format, tmpl, data)) {
    try {
      data = { ...(await systemInfo(cli.client())), ClientInfo: clientInfo };
    } catch (err) {
      if (err instanceof ConnectError) throw err;
      cli.err.write(`${daemonErrorText(err)}\n`);
      data = { ServerErrors: [daemonErrorText(err)], ClientInfo: clientInfo };
    }
  }
  let out = '';
  try {
    tmpl.executeTo((c) => (out += c), data, { typeName: (v) => (v === data ? 'system.dockerInfo' : undefined) });
  } catch (err) {
    cli.out.write(`${out}\n`);
    if (err instanceof TemplateError) throw new FormatError(err.message, 1, { cause: err });
    throw err;
  }
  cli.out.write(`${out}\n`);
}

function needsServerInfo(format: string, tmpl: GoTemplate, sparse: Record<string, unknown>): boolean {
  if (format === 'json' || format === '{{json .}}' || !/\.[a-zA-Z]/.test(format)) return true;
  try {
    tmpl.execute(sparse);
    return false;
  } catch {
    return true;
  }
}
