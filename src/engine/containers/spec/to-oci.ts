// ContainerSpec → OCI runtime config (config.json), the way dockerd builds it (moby
// daemon/oci_linux.go, oci/defaults.go): Docker's default mounts, namespaces, devices,
// capabilities, masked paths and seccomp profile, then the container's own settings on top.
// Pure: whatever depends on the host (the resolved user, device numbers, namespace paths of
// other containers, the files berth wrote for the container) comes in through OciContext, so
// golden files can pin the output.

import { posix } from 'node:path';
import { EngineError, invalidArgument } from '../../../core/errors.js';
import type {
  OciDeviceCgroup,
  OciLinux,
  OciLinuxDevice,
  OciMount,
  OciNamespace,
  OciProcess,
  OciResources,
  OciRlimit,
  OciSeccomp,
  OciSpec,
} from '../../../oci/runtime-spec.js';
import { OCI_VERSION } from '../../../oci/runtime-spec.js';
import { capabilitySet } from './capabilities.js';
import type { ContainerSpec, DeviceMapping, Resources, Ulimit } from './container-spec.js';
import { processArgs } from './merge.js';
import { defaultSeccompProfile } from './seccomp-default.js';
import { parseSeccompProfile, resolveSeccompProfile } from './seccomp-profile.js';
import type { ResolvedUser } from './user.js';
import { tmpfsMount } from './tmpfs.js';
import { parseDeviceCgroupRule } from './validate.js';

export const DEFAULT_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where Docker mounts the --init binary inside the container. */
export const CONTAINER_INIT_PATH = '/sbin/docker-init';

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** A device node found on the host for a --device mapping (stat is the caller's job). */
export interface DeviceNode {
  /** The node's host path: the mapping's own path, or a node below it when it names a directory. */
  pathOnHost: string;
  type: OciLinuxDevice['type'];
  major: number;
  minor: number;
  /** Permission bits only (st_mode without the file type), as containerd records them. */
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** What the spec does not say and the host decides. */
export interface OciContext {
  id: string;
  /** From resolveUser (user.ts), against the container's /etc/passwd and /etc/group. */
  user: ResolvedUser;
  /** The mounted root filesystem. */
  rootfs: string;
  /** The per-container files berth writes; each is bind-mounted when given. */
  hostsPath?: string;
  resolvConfPath?: string;
  hostnamePath?: string;
  /** Overrides the spec's shm size (bytes). */
  shmSize?: number;
  /** A host directory to bind at /dev/shm instead of a private tmpfs (ipc host, shareable, container:). */
  shmPath?: string;
  /** The full cgroups path; default: <HostConfig.CgroupParent or cgroupParent>/<id>. */
  cgroupsPath?: string;
  /** Parent cgroup when neither cgroupsPath nor --cgroup-parent says (default /berth). */
  cgroupParent?: string;
  /** The host's cgroup version (default 2): v2 gives every container its own cgroup namespace. */
  cgroupVersion?: 1 | 2;
  /** The host architecture, Go's name (amd64) or Node's (x64): picks the seccomp rules. */
  arch: string;
  /** The host kernel (major, minor) for version-conditioned seccomp rules; unknown: recent. */
  kernel?: readonly [number, number];
  /**
   * Namespaces to join, as /proc/<pid>/ns/… paths: required for container:<id> modes; for the
   * network, also the netns a network driver prepared for a bridge network.
   */
  namespacePaths?: { network?: string; ipc?: string; pid?: string };
  /** The host's init binary (tini) for --init; mounted at /sbin/docker-init. */
  initPath?: string;
  /** The daemon's --init default, for containers that did not say. */
  defaultInit?: boolean;
  /** The device nodes of each --device mapping, by the mapping's pathOnHost. */
  devices?: Record<string, DeviceNode[]>;
  /** Every device of the host, for --privileged. */
  hostDevices?: OciLinuxDevice[];
  /** Binds and volumes, already resolved to host paths (the volume layer's job). */
  mounts?: OciMount[];
  /** The capabilities berthd can grant (its effective set); default: all known. */
  availableCapabilities?: readonly string[];
  /** More paths to mask: the host's per-CPU thermal_throttle directories, as dockerd masks them. */
  extraMaskedPaths?: readonly string[];
  /** The daemon's default ulimits, for names the container does not set. */
  defaultUlimits?: readonly Ulimit[];
}

const DEFAULT_DEVICE_RULES: readonly OciDeviceCgroup[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, // /dev/zero
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // /dev/null
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, // /dev/urandom
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' }, // /dev/random
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' }, // /dev/tty
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' }, // /dev/console
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' }, // /dev/fuse
];

/** A mount whose options are always present, so they can be edited in place. */
type MountWithOptions = OciMount & { options: string[] };

function defaultMounts(): MountWithOptions[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777'] },
  ];
}

/**
 * Builds config.json for a container. Throws for what only now turns out impossible: a
 * --device that is not on the host, a namespace to join that is not given, --init without an
 * init binary. Write the result with ociSpecJson (unlimited rlimits need it).
 */
export function toOciSpec(spec: ContainerSpec, ctx: OciContext): OciSpec {
  const caps = capabilitySet({
    capAdd: spec.host.capAdd,
    capDrop: spec.host.capDrop,
    privileged: spec.host.privileged,
    ...(ctx.availableCapabilities ? { available: ctx.availableCapabilities } : {}),
  });
  const hostname = (spec.host.utsMode ?? '') !== 'host' ? { hostname: spec.hostname } : {};
  const annotations = Object.keys(spec.host.annotations).length > 0 ? { annotations: { ...spec.host.annotations } } : {};
  return {
    ociVersion: OCI_VERSION,
    process: buildProcess(spec, ctx, caps),
    root: spec.host.readonlyRootfs ? { path: ctx.rootfs, readonly: true } : { path: ctx.rootfs },
    ...hostname,
    mounts: buildMounts(spec, ctx),
    linux: buildLinux(spec, ctx, caps),
    ...annotations,
  };
}

/** Runs --init as pid 1 only in the container's own pid namespace, as dockerd does. */
function wantsInit(spec: ContainerSpec, ctx: OciContext): boolean {
  return (spec.host.init ?? ctx.defaultInit ?? false) && (spec.host.pidMode ?? '') === '';
}

function buildProcess(spec: ContainerSpec, ctx: OciContext, caps: string[]): OciProcess {
  const args = processArgs(spec);
  return makeProcess(spec, ctx.user, caps, ctx.defaultUlimits ?? [], {
    args: wantsInit(spec, ctx) ? [CONTAINER_INIT_PATH, '--', ...args] : args,
    tty: spec.tty,
    consoleSize: spec.host.consoleSize,
    env: buildEnv(spec, ctx.user, { tty: spec.tty }),
    cwd: spec.workingDir || '/',
  });
}

/** The parts of a process that the container fixes (user, capabilities, limits) around the parts given. */
function makeProcess(
  spec: ContainerSpec,
  user: ResolvedUser,
  caps: string[],
  defaultUlimits: readonly Ulimit[],
  p: { args: string[]; tty: boolean; consoleSize: { rows: number; cols: number } | undefined; env: string[]; cwd: string },
): OciProcess {
  const size = p.consoleSize;
  const rlimits = buildRlimits(spec.host.ulimits, defaultUlimits);
  return {
    terminal: p.tty,
    ...(p.tty && size && (size.rows > 0 || size.cols > 0) ? { consoleSize: { height: size.rows, width: size.cols } } : {}),
    user: { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids] },
    args: p.args,
    env: p.env,
    cwd: p.cwd,
    // Inheritable stays empty (moby >= 23): an exec'd file's capabilities cannot widen the set.
    capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
    ...(rlimits.length > 0 ? { rlimits } : {}),
    ...(spec.security.noNewPrivileges ? { noNewPrivileges: true } : {}),
    oomScoreAdj: spec.host.oomScoreAdj ?? 0,
  };
}

/**
 * moby's ReplaceOrAppendEnvValues: each override replaces the default of the same name or is
 * appended; a bare name (no `=`) removes it.
 */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const env: (string | undefined)[] = [...defaults];
  const index = new Map(defaults.map((e, i) => [e.slice(0, e.indexOf('=')), i]));
  for (const v of overrides) {
    const eq = v.indexOf('=');
    const at = index.get(eq === -1 ? v : v.slice(0, eq));
    if (eq === -1) {
      if (at !== undefined) env[at] = undefined;
    } else if (at !== undefined) {
      env[at] = v;
    } else {
      index.set(v.slice(0, eq), env.length);
      env.push(v);
    }
  }
  return env.filter((e): e is string => e !== undefined);
}

/**
 * A process's environment as dockerd builds it: PATH, HOSTNAME and (with a TTY) TERM, then the
 * container's variables, then (for exec) the exec's own; and HOME from passwd when none is set.
 */
export function buildEnv(
  spec: Pick<ContainerSpec, 'env' | 'hostname'>,
  user: Pick<ResolvedUser, 'home'>,
  opts: { tty: boolean; extraEnv?: readonly string[] },
): string[] {
  const defaults = [`PATH=${DEFAULT_PATH_ENV}`, `HOSTNAME=${spec.hostname}`, ...(opts.tty ? ['TERM=xterm'] : [])];
  let env = replaceOrAppendEnv(defaults, spec.env);
  if (opts.extraEnv) env = replaceOrAppendEnv(env, opts.extraEnv);
  // runc sets HOME from passwd when the environment has none; writing it here shows it in config.json.
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home}`);
  return env;
}

/** What an exec adds to the container's process (the fields of an exec instance berth uses). */
export interface ExecProcessConfig {
  cmd: string[];
  env: string[];
  workingDir: string;
  tty: boolean;
  privileged: boolean;
  consoleSize?: { rows: number; cols: number };
  // Carried by exec instances, not used for the process:
  user?: string;
  attachStdin?: boolean;
  attachStdout?: boolean;
  attachStderr?: boolean;
  detachKeys?: string;
}

export interface ExecProcessOptions {
  availableCapabilities?: readonly string[];
  defaultUlimits?: readonly Ulimit[];
}

/**
 * The process of `docker exec`: the container's process (capabilities, rlimits,
 * no-new-privileges) with the exec's command, environment, directory and TTY; `--privileged`
 * gives every capability. `user` is resolved by the caller: the exec's --user, else the
 * container's.
 */
export function execProcess(spec: ContainerSpec, exec: ExecProcessConfig, user: ResolvedUser, opts: ExecProcessOptions = {}): OciProcess {
  const available = opts.availableCapabilities ? { available: opts.availableCapabilities } : {};
  const caps = capabilitySet({
    capAdd: spec.host.capAdd,
    capDrop: spec.host.capDrop,
    privileged: spec.host.privileged || exec.privileged,
    ...available,
  });
  return makeProcess(spec, user, caps, opts.defaultUlimits ?? [], {
    args: [...exec.cmd],
    tty: exec.tty,
    consoleSize: exec.consoleSize,
    env: buildEnv(spec, user, { tty: exec.tty, extraEnv: exec.env }),
    cwd: exec.workingDir || spec.workingDir || '/',
  });
}

function buildRlimits(ulimits: readonly Ulimit[], defaults: readonly Ulimit[]): OciRlimit[] {
  const names = new Set(ulimits.map((u) => u.name));
  return [...ulimits, ...defaults.filter((u) => !names.has(u.name))].map((u) => ({
    type: `RLIMIT_${u.name.toUpperCase()}`,
    hard: u.hard,
    soft: u.soft,
  }));
}

function bindMount(destination: string, source: string, readonly: boolean): OciMount {
  return { destination, type: 'bind', source, options: readonly ? ['rbind', 'ro', 'rprivate'] : ['rbind', 'rprivate'] };
}

function depth(destination: string): number {
  return posix.normalize(destination).split('/').length;
}

function buildMounts(spec: ContainerSpec, ctx: OciContext): OciMount[] {
  const h = spec.host;
  const readonly = h.readonlyRootfs;
  const user: OciMount[] = [...(ctx.mounts ?? [])];
  for (const [dest, data] of Object.entries(h.tmpfs)) user.push(tmpfsMount(dest, data));
  const taken = (d: string): boolean => user.some((m) => m.destination === d);
  // The network files are the container's own unless a user mount covers them.
  const files: [string, string | undefined][] = [
    ['/etc/resolv.conf', ctx.resolvConfPath],
    ['/etc/hostname', ctx.hostnamePath],
    ['/etc/hosts', ctx.hostsPath],
  ];
  user.push(...files.flatMap(([d, src]) => (src !== undefined && !taken(d) ? [bindMount(d, src, readonly)] : [])));
  if (ctx.shmPath !== undefined && !taken('/dev/shm')) user.push(bindMount('/dev/shm', ctx.shmPath, false));
  // Shallow destinations first, so a mount inside another one comes after it.
  user.sort((a, b) => depth(a.destination) - depth(b.destination));

  const userDests = new Set(user.map((m) => m.destination));
  const shmSize = ctx.shmSize ?? h.shmSize;
  const defaults: MountWithOptions[] = [];
  for (const m of defaultMounts()) {
    if (userDests.has(m.destination)) continue;
    if (userDests.has('/dev') && m.destination.startsWith('/dev/')) continue;
    if (m.destination === '/dev/shm') {
      if (h.ipcMode === 'none') continue;
      m.options.push(`size=${shmSize}`);
    }
    defaults.push(m);
  }
  if (wantsInit(spec, ctx)) {
    if (ctx.initPath === undefined) {
      throw new EngineError('unavailable', '--init was requested, but berthd has no init binary (install tini or set init-path)');
    }
    defaults.push({ destination: CONTAINER_INIT_PATH, type: 'bind', source: ctx.initPath, options: ['bind', 'ro'] });
  }
  // dockerd adds `ro` to the default mounts of a read-only root except /proc, /dev and those
  // below /dev; every other default mount here (/sys, the cgroups, the init binary) is
  // read-only already, so only the network files (above) need it.
  if (h.privileged) {
    // Privileged containers may write /sys and the cgroup tree.
    for (const m of defaults) if (m.destination === '/sys' || m.type === 'cgroup') m.options = m.options.filter((o) => o !== 'ro');
  }
  return [...defaults, ...user];
}

function buildLinux(spec: ContainerSpec, ctx: OciContext, caps: string[]): OciLinux {
  const h = spec.host;
  const linux: OciLinux = { namespaces: buildNamespaces(spec, ctx) };
  const { devices, rules } = buildDevices(h.devices, h.privileged, ctx);
  if (devices.length > 0) linux.devices = devices;
  linux.cgroupsPath = ctx.cgroupsPath ?? posix.join(h.cgroupParent || ctx.cgroupParent || '/berth', ctx.id);
  const extraRules = h.privileged ? [] : h.deviceCgroupRules.map((r): OciDeviceCgroup => ({ allow: true, ...parseDeviceCgroupRule(r) }));
  linux.resources = { devices: [...rules, ...extraRules], ...ociResources(h.resources) };
  const sysctl = buildSysctls(spec);
  if (Object.keys(sysctl).length > 0) linux.sysctl = sysctl;
  const seccomp = buildSeccomp(spec, ctx, caps);
  if (seccomp) linux.seccomp = seccomp;
  let masked: readonly string[] = h.privileged ? [] : [...DEFAULT_MASKED_PATHS, ...(ctx.extraMaskedPaths ?? [])];
  let readonlyPaths: readonly string[] = h.privileged ? [] : DEFAULT_READONLY_PATHS;
  // Explicit lists (the CLI's `--security-opt systempaths=unconfined` sends []) replace the defaults.
  if (h.maskedPaths) masked = h.maskedPaths;
  if (h.readonlyPaths) readonlyPaths = h.readonlyPaths;
  if (masked.length > 0) linux.maskedPaths = [...masked];
  if (readonlyPaths.length > 0) linux.readonlyPaths = [...readonlyPaths];
  return linux;
}

function joinPath(kind: 'network' | 'ipc' | 'pid', mode: string, ctx: OciContext): string {
  const path = ctx.namespacePaths?.[kind];
  if (path === undefined) throw new EngineError('internal', `${kind} mode ${mode}: no namespace path to join was given`);
  return path;
}

function buildNamespaces(spec: ContainerSpec, ctx: OciContext): OciNamespace[] {
  const h = spec.host;
  const ns: OciNamespace[] = [{ type: 'mount' }];
  const net = spec.network;
  if (net.kind === 'container') ns.push({ type: 'network', path: joinPath('network', `container:${net.id}`, ctx) });
  else if (net.kind !== 'host') ns.push(ctx.namespacePaths?.network ? { type: 'network', path: ctx.namespacePaths.network } : { type: 'network' });
  if ((h.utsMode ?? '') !== 'host') ns.push({ type: 'uts' });
  const pid = h.pidMode ?? '';
  if (pid.startsWith('container:')) ns.push({ type: 'pid', path: joinPath('pid', pid, ctx) });
  else if (pid !== 'host') ns.push({ type: 'pid' });
  const ipc = h.ipcMode;
  if (ipc.startsWith('container:')) ns.push({ type: 'ipc', path: joinPath('ipc', ipc, ctx) });
  else if (ipc !== 'host') ns.push({ type: 'ipc' });
  const cgroupns = h.cgroupnsMode || ((ctx.cgroupVersion ?? 2) === 2 ? 'private' : 'host');
  if (cgroupns === 'private') ns.push({ type: 'cgroup' });
  return ns;
}

function buildDevices(
  mappings: readonly DeviceMapping[],
  privileged: boolean,
  ctx: OciContext,
): { devices: OciLinuxDevice[]; rules: OciDeviceCgroup[] } {
  const devices: OciLinuxDevice[] = privileged ? [...(ctx.hostDevices ?? [])] : [];
  const rules: OciDeviceCgroup[] = privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICE_RULES];
  for (const m of mappings) {
    const inContainer = m.pathInContainer || m.pathOnHost;
    // A privileged container already sees the host's devices at their own paths.
    if (privileged && inContainer === m.pathOnHost) continue;
    const nodes = ctx.devices?.[m.pathOnHost] ?? [];
    if (nodes.length === 0) {
      throw invalidArgument(`error gathering device information while adding custom device ${JSON.stringify(m.pathOnHost)}: no such file or directory`);
    }
    for (const n of nodes) {
      const d: OciLinuxDevice = { path: n.pathOnHost.replace(m.pathOnHost, inContainer), type: n.type, major: n.major, minor: n.minor };
      if (n.fileMode !== undefined) d.fileMode = n.fileMode;
      if (n.uid !== undefined) d.uid = n.uid;
      if (n.gid !== undefined) d.gid = n.gid;
      devices.push(d);
      if (!privileged && (n.type === 'c' || n.type === 'b')) {
        rules.push({ allow: true, type: n.type, major: n.major, minor: n.minor, access: m.cgroupPermissions || 'rwm' });
      }
    }
  }
  return { devices, rules };
}

/**
 * The cgroup resources of a container, without device rules; also what `docker update`
 * changes on a running one.
 */
export function ociResources(r: Resources): OciResources {
  const out: OciResources = {};
  const memory: NonNullable<OciResources['memory']> = {};
  if ((r.memory ?? 0) > 0) memory.limit = r.memory;
  if ((r.memoryReservation ?? 0) > 0) memory.reservation = r.memoryReservation;
  if ((r.memorySwap ?? 0) > 0) memory.swap = r.memorySwap;
  if (r.memorySwappiness !== undefined && r.memorySwappiness >= 0) memory.swappiness = r.memorySwappiness;
  if (r.oomKillDisable !== undefined) memory.disableOOMKiller = r.oomKillDisable;
  if (Object.keys(memory).length > 0) out.memory = memory;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  const nano = r.nanoCpus ?? 0;
  if (nano > 0) {
    // --cpus N is a CFS quota of N periods of 100 ms.
    cpu.period = 100000;
    cpu.quota = Math.trunc((nano * 100000) / 1e9);
  }
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuRealtimePeriod) cpu.realtimePeriod = r.cpuRealtimePeriod;
  if (r.cpuRealtimeRuntime) cpu.realtimeRuntime = r.cpuRealtimeRuntime;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  // 0 and negative mean unlimited; runc needs -1 to lift a limit set before.
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 };
  if (r.blkioWeight) out.blockIO = { weight: r.blkioWeight };
  return out;
}

function buildSysctls(spec: ContainerSpec): Record<string, string> {
  const out: Record<string, string> = {};
  // A network namespace of its own gets dockerd's two defaults: ping and low ports without
  // capabilities (the capabilities are granted anyway).
  if (spec.network.kind !== 'host' && spec.network.kind !== 'container') {
    out['net.ipv4.ping_group_range'] = '0 2147483647';
    out['net.ipv4.ip_unprivileged_port_start'] = '0';
  }
  // The NIS domain name has no OCI field; this sysctl sets it.
  if (spec.domainname) out['kernel.domainname'] = spec.domainname;
  return { ...out, ...spec.host.sysctls };
}

function buildSeccomp(spec: ContainerSpec, ctx: OciContext, caps: string[]): OciSeccomp | undefined {
  const s = spec.security.seccomp;
  const target = { caps, arch: ctx.arch, ...(ctx.kernel ? { kernel: ctx.kernel } : {}) };
  if (s.kind === 'unconfined') return undefined;
  if (s.kind === 'profile') return resolveSeccompProfile(parseSeccompProfile(s.json), target);
  // Privileged containers run without a profile unless one was given explicitly.
  if (spec.host.privileged) return undefined;
  return defaultSeccompProfile(caps, ctx.arch, ctx.kernel ? { kernel: ctx.kernel } : {});
}

/** RLIM_INFINITY: an rlimit of -1 in the spec; uint64 max in config.json. */
const RLIM_INFINITY_TEXT = '18446744073709551615';

/**
 * config.json text for a spec. JSON numbers cannot carry RLIM_INFINITY exactly, so rlimits of
 * -1 are written as 2^64-1 here, which is what runc reads as unlimited.
 */
export function ociSpecJson(spec: OciSpec): string {
  const marker = '\u0000rlim-infinity\u0000';
  const text = JSON.stringify(spec, (key: string, value: unknown) => ((key === 'soft' || key === 'hard') && value === -1 ? marker : value), 2);
  return text.replaceAll(JSON.stringify(marker), RLIM_INFINITY_TEXT);
}
