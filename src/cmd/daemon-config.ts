// berthd's settings: defaults, then the JSON config file (Docker's daemon.json shape, for the
// keys berth supports), then flags. As dockerd does, a key set both in the file and as a flag
// is an error, and so is an unknown key in the file.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface DaemonConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  debug: boolean;
  logLevel: string;
  storageDriver?: string;
  group?: string;
  runtimes: Record<string, { path: string; runtimeArgs?: string[] }>;
  defaultRuntime: string;
  initPath?: string;
  insecureRegistries: string[];
  registryMirrors: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  labels: string[];
  liveRestore: boolean;
  bip?: string;
  /** The default bridge's interface (dockerd's --bridge). */
  bridge: string;
  defaultAddressPools: { base: string; size: number }[];
  dns: string[];
  dnsSearch: string[];
  dnsOpts: string[];
  /** Parent cgroup of containers (dockerd's cgroup-parent). */
  cgroupParent: string;
}

export const DEFAULT_SOCKET = '/run/berth/berth.sock';
export const DEFAULT_DATA_ROOT = '/var/lib/berth';
export const DEFAULT_EXEC_ROOT = '/run/berth';
export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

/** Flags as parsed by commander; undefined means "not given". */
export interface DaemonFlags {
  host?: string[];
  dataRoot?: string;
  execRoot?: string;
  pidfile?: string;
  debug?: boolean;
  logLevel?: string;
  storageDriver?: string;
  group?: string;
  addRuntime?: string[];
  defaultRuntime?: string;
  insecureRegistry?: string[];
  registryMirror?: string[];
  label?: string[];
  liveRestore?: boolean;
  bip?: string;
  bridge?: string;
  dns?: string[];
  cgroupParent?: string;
}

/** daemon.json key → the flag that sets the same thing (for the "both" check). */
const FILE_KEYS: Record<string, keyof DaemonFlags | null> = {
  hosts: 'host',
  'data-root': 'dataRoot',
  'exec-root': 'execRoot',
  pidfile: 'pidfile',
  debug: 'debug',
  'log-level': 'logLevel',
  'storage-driver': 'storageDriver',
  group: 'group',
  runtimes: 'addRuntime',
  'default-runtime': 'defaultRuntime',
  'init-path': null,
  'insecure-registries': 'insecureRegistry',
  'registry-mirrors': 'registryMirror',
  'max-concurrent-downloads': null,
  'max-concurrent-uploads': null,
  labels: 'label',
  'live-restore': 'liveRestore',
  bip: 'bip',
  bridge: 'bridge',
  'default-address-pools': null,
  dns: 'dns',
  'dns-search': null,
  'dns-opts': null,
  'cgroup-parent': 'cgroupParent',
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export async function readConfigFile(path: string, required: boolean): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new ConfigError(`unable to configure the daemon with file ${path}: ${(err as Error).message}`);
  }
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`unable to configure the daemon with file ${path}: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ConfigError(`unable to configure the daemon with file ${path}: not a JSON object`);
  }
  return v as Record<string, unknown>;
}

export function resolveConfig(flags: DaemonFlags, file: Record<string, unknown>, source = 'the configuration file'): DaemonConfig {
  const unknown = Object.keys(file).filter((k) => !(k in FILE_KEYS));
  if (unknown.length > 0) {
    throw new ConfigError(`the following directives don't match any configuration option: ${unknown.join(', ')}`);
  }
  const both = Object.keys(file).filter((k) => {
    const flag = FILE_KEYS[k];
    return flag !== null && flag !== undefined && flags[flag] !== undefined;
  });
  if (both.length > 0) {
    throw new ConfigError(
      `the following directives are specified both as a flag and in ${source}: ${both.map((k) => `${k}: (from flag: ${String(flags[FILE_KEYS[k]!])}, from file: ${JSON.stringify(file[k])})`).join(', ')}`,
    );
  }
  const s = (k: string): string | undefined => optionalType(file, k, 'string');
  const b = (k: string): boolean | undefined => optionalType(file, k, 'boolean');
  const list = (k: string): string[] | undefined => {
    const v = file[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ConfigError(`${k} must be a list of strings`);
    return v as string[];
  };
  const n = (k: string, dflt: number): number => {
    const v = file[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`${k} must be a positive integer`);
    return v;
  };

  const execRoot = flags.execRoot ?? s('exec-root') ?? DEFAULT_EXEC_ROOT;
  const debug = flags.debug ?? b('debug') ?? false;
  const runtimes: DaemonConfig['runtimes'] = { runc: { path: 'runc' } };
  const fileRuntimes = file.runtimes;
  if (fileRuntimes !== undefined) {
    if (typeof fileRuntimes !== 'object' || fileRuntimes === null) throw new ConfigError('runtimes must be an object');
    for (const [name, r] of Object.entries(fileRuntimes as Record<string, unknown>)) {
      const path = (r as { path?: unknown } | null)?.path;
      if (typeof path !== 'string' || path === '') throw new ConfigError(`runtime ${name} needs a path`);
      const args = (r as { runtimeArgs?: unknown }).runtimeArgs;
      runtimes[name] = Array.isArray(args) ? { path, runtimeArgs: args.map(String) } : { path };
    }
  }
  for (const spec of flags.addRuntime ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new ConfigError(`invalid runtime ${JSON.stringify(spec)}: use name=path`);
    runtimes[spec.slice(0, eq)] = { path: spec.slice(eq + 1) };
  }
  const defaultRuntime = flags.defaultRuntime ?? s('default-runtime') ?? 'runc';
  if (!runtimes[defaultRuntime]) throw new ConfigError(`default runtime ${defaultRuntime} is not among the configured runtimes`);

  const pools = file['default-address-pools'];
  const defaultAddressPools: DaemonConfig['defaultAddressPools'] = [];
  if (pools !== undefined) {
    if (!Array.isArray(pools)) throw new ConfigError('default-address-pools must be a list');
    for (const p of pools as unknown[]) {
      const base = (p as { base?: unknown })?.base;
      const size = (p as { size?: unknown })?.size;
      if (typeof base !== 'string' || typeof size !== 'number') throw new ConfigError('default-address-pools entries need base and size');
      defaultAddressPools.push({ base, size });
    }
  }

  const cfg: DaemonConfig = {
    hosts: flags.host ?? list('hosts') ?? [`unix://${DEFAULT_SOCKET}`],
    dataRoot: flags.dataRoot ?? s('data-root') ?? DEFAULT_DATA_ROOT,
    execRoot,
    pidfile: flags.pidfile ?? s('pidfile') ?? join(execRoot, 'berthd.pid'),
    debug,
    logLevel: flags.logLevel ?? s('log-level') ?? (debug ? 'debug' : 'info'),
    runtimes,
    defaultRuntime,
    insecureRegistries: flags.insecureRegistry ?? list('insecure-registries') ?? [],
    registryMirrors: flags.registryMirror ?? list('registry-mirrors') ?? [],
    maxConcurrentDownloads: n('max-concurrent-downloads', 3),
    maxConcurrentUploads: n('max-concurrent-uploads', 5),
    labels: flags.label ?? list('labels') ?? [],
    liveRestore: flags.liveRestore ?? b('live-restore') ?? false,
    defaultAddressPools,
    bridge: flags.bridge ?? s('bridge') ?? 'berth0',
    dns: flags.dns ?? list('dns') ?? [],
    dnsSearch: list('dns-search') ?? [],
    dnsOpts: list('dns-opts') ?? [],
    cgroupParent: flags.cgroupParent ?? s('cgroup-parent') ?? '/berth',
  };
  const storageDriver = flags.storageDriver ?? s('storage-driver');
  if (storageDriver) cfg.storageDriver = storageDriver;
  const group = flags.group ?? s('group');
  if (group) cfg.group = group;
  const initPath = s('init-path');
  if (initPath) cfg.initPath = initPath;
  const bip = flags.bip ?? s('bip');
  if (bip) cfg.bip = bip;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(cfg.bridge)) throw new ConfigError(`invalid bridge name ${JSON.stringify(cfg.bridge)}: 1 to 15 letters, digits, '.', '_' or '-'`);
  if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(cfg.logLevel)) {
    throw new ConfigError(`unable to parse logging level: ${cfg.logLevel}`);
  }
  for (const h of cfg.hosts) socketPath(h);
  return cfg;
}

/** The socket path of a `-H` value: `unix:///path`, `unix://path` or a bare path. */
export function socketPath(host: string): string {
  if (host.startsWith('unix://')) {
    const p = host.slice('unix://'.length);
    if (p === '') throw new ConfigError(`invalid host ${host}: empty socket path`);
    return p;
  }
  if (host.startsWith('/')) return host;
  throw new ConfigError(`invalid host ${JSON.stringify(host)}: only unix sockets are supported (unix:///path)`);
}

function optionalType<T extends 'string' | 'boolean'>(
  file: Record<string, unknown>,
  key: string,
  type: T,
): (T extends 'string' ? string : boolean) | undefined {
  const v = file[key];
  if (v === undefined) return undefined;
  if (typeof v !== type) throw new ConfigError(`${key} must be a ${type}`);
  return v as T extends 'string' ? string : boolean;
}

/** berthd's flags: name, short form, whether it takes a value, repeats, and its help text. */
const FLAG_SPECS: { name: string; short?: string; value?: string; multiple?: boolean; help: string }[] = [
  { name: 'host', short: 'H', value: 'socket', multiple: true, help: 'daemon socket to listen on (unix:///path)' },
  { name: 'data-root', value: 'dir', help: `root directory of persistent state (default "${DEFAULT_DATA_ROOT}")` },
  { name: 'exec-root', value: 'dir', help: `root directory of execution state (default "${DEFAULT_EXEC_ROOT}")` },
  { name: 'pidfile', short: 'p', value: 'file', help: 'path of the daemon PID file (default "<exec-root>/berthd.pid")' },
  { name: 'config-file', value: 'file', help: `daemon configuration file (default "${DEFAULT_CONFIG_FILE}")` },
  { name: 'debug', short: 'D', help: 'enable debug mode' },
  { name: 'log-level', short: 'l', value: 'level', help: 'logging level: debug, info, warn, error, fatal' },
  { name: 'storage-driver', short: 's', value: 'driver', help: 'storage driver: overlay2 or vfs' },
  { name: 'group', short: 'G', value: 'group', help: 'group owning the API socket' },
  { name: 'add-runtime', value: 'name=path', multiple: true, help: 'register an OCI runtime' },
  { name: 'default-runtime', value: 'name', help: 'default OCI runtime for containers' },
  { name: 'insecure-registry', value: 'registry', multiple: true, help: 'registry reachable over plain HTTP' },
  { name: 'registry-mirror', value: 'url', multiple: true, help: 'preferred Docker Hub mirror' },
  { name: 'label', value: 'key=value', multiple: true, help: 'engine label' },
  { name: 'live-restore', help: 'keep containers running while the daemon is down' },
  { name: 'bip', value: 'cidr', help: 'address of the default bridge network' },
  { name: 'bridge', short: 'b', value: 'name', help: 'interface of the default bridge network (default "berth0")' },
  { name: 'dns', value: 'ip', multiple: true, help: 'DNS server for containers' },
  { name: 'cgroup-parent', value: 'path', help: 'parent cgroup of all containers (default "/berth")' },
  { name: 'validate', help: 'validate the configuration and exit' },
  { name: 'help', short: 'h', help: 'print this help and exit' },
  { name: 'version', short: 'v', help: 'print the version and exit' },
];

export interface ParsedDaemonArgs {
  flags: DaemonFlags;
  configFile: string;
  /** The config file was named on the command line (then it must exist). */
  explicitConfigFile: boolean;
  validate: boolean;
  help: boolean;
  version: boolean;
}

/** Parses berthd's command line with node:util (no CLI library in the daemon: memory). */
export function parseDaemonArgs(argv: string[]): ParsedDaemonArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        FLAG_SPECS.map((f) => [
          f.name,
          { type: f.value ? ('string' as const) : ('boolean' as const), ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) },
        ]),
      ),
    }));
  } catch (err) {
    const m = /'(-{1,2}[^']+)'/.exec((err as Error).message);
    throw new ConfigError(m ? `unknown flag or missing value: ${m[1]!}` : (err as Error).message);
  }
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const list = (k: string): string[] | undefined => values[k] as string[] | undefined;
  const bool = (k: string): boolean | undefined => values[k] as boolean | undefined;
  const flags: DaemonFlags = {};
  const set = <K extends keyof DaemonFlags>(k: K, v: DaemonFlags[K] | undefined): void => {
    if (v !== undefined) flags[k] = v;
  };
  set('host', list('host'));
  set('dataRoot', str('data-root'));
  set('execRoot', str('exec-root'));
  set('pidfile', str('pidfile'));
  set('debug', bool('debug'));
  set('logLevel', str('log-level'));
  set('storageDriver', str('storage-driver'));
  set('group', str('group'));
  set('addRuntime', list('add-runtime'));
  set('defaultRuntime', str('default-runtime'));
  set('insecureRegistry', list('insecure-registry'));
  set('registryMirror', list('registry-mirror'));
  set('label', list('label'));
  set('liveRestore', bool('live-restore'));
  set('bip', str('bip'));
  set('bridge', str('bridge'));
  set('dns', list('dns'));
  set('cgroupParent', str('cgroup-parent'));
  return {
    flags,
    configFile: str('config-file') ?? DEFAULT_CONFIG_FILE,
    explicitConfigFile: str('config-file') !== undefined,
    validate: bool('validate') ?? false,
    help: bool('help') ?? false,
    version: bool('version') ?? false,
  };
}

export function daemonUsage(): string {
  const rows = FLAG_SPECS.map((f) => {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` <${f.value}>` : ''}`;
    return `  ${left.padEnd(34)} ${f.help}`;
  });
  return `Usage: berthd [OPTIONS]\n\nberth daemon: the Docker Engine API over a Unix socket\n\nOptions:\n${rows.join('\n')}\n`;
}
