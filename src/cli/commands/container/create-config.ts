// docker/cli's container flag parsing (opts.go parse and the opts package): the values of
// CONTAINER_FLAGS → the `POST /containers/create` body, with Docker's field order, defaults and
// error texts, so that berthd sees what the docker CLI would have sent (engine-api.md §4.2).
//
// Two kinds of errors, as in docker: a value a flag refuses is a FlagError (`invalid argument
// "1x" for "-m, --memory" flag: invalid suffix: 'x'`, printed with the usage, exit 125); a
// combination that parse() refuses is a ConfigError (`conflicting options: …`), which run and
// create print as `berth: <message>` with a pointer to --help, also exit 125.
//
// Go maps are written with sorted keys (encoding/json does), Go nil slices as null.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { DAEMON_ENDPOINT_FIELDS } from '../../../client/networks.js';
import { parseGoDuration, ramInBytes } from '../../../util/units.js';
import { invalidFlagValue } from '../../command-spec.js';
import { goPathError } from '../path-error.js';
import { ConfigError } from './config-error.js';
import { readKvFile, validateEnv } from './env-file.js';
import { parseGoInt, parseGoUint } from './go-int.js';
import type { ContainerFlagValues } from './create-flags.js';

export { ConfigError };

export interface ParseContext {
  /** The CLI's environment, for bare `-e NAME`. */
  env: NodeJS.ProcessEnv;
  /** The terminal size for HostConfig.ConsoleSize ([0,0] off a terminal). */
  consoleSize: [number, number];
  /** For relative bind-mount sources. */
  cwd?: string;
}

export interface ContainerConfig {
  /** The create body: Config fields, HostConfig, NetworkingConfig. */
  body: CreateBody;
  image: string;
  tty: boolean;
  openStdin: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  autoRemove: boolean;
  /** -a was given at all (run refuses it with -d). */
  attachFlagCount: number;
  cidfile: string;
}

export type CreateBody = Record<string, unknown> & {
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  StdinOnce: boolean;
  HostConfig: Record<string, unknown>;
};

type Flags = ContainerFlagValues;

const str = (f: Flags, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
const list = (f: Flags, ...keys: string[]): string[] => keys.flatMap((k) => (Array.isArray(f[k]) ? (f[k] as string[]) : []));
const bool = (f: Flags, k: string): boolean => f[k] === true;

/** A Go map for JSON: keys sorted, as encoding/json writes them. */
function goMap<V>(entries: Iterable<[string, V]>): Record<string, V> {
  const m = new Map(entries);
  const out: Record<string, V> = {};
  for (const k of [...m.keys()].sort(byteCompare)) out[k] = m.get(k) as V;
  return out;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The flag's names as pflag prints them: `-m, --memory` or `--cpus`. */
function flagNames(long: string): string {
  const short: Record<string, string> = {
    attach: 'a',
    'cpu-shares': 'c',
    env: 'e',
    hostname: 'h',
    label: 'l',
    memory: 'm',
    publish: 'p',
    user: 'u',
    volume: 'v',
    workdir: 'w',
  };
  const s = short[long];
  return s ? `-${s}, --${long}` : `--${long}`;
}

/** Runs a flag's parser on its value, turning failures into pflag's wording. */
function flagValue<T>(long: string, value: string, parse: (v: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    throw invalidFlagValue(value, flagNames(long), (err as Error).message);
  }
}

function intFlag(f: Flags, key: string, long: string): number | undefined {
  const v = str(f, key);
  return v === undefined ? undefined : flagValue(long, v, (x) => parseGoInt(x));
}

function bytesFlag(f: Flags, key: string, long: string): number {
  const v = str(f, key);
  return v === undefined ? 0 : flagValue(long, v, ramInBytes);
}

function durationFlag(f: Flags, key: string, long: string): number {
  const v = str(f, key);
  return v === undefined ? 0 : flagValue(long, v, (x) => Number(parseGoDuration(x)));
}

/** opts.MemSwapBytes: -1 (unlimited) or a RAMInBytes size. */
export function parseMemSwap(v: string): number {
  return v === '-1' ? -1 : ramInBytes(v);
}

/** opts.NanoCPUs: a decimal or fraction (big.Rat) in billionths, which must come out whole. */
export function parseNanoCpus(value: string): number {
  const fail = (): Error => new Error(`failed to parse ${value} as a rational number`);
  let num: bigint;
  let den: bigint;
  const frac = /^([+-]?\d+)\/(\d+)$/.exec(value);
  const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value);
  if (frac) {
    num = BigInt(frac[1] ?? '0');
    den = BigInt(frac[2] ?? '1');
    if (den === 0n) throw fail();
  } else if (dec && ((dec[2] ?? '') !== '' || (dec[3] ?? '') !== '')) {
    const fracDigits = dec[3] ?? '';
    num = BigInt(`${dec[2] || '0'}${fracDigits}`);
    den = 10n ** BigInt(fracDigits.length);
    const exp = Number(dec[4] ?? '0');
    if (exp > 0) num *= 10n ** BigInt(exp);
    else if (exp < 0) den *= 10n ** BigInt(-exp);
    if (dec[1] === '-') num = -num;
  } else {
    throw fail();
  }
  const nano = num * 1_000_000_000n;
  if (nano % den !== 0n) throw new Error('value is too precise');
  return Number(nano / den);
}

function validateLabel(v: string): string {
  const key = (v.split('=')[0] ?? '').replace(/^[ \t]+/, '');
  if (key === '') throw new Error(`invalid label '${v}': empty name`);
  if (/[ \t]/.test(key)) throw new Error(`label '${key}' contains whitespaces`);
  return v;
}

function validateExtraHost(v: string): string {
  let sep = v.indexOf('=');
  if (sep < 0) sep = v.indexOf(':');
  const k = sep < 0 ? '' : v.slice(0, sep);
  let ip = sep < 0 ? '' : v.slice(sep + 1);
  if (sep < 0 || k === '' || k.includes(':')) throw new Error(`bad format for add-host: ${JSON.stringify(v)}`);
  if (ip !== 'host-gateway') {
    if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    if (isIP(ip.trim()) === 0) throw new Error(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
  }
  return `${k}:${ip}`;
}

function validateAttach(v: string): string {
  const s = v.toLowerCase();
  if (s === 'stdin' || s === 'stdout' || s === 'stderr') return s;
  throw new Error('valid streams are STDIN, STDOUT and STDERR');
}

function validateIp(v: string): string {
  if (isIP(v.trim()) === 0) throw new Error(`IP address is not correctly formatted: ${v}`);
  return v.trim();
}

function validateSysctl(v: string): string {
  const eq = v.indexOf('=');
  const k = eq < 0 ? '' : v.slice(0, eq);
  const allowed = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];
  if (k !== '' && (allowed.includes(k) || k.startsWith('net.') || k.startsWith('fs.mqueue.'))) return v;
  throw new Error(`sysctl '${v}' is not allowed`);
}

const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

/** go-units ParseUlimit: `name=soft[:hard]`. */
export function parseUlimit(v: string): { Name: string; Hard: number; Soft: number } {
  const eq = v.indexOf('=');
  if (eq < 0) throw new Error(`invalid ulimit argument: ${v}`);
  const name = v.slice(0, eq);
  if (!ULIMIT_NAMES.includes(name)) throw new Error(`invalid ulimit type: ${name}`);
  const parts = v.slice(eq + 1).split(':');
  if (parts.length > 2) throw new Error(`too many limit value arguments - ${v.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const soft = parseGoInt10(parts[0] ?? '');
  const hard = parts.length === 2 ? parseGoInt10(parts[1] ?? '') : soft;
  if (hard !== -1) {
    if (soft === -1) throw new Error(`ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${hard}`);
    if (soft > hard) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  }
  return { Name: name, Hard: hard, Soft: soft };
}

function parseGoInt10(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** encoding/csv's reading of one record: fields split on commas, double quotes group. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`parse error on line 1, column ${line.length + 1}: extraneous or missing " in quoted-field`);
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        break;
      }
      if (i < line.length && line[i] !== ',') throw new Error(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const c = line.indexOf(',', i);
      field = c < 0 ? line.slice(i) : line.slice(i, c);
      i = c < 0 ? line.length : c;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** opts.MountOpt.Set: `type=bind,source=/a,target=/b,readonly` → a mount.Mount. */
export function parseMount(value: string, cwd: string): Record<string, unknown> {
  const m: {
    Type: string;
    Source?: string;
    Target?: string;
    ReadOnly?: boolean;
    Consistency?: string;
    BindOptions?: Record<string, unknown>;
    VolumeOptions?: { NoCopy?: boolean; Labels: Record<string, string>; Subpath?: string; DriverConfig: { Name?: string; Options?: Record<string, string> } };
    ImageOptions?: { Subpath?: string };
    TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  } = { Type: 'volume' };
  const volumeOptions = (): NonNullable<typeof m.VolumeOptions> => (m.VolumeOptions ??= { Labels: {}, DriverConfig: {} });
  const bindOptions = (): Record<string, unknown> => (m.BindOptions ??= {});
  const tmpfsOptions = (): NonNullable<typeof m.TmpfsOptions> => (m.TmpfsOptions ??= {});
  const parseBool = (key: string, val: string): boolean => {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(val)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(val)) return false;
    throw new Error(`invalid value for ${key}: ${val}`);
  };
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') m.ReadOnly = true;
      else if (key === 'volume-nocopy') volumeOptions().NoCopy = true;
      else if (key === 'bind-nonrecursive') bindOptions().NonRecursive = true;
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case 'type':
        m.Type = val.toLowerCase();
        break;
      case 'source':
      case 'src':
        m.Source = !val.startsWith('/') && val.startsWith('.') ? resolvePath(cwd, val) : val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = val;
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = parseBool(key, val);
        break;
      case 'consistency':
        m.Consistency = val.toLowerCase();
        break;
      case 'bind-propagation':
        bindOptions().Propagation = val.toLowerCase();
        break;
      case 'bind-nonrecursive':
        bindOptions().NonRecursive = parseBool(key, val);
        break;
      case 'bind-recursive':
        if (val === 'disabled') bindOptions().NonRecursive = true;
        else if (val === 'writable') bindOptions().ReadOnlyNonRecursive = true;
        else if (val === 'readonly') bindOptions().ReadOnlyForceRecursive = true;
        else if (val !== 'enabled') throw new Error(`invalid value for ${key}: ${val} (must be "enabled", "disabled", "writable", or "readonly")`);
        break;
      case 'volume-subpath':
        volumeOptions().Subpath = val;
        break;
      case 'volume-nocopy':
        volumeOptions().NoCopy = parseBool('volume-nocopy', val);
        break;
      case 'volume-label': {
        const [k, ...rest] = val.split('=');
        if (k) volumeOptions().Labels[k] = rest.join('=');
        break;
      }
      case 'volume-driver':
        volumeOptions().DriverConfig.Name = val;
        break;
      case 'volume-opt': {
        const [k, ...rest] = val.split('=');
        const o = (volumeOptions().DriverConfig.Options ??= {});
        if (k) o[k] = rest.join('=');
        break;
      }
      case 'image-subpath':
        m.ImageOptions = { Subpath: val };
        break;
      case 'tmpfs-size':
        try {
          tmpfsOptions().SizeBytes = ramInBytes(val);
        } catch {
          throw new Error(`invalid value for ${key}: ${val}`);
        }
        break;
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(val) || parseInt(val, 8) >= 2 ** 32) throw new Error(`invalid value for ${key}: ${val}`);
        tmpfsOptions().Mode = parseInt(val, 8);
        break;
      }
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (m.Type === '') throw new Error('type is required');
  if (!m.Target) throw new Error('target is required');
  if (m.VolumeOptions && m.Type !== 'volume') throw new Error(`cannot mix 'volume-*' options with mount type '${m.Type}'`);
  if (m.ImageOptions && m.Type !== 'image') throw new Error(`cannot mix 'image-*' options with mount type '${m.Type}'`);
  if (m.BindOptions && m.Type !== 'bind') throw new Error(`cannot mix 'bind-*' options with mount type '${m.Type}'`);
  if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new Error(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  if (m.BindOptions?.ReadOnlyNonRecursive && !m.ReadOnly) throw new Error("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
  if (m.BindOptions?.ReadOnlyForceRecursive) {
    if (!m.ReadOnly) throw new Error("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
    if (m.BindOptions.Propagation !== 'rprivate') throw new Error("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
  }
  // mount.Mount's JSON: omitempty everywhere.
  const out: Record<string, unknown> = { Type: m.Type };
  if (m.Source) out.Source = m.Source;
  if (m.Target) out.Target = m.Target;
  if (m.ReadOnly) out.ReadOnly = true;
  if (m.Consistency) out.Consistency = m.Consistency;
  if (m.BindOptions) out.BindOptions = omitEmpty(m.BindOptions, ['Propagation', 'NonRecursive', 'CreateMountpoint', 'ReadOnlyNonRecursive', 'ReadOnlyForceRecursive']);
  if (m.VolumeOptions) {
    const v = m.VolumeOptions;
    const vo: Record<string, unknown> = {};
    if (v.NoCopy) vo.NoCopy = true;
    if (Object.keys(v.Labels).length > 0) vo.Labels = goMap(Object.entries(v.Labels));
    if (v.Subpath) vo.Subpath = v.Subpath;
    vo.DriverConfig = omitEmpty(
      { Name: v.DriverConfig.Name, Options: v.DriverConfig.Options ? goMap(Object.entries(v.DriverConfig.Options)) : undefined },
      ['Name', 'Options'],
    );
    out.VolumeOptions = vo;
  }
  if (m.ImageOptions) out.ImageOptions = omitEmpty(m.ImageOptions, ['Subpath']);
  if (m.TmpfsOptions) out.TmpfsOptions = omitEmpty(m.TmpfsOptions, ['SizeBytes', 'Mode']);
  return out;
}

function omitEmpty(o: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) {
    const v = o[k];
    if (v === undefined || v === '' || v === false || v === 0) continue;
    out[k] = v;
  }
  return out;
}

interface NetworkAttachment {
  Target: string;
  Aliases: string[];
  Links: string[];
  IPv4Address: string;
  IPv6Address: string;
  MacAddress: string;
  LinkLocalIPs: string[];
  DriverOpts?: Record<string, string>;
  GwPriority: number;
}

/** opts.NetworkOpt.Set: a name, or the long syntax `name=n,alias=a,ip=…`. */
function parseNetworkOpt(value: string): NetworkAttachment {
  const n: NetworkAttachment = { Target: '', Aliases: [], Links: [], IPv4Address: '', IPv6Address: '', MacAddress: '', LinkLocalIPs: [], GwPriority: 0 };
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) {
    n.Target = value;
    return n;
  }
  for (const field of csvFields(value)) {
    const lower = field.toLowerCase();
    const eq = lower.indexOf('=');
    if (eq <= 0) throw new Error(`invalid field ${field}`);
    const key = lower.slice(0, eq).trim();
    const val = lower.slice(eq + 1).trim();
    switch (key) {
      case 'name':
        n.Target = val;
        break;
      case 'alias':
        n.Aliases.push(val);
        break;
      case 'ip':
        n.IPv4Address = val;
        break;
      case 'ip6':
        n.IPv6Address = val;
        break;
      case 'mac-address':
        n.MacAddress = val;
        break;
      case 'link-local-ip':
        n.LinkLocalIPs.push(val);
        break;
      case 'driver-opt': {
        const e = val.indexOf('=');
        if (e <= 0) throw new Error('invalid key value pair format in driver options');
        (n.DriverOpts ??= {})[val.slice(0, e).trim()] = val.slice(e + 1).trim();
        break;
      }
      case 'gw-priority':
        if (!/^[+-]?\d+$/.test(val)) throw new Error(`invalid gw-priority (${val}): invalid syntax`);
        n.GwPriority = Number(val);
        break;
      default:
        throw new Error(`invalid field key ${key}`);
    }
  }
  if (n.Target === '') throw new Error('network name/id is not specified');
  return n;
}

function isUserDefinedNetwork(mode: string): boolean {
  return !['default', 'bridge', 'host', 'none', ''].includes(mode) && !mode.startsWith('container:');
}

function endpointSettings(ep: NetworkAttachment): Record<string, unknown> {
  if (ep.Target.trim() === '') throw new ConfigError('no name set for network');
  if (!isUserDefinedNetwork(ep.Target)) {
    if (ep.Aliases.length > 0) throw new ConfigError('network-scoped aliases are only supported for user-defined networks');
    if (ep.Links.length > 0) throw new ConfigError('links are only supported for user-defined networks');
  }
  const ipam =
    ep.IPv4Address || ep.IPv6Address || ep.LinkLocalIPs.length > 0
      ? omitEmpty({ IPv4Address: ep.IPv4Address, IPv6Address: ep.IPv6Address, LinkLocalIPs: ep.LinkLocalIPs.length > 0 ? ep.LinkLocalIPs : undefined }, [
          'IPv4Address',
          'IPv6Address',
          'LinkLocalIPs',
        ])
      : null;
  return {
    IPAMConfig: ipam,
    Links: ep.Links.length > 0 ? ep.Links : null,
    Aliases: ep.Aliases.length > 0 ? ep.Aliases : null,
    MacAddress: ep.MacAddress,
    DriverOpts: ep.DriverOpts ? goMap(Object.entries(ep.DriverOpts)) : null,
    GwPriority: ep.GwPriority,
    ...DAEMON_ENDPOINT_FIELDS,
  };
}

function isEmptyEndpoint(ep: NetworkAttachment): boolean {
  return (
    ep.Aliases.length === 0 &&
    ep.Links.length === 0 &&
    !ep.IPv4Address &&
    !ep.IPv6Address &&
    ep.LinkLocalIPs.length === 0 &&
    !ep.MacAddress &&
    !ep.DriverOpts &&
    ep.GwPriority === 0
  );
}

/** parseNetworkOpts: the endpoints for NetworkingConfig.EndpointsConfig. */
function networkEndpoints(nets: NetworkAttachment[], f: Flags): Record<string, unknown> {
  const aliases = list(f, 'networkAlias', 'netAlias');
  const links = list(f, 'link');
  const ip = str(f, 'ip') ?? '';
  const ip6 = str(f, 'ip6') ?? '';
  const mac = str(f, 'macAddress') ?? '';
  const linkLocal = list(f, 'linkLocalIp');
  const applyContainerOptions = (n: NetworkAttachment): void => {
    if (n.Aliases.length > 0 && aliases.length > 0) throw new ConfigError('conflicting options: cannot specify both --network-alias and per-network alias');
    if (n.Links.length > 0 && links.length > 0) throw new ConfigError('conflicting options: cannot specify both --link and per-network links');
    if (n.IPv4Address && ip) throw new ConfigError('conflicting options: cannot specify both --ip and per-network IPv4 address');
    if (n.IPv6Address && ip6) throw new ConfigError('conflicting options: cannot specify both --ip6 and per-network IPv6 address');
    if (n.MacAddress && mac) throw new ConfigError('conflicting options: cannot specify both --mac-address and per-network MAC address');
    if (n.LinkLocalIPs.length > 0 && linkLocal.length > 0) {
      throw new ConfigError('conflicting options: cannot specify both --link-local-ip and per-network link-local IP addresses');
    }
    if (aliases.length > 0) n.Aliases = [...aliases];
    if (isUserDefinedNetwork(n.Target) && links.length > 0) n.Links = [...links];
    if (ip) n.IPv4Address = ip;
    if (ip6) n.IPv6Address = ip6;
    if (mac) n.MacAddress = mac;
    if (linkLocal.length > 0) n.LinkLocalIPs = [...linkLocal];
  };
  const endpoints = new Map<string, Record<string, unknown>>();
  if (nets.length === 0) {
    const n: NetworkAttachment = { Target: 'default', Aliases: [], Links: [], IPv4Address: '', IPv6Address: '', MacAddress: '', LinkLocalIPs: [], GwPriority: 0 };
    applyContainerOptions(n);
    endpoints.set('default', endpointSettings(n));
  }
  let userDefined = false;
  let builtin = false;
  nets.forEach((n, i) => {
    if (isUserDefinedNetwork(n.Target)) userDefined = true;
    else builtin = true;
    if (i === 0) applyContainerOptions(n);
    const ep = endpointSettings(n);
    if (endpoints.has(n.Target)) throw new ConfigError(`network ${JSON.stringify(n.Target)} is specified multiple times`);
    // One network and nothing set for it: the daemon makes the endpoint itself.
    if (i === 0 && nets.length === 1 && isEmptyEndpoint(n)) return;
    endpoints.set(n.Target, ep);
  });
  if (userDefined && builtin) throw new ConfigError('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return goMap(endpoints);
}

/** nat.ParsePortRange. */
function parsePortRange(ports: string): [number, number] {
  if (ports === '') throw new Error('empty string specified for ports');
  const num = (s: string): number => {
    if (!/^\d+$/.test(s) || Number(s) > 65535) throw new Error('invalid port');
    return Number(s);
  };
  if (!ports.includes('-')) {
    const p = num(ports);
    return [p, p];
  }
  const [a, b] = ports.split('-');
  const start = num(a ?? '');
  const end = num(b ?? '');
  if (end < start) throw new Error(`invalid range specified for port: ${ports}`);
  return [start, end];
}

/** nat.SplitProtoPort. */
function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || (parts[0] ?? '') === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  if ((parts[1] ?? '') === '') return ['tcp', parts[0] ?? ''];
  return [parts[1] ?? '', parts[0] ?? ''];
}

/** nat.ParsePortSpec: `[ip:][hostPort:]containerPort[/proto]`, with ranges. */
export function parsePortSpec(raw: string): { port: string; hostIp: string; hostPort: string }[] {
  const parts = raw.split(':');
  const n = parts.length;
  let ip = '';
  let hostPort = '';
  let containerPort = parts[n - 1] ?? '';
  if (n === 2) hostPort = parts[0] ?? '';
  else if (n === 3) [ip, hostPort] = [parts[0] ?? '', parts[1] ?? ''];
  else if (n > 3) [ip, hostPort] = [parts.slice(0, n - 2).join(':'), parts[n - 2] ?? ''];
  let proto: string;
  [proto, containerPort] = splitProtoPort(containerPort);
  if (ip.startsWith('[')) {
    const close = ip.indexOf(']');
    if (close < 0 || close !== ip.length - 1) throw new Error(`invalid IP address ${ip}: address ${ip}: missing ']' in address`);
    ip = ip.slice(1, close);
  }
  if (ip !== '' && isIP(ip) === 0) throw new Error(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new Error(`no port specified: ${raw}<empty>`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new Error(`invalid containerPort: ${containerPort}`);
  }
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort !== '') {
    try {
      [hostStart, hostEnd] = parsePortRange(hostPort);
    } catch {
      throw new Error(`invalid hostPort: ${hostPort}`);
    }
  }
  if (hostPort !== '' && end - start !== hostEnd - hostStart && end !== start) {
    throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new Error(`invalid proto: ${proto}`);
  const out: { port: string; hostIp: string; hostPort: string }[] = [];
  for (let i = 0; i <= end - start; i++) {
    let hp = hostPort === '' ? '' : String(hostStart + i);
    if (start === end && hostStart !== hostEnd) hp = `${hp}-${hostEnd}`;
    out.push({ port: `${start + i}/${proto.toLowerCase()}`, hostIp: ip, hostPort: hp });
  }
  return out;
}

/** convertToStandardNotation: `published=8080,target=80,protocol=udp` → `8080:80/udp`. */
function standardPortNotation(p: string): string {
  if (!p.includes('=')) return p;
  const params: Record<string, string> = { protocol: 'tcp' };
  for (const param of p.split(',')) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new ConfigError(`invalid publish opts format (should be name=value but got '${param}')`);
    params[param.slice(0, eq)] = param.slice(eq + 1);
  }
  return `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`;
}

/** compose loader.ParseVolume, as far as `-v` needs it: is there a source (a bind or named volume)? */
function volumeHasSource(spec: string): boolean {
  if (spec.length === 0) throw new ConfigError('invalid empty volume spec');
  if (spec.length <= 2) return false;
  let source = '';
  let target = '';
  let buffer = '';
  const chars = [...spec];
  for (let i = 0; i <= chars.length; i++) {
    const ch = i < chars.length ? chars[i] : undefined;
    if (ch === ':' && buffer.length === 1 && /\p{L}/u.test(buffer)) {
      buffer += ch; // a Windows drive letter
      continue;
    }
    if (ch === ':' || ch === undefined) {
      if (buffer === '') throw new ConfigError(`invalid spec: ${spec}: empty section between colons`);
      if (source === '' && ch === undefined) target = buffer;
      else if (source === '') source = buffer;
      else if (target === '') target = buffer;
      else if (ch === ':') throw new ConfigError(`invalid spec: ${spec}: too many colons`);
      buffer = '';
      continue;
    }
    buffer += ch;
  }
  return source !== '';
}

function isFilePathSource(source: string): boolean {
  return ['.', '/', '~'].includes(source[0] ?? '');
}

/** validateLinuxPath + parseLinuxDevice: `/dev/a[:/dev/b][:rwm]`. */
function parseDevice(device: string): Record<string, string> {
  const validMode = (mode: string): boolean => mode !== '' && /^[rwm]+$/.test(mode) && new Set(mode).size === mode.length;
  if ((device.match(/:/g) ?? []).length > 2) throw new ConfigError(`bad format for path: ${device}`);
  const split = device.split(':');
  if ((split[0] ?? '') === '') throw new ConfigError(`bad format for path: ${device}`);
  let containerPath: string;
  if (split.length === 1) containerPath = split[0] ?? '';
  else if (split.length === 2) containerPath = validMode(split[1] ?? '') ? (split[0] ?? '') : (split[1] ?? '');
  else {
    containerPath = split[1] ?? '';
    if (!validMode(split[2] ?? '')) throw new ConfigError(`bad mode specified: ${split[2]}`);
  }
  if (!containerPath.startsWith('/')) throw new ConfigError(`${containerPath} is not an absolute path`);
  let src = split[0] ?? '';
  let dst = '';
  let perms = 'rwm';
  if (split.length === 3) perms = split[2] ?? perms;
  if (split.length >= 2) {
    if (validMode(split[1] ?? '')) perms = split[1] ?? perms;
    else dst = split[1] ?? '';
  }
  src = src.replace(/\/+$/, '') || src;
  return { PathOnHost: src, PathInContainer: dst || src, CgroupPermissions: perms };
}

/** opts.ValidateThrottle*Device / ValidateWeightDevice: `/dev/sda:<rate>` → {Path, Rate|Weight}. */
function parseDeviceRate(v: string, kind: 'bps' | 'iops' | 'weight'): Record<string, unknown> {
  const colon = v.indexOf(':');
  const path = colon < 0 ? '' : v.slice(0, colon);
  const rate = colon < 0 ? '' : v.slice(colon + 1);
  if (path === '') throw new Error(`bad format: ${v}`);
  if (!path.startsWith('/dev/')) throw new Error(`bad format for device path: ${v}`);
  if (kind === 'weight') {
    if (!/^\d+$/.test(rate) || Number(rate) >= 2 ** 16 || (Number(rate) !== 0 && (Number(rate) < 10 || Number(rate) > 1000))) {
      throw new Error(`invalid weight for device: ${v}`);
    }
    return { Path: path, Weight: Number(rate) };
  }
  if (kind === 'iops') {
    if (!/^\d+$/.test(rate)) throw new Error(`invalid rate for device: ${v}. The correct format is <device-path>:<number>. Number must be a positive integer`);
    return { Path: path, Rate: Number(rate) };
  }
  try {
    return { Path: path, Rate: ramInBytes(rate) };
  } catch {
    throw new Error(`invalid rate for device: ${v}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`);
  }
}

/** parseSecurityOpts: `key=value` (or `key:value`); a seccomp profile file is sent inline. */
function parseSecurityOpts(opts: string[]): string[] {
  return opts.map((opt) => {
    let sep = opt.indexOf('=');
    if (sep < 0 && opt !== 'no-new-privileges') sep = opt.indexOf(':');
    const k = sep < 0 ? opt : opt.slice(0, sep);
    const v = sep < 0 ? '' : opt.slice(sep + 1);
    if ((sep < 0 || v === '') && k !== 'no-new-privileges') throw new ConfigError(`Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (k === 'seccomp' && v !== 'builtin' && v !== 'unconfined') {
      let text: string;
      try {
        text = readFileSync(v, 'utf8');
      } catch (err) {
        throw new ConfigError(`opening seccomp profile (${v}) failed: ${goPathError(err)}`);
      }
      try {
        return `seccomp=${JSON.stringify(JSON.parse(text))}`;
      } catch (err) {
        throw new ConfigError(`compacting json for seccomp profile (${v}) failed: ${(err as Error).message}`);
      }
    }
    return opt;
  });
}

/** docker's CDI device names (`vendor.com/class=name`) become a device request. */
function isCdiName(device: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*\/[a-zA-Z0-9][a-zA-Z0-9_.-]*=[a-zA-Z0-9_.:-]+$/.test(device);
}

function normalizeCapabilities(caps: string[]): string[] | null {
  if (caps.length === 0) return null;
  const out = new Set<string>();
  for (const c of caps) {
    const up = c.toUpperCase();
    out.add(up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`);
  }
  return [...out].sort(byteCompare);
}

/** ParseRestartPolicy. */
export function parseRestartPolicy(policy: string): { Name: string; MaximumRetryCount: number } {
  if (policy === '') return { Name: '', MaximumRetryCount: 0 };
  const colon = policy.indexOf(':');
  const name = colon < 0 ? policy : policy.slice(0, colon);
  const count = colon < 0 ? '' : policy.slice(colon + 1);
  if (colon >= 0 && name === '') throw new ConfigError('invalid restart policy format: no policy provided before colon');
  let max = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) throw new ConfigError('invalid restart policy format: maximum retry count must be an integer');
    max = Number(count);
  }
  return { Name: name, MaximumRetryCount: max };
}

/** Validates the flag values and builds the create body (docker's parse()). */
export function parseContainerFlags(f: Flags, image: string, args: string[], ctx: ParseContext): ContainerConfig {
  const cwd = ctx.cwd ?? process.cwd();
  // Values each flag checks as it is set (pflag), in docker's words.
  const attach = list(f, 'attach').map((v) => flagValue('attach', v, validateAttach));
  const envFlags = list(f, 'env').map((v) => flagValue('env', v, (x) => validateEnv(x, ctx.env)));
  const labelFlags = list(f, 'label').map((v) => flagValue('label', v, validateLabel));
  const extraHosts = list(f, 'addHost').map((v) => flagValue('add-host', v, validateExtraHost));
  const dns = list(f, 'dns').map((v) => flagValue('dns', v, validateIp));
  const sysctls = list(f, 'sysctl').map((v) => flagValue('sysctl', v, validateSysctl));
  const ulimits = new Map<string, ReturnType<typeof parseUlimit>>();
  for (const v of list(f, 'ulimit')) {
    const u = flagValue('ulimit', v, parseUlimit);
    ulimits.set(u.Name, u);
  }
  const mounts = list(f, 'mount').map((v) => flagValue('mount', v, (x) => parseMount(x, cwd)));
  const networks = [...list(f, 'network').map((v) => flagValue('network', v, parseNetworkOpt)), ...list(f, 'net').map((v) => flagValue('net', v, parseNetworkOpt))];
  const deviceCgroupRules = list(f, 'deviceCgroupRule').map((v) =>
    flagValue('device-cgroup-rule', v, (x) => {
      if (!/^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$/.test(x)) throw new Error(`invalid device cgroup format '${x}'`);
      return x;
    }),
  );
  const memory = bytesFlag(f, 'memory', 'memory');
  const memoryReservation = bytesFlag(f, 'memoryReservation', 'memory-reservation');
  const memorySwapText = str(f, 'memorySwap');
  const memorySwap = memorySwapText === undefined ? 0 : flagValue('memory-swap', memorySwapText, parseMemSwap);
  bytesFlag(f, 'kernelMemory', 'kernel-memory'); // checked, then dropped: API 1.42+ has no kernel memory limit
  const shmSize = bytesFlag(f, 'shmSize', 'shm-size');
  const cpusText = str(f, 'cpus');
  const nanoCpus = cpusText === undefined ? 0 : flagValue('cpus', cpusText, parseNanoCpus);
  const cpuShares = intFlag(f, 'cpuShares', 'cpu-shares') ?? 0;
  const cpuPeriod = intFlag(f, 'cpuPeriod', 'cpu-period') ?? 0;
  const cpuQuota = intFlag(f, 'cpuQuota', 'cpu-quota') ?? 0;
  const cpuRtPeriod = intFlag(f, 'cpuRtPeriod', 'cpu-rt-period') ?? 0;
  const cpuRtRuntime = intFlag(f, 'cpuRtRuntime', 'cpu-rt-runtime') ?? 0;
  const pidsLimit = intFlag(f, 'pidsLimit', 'pids-limit') ?? 0;
  const swappiness = intFlag(f, 'memorySwappiness', 'memory-swappiness') ?? -1;
  const oomScoreAdj = intFlag(f, 'oomScoreAdj', 'oom-score-adj') ?? 0;
  const stopTimeout = intFlag(f, 'stopTimeout', 'stop-timeout');
  const healthRetries = intFlag(f, 'healthRetries', 'health-retries') ?? 0;
  const blkioText = str(f, 'blkioWeight');
  const blkioWeight = blkioText === undefined ? 0 : flagValue('blkio-weight', blkioText, (x) => parseGoUint(x, 16));
  const healthInterval = durationFlag(f, 'healthInterval', 'health-interval');
  const healthTimeout = durationFlag(f, 'healthTimeout', 'health-timeout');
  const healthStartPeriod = durationFlag(f, 'healthStartPeriod', 'health-start-period');
  const healthStartInterval = durationFlag(f, 'healthStartInterval', 'health-start-interval');
  const weightDevices = list(f, 'blkioWeightDevice').map((v) => flagValue('blkio-weight-device', v, (x) => parseDeviceRate(x, 'weight')));
  const readBps = list(f, 'deviceReadBps').map((v) => flagValue('device-read-bps', v, (x) => parseDeviceRate(x, 'bps')));
  const writeBps = list(f, 'deviceWriteBps').map((v) => flagValue('device-write-bps', v, (x) => parseDeviceRate(x, 'bps')));
  const readIops = list(f, 'deviceReadIops').map((v) => flagValue('device-read-iops', v, (x) => parseDeviceRate(x, 'iops')));
  const writeIops = list(f, 'deviceWriteIops').map((v) => flagValue('device-write-iops', v, (x) => parseDeviceRate(x, 'iops')));
  const annotations = list(f, 'annotation').map((v) => {
    const eq = v.indexOf('=');
    return [eq < 0 ? v : v.slice(0, eq), eq < 0 ? '' : v.slice(eq + 1)] as [string, string];
  });

  // parse(): combinations and files.
  let attachStdin = attach.includes('stdin');
  let attachStdout = attach.includes('stdout');
  let attachStderr = attach.includes('stderr');
  const macAddress = str(f, 'macAddress');
  if (macAddress !== undefined && !/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(macAddress.trim())) {
    throw new ConfigError(`${macAddress} is not a valid mac address`);
  }
  const interactive = bool(f, 'interactive');
  if (interactive) attachStdin = true;
  if (attach.length === 0) {
    attachStdout = true;
    attachStderr = true;
  }
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw new ConfigError(`invalid value: ${swappiness}. Valid memory swappiness range is 0-100`);
  }

  const binds: string[] = [];
  const volumes = new Map<string, object>();
  for (const spec of new Set(list(f, 'volume'))) {
    if (!volumeHasSource(spec)) {
      volumes.set(spec, {});
      continue;
    }
    const colon = spec.indexOf(':');
    let host = spec.slice(0, colon);
    if (isFilePathSource(host) && !host.startsWith('/') && host.startsWith('.')) host = resolvePath(cwd, host);
    binds.push(`${host}:${spec.slice(colon + 1)}`);
  }

  const tmpfs = new Map<string, string>();
  for (const t of list(f, 'tmpfs')) {
    const colon = t.indexOf(':');
    tmpfs.set(colon < 0 ? t : t.slice(0, colon), colon < 0 ? '' : t.slice(colon + 1));
  }

  const entrypointText = str(f, 'entrypoint');
  const entrypoint = entrypointText === undefined ? null : [entrypointText];

  const exposed = new Map<string, object>();
  const bindings = new Map<string, { HostIp: string; HostPort: string }[]>();
  for (const p of list(f, 'publish')) {
    let mappings: ReturnType<typeof parsePortSpec>;
    try {
      mappings = parsePortSpec(standardPortNotation(p));
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError((err as Error).message);
    }
    for (const m of mappings) {
      exposed.set(m.port, {});
      bindings.set(m.port, [...(bindings.get(m.port) ?? []), { HostIp: m.hostIp, HostPort: m.hostPort }]);
    }
  }
  for (const e of list(f, 'expose')) {
    if (e.includes(':')) throw new ConfigError(`invalid port format for --expose: ${e}`);
    const [proto, port] = splitProtoPort(e);
    let start: number;
    let end: number;
    try {
      [start, end] = parsePortRange(port);
    } catch (err) {
      throw new ConfigError(`invalid range format for --expose: ${e}, error: ${(err as Error).message}`);
    }
    for (let i = start; i <= end; i++) if (!exposed.has(`${i}/${proto}`)) exposed.set(`${i}/${proto}`, {});
  }

  const devices: Record<string, string>[] = [];
  const cdiDevices: string[] = [];
  for (const d of list(f, 'device')) {
    if (isCdiName(d)) cdiDevices.push(d);
    else devices.push(parseDevice(d));
  }

  const envFromFiles = list(f, 'envFile').flatMap((file) => readKvFile(file, (k) => ctx.env[k]));
  const env = [...envFromFiles, ...envFlags];
  const labelsFromFiles = list(f, 'labelFile').flatMap((file) => readKvFile(file, undefined));
  const labels = goMap(
    [...labelsFromFiles, ...labelFlags].map((l) => {
      const eq = l.indexOf('=');
      return [eq < 0 ? l : l.slice(0, eq), eq < 0 ? '' : l.slice(eq + 1)] as [string, string];
    }),
  );

  const pid = str(f, 'pid') ?? '';
  if (pid !== '' && pid !== 'host' && !/^container:./.test(pid)) throw new ConfigError('--pid: invalid PID mode');
  const uts = str(f, 'uts') ?? '';
  if (uts !== '' && uts !== 'host') throw new ConfigError('--uts: invalid UTS mode');
  const userns = str(f, 'userns') ?? '';
  if (userns !== '' && userns !== 'host') throw new ConfigError('--userns: invalid USER mode');
  const cgroupns = str(f, 'cgroupns') ?? '';
  if (cgroupns !== '' && cgroupns !== 'host' && cgroupns !== 'private') throw new ConfigError('--cgroupns: invalid CGROUP mode');

  const restartPolicy = parseRestartPolicy(str(f, 'restart') ?? 'no');
  const logDriver = str(f, 'logDriver') ?? '';
  const logOpts = list(f, 'logOpt');
  if (logDriver === 'none' && logOpts.length > 0) throw new ConfigError(`invalid logging opts for driver ${logDriver}`);
  const logConfig = goMap(
    logOpts.map((o) => {
      const eq = o.indexOf('=');
      return [eq < 0 ? o : o.slice(0, eq), eq < 0 ? '' : o.slice(eq + 1)] as [string, string];
    }),
  );

  let securityOpt = parseSecurityOpts(list(f, 'securityOpt'));
  let maskedPaths: string[] | null = null;
  let readonlyPaths: string[] | null = null;
  if (securityOpt.includes('systempaths=unconfined')) {
    maskedPaths = [];
    readonlyPaths = [];
    securityOpt = securityOpt.filter((o) => o !== 'systempaths=unconfined');
  }
  const storageOpt = new Map<string, string>();
  for (const o of list(f, 'storageOpt')) {
    const eq = o.indexOf('=');
    if (eq < 0) throw new ConfigError('invalid storage option');
    storageOpt.set(o.slice(0, eq), o.slice(eq + 1));
  }

  const healthCmd = str(f, 'healthCmd') ?? '';
  const haveHealth = healthCmd !== '' || healthInterval !== 0 || healthTimeout !== 0 || healthStartPeriod !== 0 || healthRetries !== 0 || healthStartInterval !== 0;
  let healthcheck: Record<string, unknown> | undefined;
  if (f.healthcheck === false) {
    if (haveHealth) throw new ConfigError('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (haveHealth) {
    if (healthInterval < 0) throw new ConfigError('--health-interval cannot be negative');
    if (healthTimeout < 0) throw new ConfigError('--health-timeout cannot be negative');
    if (healthRetries < 0) throw new ConfigError('--health-retries cannot be negative');
    if (healthStartPeriod < 0) throw new ConfigError('--health-start-period cannot be negative');
    if (healthStartInterval < 0) throw new ConfigError('--health-start-interval cannot be negative');
    healthcheck = omitEmpty(
      {
        Test: healthCmd !== '' ? ['CMD-SHELL', healthCmd] : undefined,
        Interval: healthInterval,
        Timeout: healthTimeout,
        StartPeriod: healthStartPeriod,
        StartInterval: healthStartInterval,
        Retries: healthRetries,
      },
      ['Test', 'Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'],
    );
  }

  const deviceRequests = cdiDevices.length > 0 ? [{ Driver: 'cdi', Count: 0, DeviceIDs: cdiDevices, Capabilities: null, Options: null }] : null;
  const autoRemove = bool(f, 'rm');
  if (autoRemove && restartPolicy.Name !== 'no' && restartPolicy.Name !== '') {
    throw new ConfigError('conflicting options: cannot specify both --restart and --rm');
  }
  const tty = bool(f, 'tty');
  const stdinOnce = interactive && attachStdin;
  const networkMode = networks[0]?.Target ?? 'default';
  const endpoints = networkEndpoints(networks, f);

  // container.Config, then HostConfig and NetworkingConfig, in the Go structs' field order.
  const body: CreateBody = {
    Hostname: str(f, 'hostname') ?? '',
    Domainname: str(f, 'domainname') ?? '',
    User: str(f, 'user') ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(exposed.size > 0 ? { ExposedPorts: goMap(exposed) } : {}),
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: stdinOnce,
    Env: env.length > 0 ? env : null,
    Cmd: args.length > 0 ? args : null,
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    Image: image,
    Volumes: goMap(volumes),
    WorkingDir: str(f, 'workdir') ?? '',
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: labels,
    ...(str(f, 'stopSignal') ? { StopSignal: str(f, 'stopSignal') } : {}),
    ...(stopTimeout !== undefined ? { StopTimeout: stopTimeout } : {}),
    HostConfig: {
      Binds: binds.length > 0 ? binds : null,
      ContainerIDFile: str(f, 'cidfile') ?? '',
      LogConfig: { Type: logDriver, Config: logConfig },
      NetworkMode: networkMode,
      PortBindings: goMap(bindings),
      RestartPolicy: restartPolicy,
      AutoRemove: autoRemove,
      VolumeDriver: str(f, 'volumeDriver') ?? '',
      VolumesFrom: list(f, 'volumesFrom').length > 0 ? list(f, 'volumesFrom') : null,
      ConsoleSize: ctx.consoleSize,
      ...(annotations.length > 0 ? { Annotations: goMap(annotations) } : {}),
      CapAdd: normalizeCapabilities(list(f, 'capAdd')),
      CapDrop: normalizeCapabilities(list(f, 'capDrop')),
      CgroupnsMode: cgroupns,
      Dns: dns,
      DnsOptions: list(f, 'dnsOption', 'dnsOpt'),
      DnsSearch: list(f, 'dnsSearch'),
      ExtraHosts: extraHosts.length > 0 ? extraHosts : null,
      GroupAdd: list(f, 'groupAdd').length > 0 ? list(f, 'groupAdd') : null,
      IpcMode: str(f, 'ipc') ?? '',
      Cgroup: '',
      Links: list(f, 'link').length > 0 ? list(f, 'link') : null,
      OomScoreAdj: oomScoreAdj,
      PidMode: pid,
      Privileged: bool(f, 'privileged'),
      PublishAllPorts: bool(f, 'publishAll'),
      ReadonlyRootfs: bool(f, 'readOnly'),
      // Go: nil without --security-opt, an empty slice once systempaths=unconfined is taken out.
      SecurityOpt: list(f, 'securityOpt').length > 0 ? securityOpt : null,
      ...(storageOpt.size > 0 ? { StorageOpt: goMap(storageOpt) } : {}),
      ...(tmpfs.size > 0 ? { Tmpfs: goMap(tmpfs) } : {}),
      UTSMode: uts,
      UsernsMode: userns,
      ShmSize: shmSize,
      ...(sysctls.length > 0
        ? {
            Sysctls: goMap(
              sysctls.map((s) => {
                const eq = s.indexOf('=');
                return [s.slice(0, eq), s.slice(eq + 1)] as [string, string];
              }),
            ),
          }
        : {}),
      ...(str(f, 'runtime') ? { Runtime: str(f, 'runtime') } : {}),
      Isolation: str(f, 'isolation') ?? '',
      CpuShares: cpuShares,
      Memory: memory,
      NanoCpus: nanoCpus,
      CgroupParent: str(f, 'cgroupParent') ?? '',
      BlkioWeight: blkioWeight,
      BlkioWeightDevice: weightDevices,
      BlkioDeviceReadBps: readBps,
      BlkioDeviceWriteBps: writeBps,
      BlkioDeviceReadIOps: readIops,
      BlkioDeviceWriteIOps: writeIops,
      CpuPeriod: cpuPeriod,
      CpuQuota: cpuQuota,
      CpuRealtimePeriod: cpuRtPeriod,
      CpuRealtimeRuntime: cpuRtRuntime,
      CpusetCpus: str(f, 'cpusetCpus') ?? '',
      CpusetMems: str(f, 'cpusetMems') ?? '',
      Devices: devices,
      DeviceCgroupRules: deviceCgroupRules.length > 0 ? deviceCgroupRules : null,
      DeviceRequests: deviceRequests,
      MemoryReservation: memoryReservation,
      MemorySwap: memorySwap,
      MemorySwappiness: swappiness,
      OomKillDisable: bool(f, 'oomKillDisable'),
      PidsLimit: pidsLimit,
      Ulimits: [...ulimits.values()].sort((a, b) => byteCompare(a.Name, b.Name)),
      CpuCount: 0,
      CpuPercent: 0,
      IOMaximumIOps: 0,
      IOMaximumBandwidth: 0,
      ...(mounts.length > 0 ? { Mounts: mounts } : {}),
      MaskedPaths: maskedPaths,
      ReadonlyPaths: readonlyPaths,
      ...(f.init !== undefined ? { Init: f.init === true } : {}),
    },
    NetworkingConfig: { EndpointsConfig: endpoints },
  };
  return {
    body,
    image,
    tty,
    openStdin: interactive,
    attachStdin,
    attachStdout,
    attachStderr,
    autoRemove,
    attachFlagCount: attach.length,
    cidfile: str(f, 'cidfile') ?? '',
  };
}
