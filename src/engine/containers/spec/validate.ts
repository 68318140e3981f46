// Validation of a create request, with dockerd's words for each refusal (clients and scripts
// match on them). The checks run in dockerd's order: the body's network settings
// (runconfig), then the Config, the HostConfig, the resources and namespace modes
// (daemon/container.go, daemon/daemon_unix.go); then what runc would refuse at start (sysctls
// outside the container's namespaces, rlimits above what this host may grant, malformed
// devices), so that `docker create` fails instead of `docker start`. Security options are
// checked where they are parsed (security-opts.ts).

import { isIP } from 'node:net';
import { posix } from 'node:path';
import { invalidArgument } from '../../../core/errors.js';
import { parseSignal } from '../../../core/signals.js';
import { goQuote } from '../../../util/go-format.js';
import { normalizeCapabilities } from './capabilities.js';
import { tmpfsMount } from './tmpfs.js';
import type { CreateRequest, DeviceMapping, RestartPolicy, Resources, Ulimit } from './container-spec.js';

export interface ValidateOptions {
  /** Host CPUs: bounds --cpus and, unless cpusetCpusAvailable is given, --cpuset-cpus. */
  ncpu?: number;
  /** The host's cpuset lists (`0-3`); checked only when known. */
  cpusetCpusAvailable?: string;
  cpusetMemsAvailable?: string;
  /**
   * Hard rlimits a container may not exceed, by Docker's ulimit name (`nofile`), given when
   * berthd lacks CAP_SYS_RESOURCE: runc could not raise them and the start would fail.
   */
  maxHardLimits?: Record<string, number>;
  /** Whether the kernel has the CPU real-time scheduler cgroup (cgroup v1 only). */
  cpuRealtime?: boolean;
  /** The capabilities berthd can grant; default: all known. */
  availableCapabilities?: readonly string[];
}

const MIN_MEMORY = 6 * 1024 * 1024;
const MIN_DURATION_NS = 1_000_000;
const MAX_CPUSET = 8192;

/** Docker's ulimit names (go-units), plus `as`, which runc knows too. */
export const ULIMIT_NAMES: readonly string[] = [
  'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime',
  'sigpending', 'stack',
];

const SYSCTLS_IN_IPC_NS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** The restart policy with a known name, or dockerd's refusal. An empty name means `no`. */
export function validateRestartPolicy(p: { name: string; maximumRetryCount: number }): RestartPolicy {
  const count = p.maximumRetryCount;
  switch (p.name) {
    case 'no':
    case 'always':
    case 'unless-stopped':
      if (count !== 0) {
        const tail = count < 0 ? ' and cannot be negative' : '';
        throw invalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'${tail}`);
      }
      return { name: p.name, maximumRetryCount: 0 };
    case 'on-failure':
      if (count < 0) throw invalidArgument('invalid restart policy: maximum retry count cannot be negative');
      return { name: p.name, maximumRetryCount: count };
    case '':
      // What clients before Docker 25 sent by default, with any count; moby takes it as `no`.
      return { name: 'no', maximumRetryCount: count };
    default:
      throw invalidArgument(`invalid restart policy: unknown policy '${p.name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  }
}

/** Throws the first problem dockerd (or runc, at start) would report for this request. */
export function validateCreateRequest(req: CreateRequest, opts: ValidateOptions = {}): void {
  validateNetworkSettings(req);
  validateDecodedResources(req.host.resources, opts);
  validateConfig(req);
  validateHostConfig(req, opts);
  validateResources(req.host.resources, opts);
  validateNamespaceModes(req);
  validateUlimits(req.host.ulimits, opts.maxHardLimits);
  validateSysctls(req);
  validateDevices(req.host.devices, req.host.deviceCgroupRules);
}

function validateNetworkSettings(req: CreateRequest): void {
  const h = req.host;
  const mode = h.networkMode;
  if (mode === 'container' || mode.startsWith('container:')) {
    if (mode.slice('container:'.length) === '') throw invalidArgument('invalid network mode: invalid container format container:<name|id>');
    if (req.hostname) throw invalidArgument('conflicting options: hostname and the network mode');
    if (h.links.length > 0) {
      throw invalidArgument("conflicting options: container type network can't be used with links. This would result in undefined behavior");
    }
    if (h.dns.length > 0) throw invalidArgument('conflicting options: dns and the network mode');
    if (h.extraHosts.length > 0) throw invalidArgument('conflicting options: custom host-to-IP mapping and the network mode');
    if (Object.keys(h.portBindings).length > 0 || h.publishAllPorts) {
      throw invalidArgument('conflicting options: port publishing and the container type network mode');
    }
    if (Object.keys(req.exposedPorts ?? {}).length > 0) throw invalidArgument('conflicting options: port exposing and the container type network mode');
  }
  if (h.utsMode === 'host' && req.hostname) throw invalidArgument('conflicting options: hostname and the UTS mode');
  if (mode === 'host' && h.links.length > 0) {
    throw invalidArgument("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  }
}

/** The resource checks dockerd makes while decoding the body (runconfig). */
function validateDecodedResources(r: Resources, opts: ValidateOptions): void {
  const period = r.cpuRealtimePeriod ?? 0;
  const runtime = r.cpuRealtimeRuntime ?? 0;
  if ((period !== 0 || runtime !== 0) && !opts.cpuRealtime) throw invalidArgument('kernel does not support CPU real-time scheduler');
  if (period !== 0 && runtime !== 0 && runtime > period) throw invalidArgument('cpu real-time runtime cannot be higher than cpu real-time period');
  if ((r.cpuShares ?? 0) < 0) throw invalidArgument(`invalid CPU shares (${r.cpuShares}): value must be a positive integer`);
}

function validateConfig(req: CreateRequest): void {
  if (req.workingDir && !req.workingDir.startsWith('/')) {
    throw invalidArgument(`the working directory '${req.workingDir}' is invalid, it needs to be an absolute path`);
  }
  if (req.stopSignal) {
    try {
      parseSignal(req.stopSignal);
    } catch (err) {
      throw invalidArgument(`invalid signal: ${req.stopSignal}`, err);
    }
  }
  for (const e of req.env ?? []) {
    if (e.split('=')[0] === '') throw invalidArgument(`invalid environment variable: ${e}`);
  }
  const hc = req.healthcheck;
  if (hc) {
    for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
      const v = hc[key] ?? 0;
      if (v !== 0 && v < MIN_DURATION_NS) throw invalidArgument(`${key} in Healthcheck cannot be less than 1ms`);
    }
    if ((hc.Retries ?? 0) < 0) throw invalidArgument('Retries in Healthcheck cannot be negative');
  }
}

function validateHostConfig(req: CreateRequest, opts: ValidateOptions): void {
  const h = req.host;
  if (h.autoRemove && h.restartPolicy.name !== 'no') throw invalidArgument("can't create 'AutoRemove' container with restart policy");
  for (const extra of h.extraHosts) {
    const i = extra.indexOf(':');
    if (i <= 0) throw invalidArgument(`bad format for add-host: ${goQuote(extra)}`);
    const ip = extra.slice(i + 1);
    if (ip !== 'host-gateway' && isIP(ip.trim()) === 0) throw invalidArgument(`invalid IP address in add-host: ${goQuote(ip)}`);
  }
  for (const [port, bindings] of Object.entries(h.portBindings)) {
    const portStr = splitProtoPort(port);
    if (portStr !== '' && parseUint16(portStr) === undefined) throw invalidArgument(`invalid port specification: ${goQuote(portStr)}`);
    for (const b of bindings) {
      if (!validPortRange(splitProtoPort(b.hostPort))) throw invalidArgument(`invalid port specification: ${goQuote(b.hostPort)}`);
    }
  }
  validateRestartPolicy(h.restartPolicy);
  wrap('invalid CapAdd', () => normalizeCapabilities(h.capAdd, opts.availableCapabilities));
  wrap('invalid CapDrop', () => normalizeCapabilities(h.capDrop, opts.availableCapabilities));
  if (Object.hasOwn(h.annotations, '')) throw invalidArgument('invalid Annotations: the empty string is not permitted as an annotation key');
}

function wrap(prefix: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    throw invalidArgument(`${prefix}: ${(err as Error).message}`, err);
  }
}

/** nat.SplitProtoPort, keeping only the port part. */
function splitProtoPort(raw: string): string {
  const slash = raw.indexOf('/');
  return slash === -1 ? raw : raw.slice(0, slash);
}

function parseUint16(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffff ? n : undefined;
}

/** nat.ParsePortRangeToInt: empty, a port, or `start-end` with start <= end. */
function validPortRange(s: string): boolean {
  if (s === '') return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return false;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return end <= 0xffff && end >= start;
}

function validateResources(r: Resources, opts: ValidateOptions): void {
  const memory = r.memory ?? 0;
  const swap = r.memorySwap ?? 0;
  const reservation = r.memoryReservation ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw invalidArgument('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && swap < memory) throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory === 0 && swap > 0) throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  const swappiness = r.memorySwappiness;
  // -1 is what the CLI sends for "not set".
  if (swappiness !== undefined && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw invalidArgument(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw invalidArgument('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    throw invalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  const nano = r.nanoCpus ?? 0;
  const period = r.cpuPeriod ?? 0;
  const quota = r.cpuQuota ?? 0;
  if (nano > 0 && period > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && quota > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano !== 0 && opts.ncpu !== undefined && (nano < 0 || nano > opts.ncpu * 1e9)) {
    throw invalidArgument(`range of CPUs is from 0.01 to ${opts.ncpu}.00, as there are only ${opts.ncpu} CPUs available`);
  }
  if (period !== 0 && (period < 1000 || period > 1000000)) {
    throw invalidArgument('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (quota > 0 && quota < 1000) throw invalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  const cpusAvailable = opts.cpusetCpusAvailable ?? (opts.ncpu !== undefined ? `0-${opts.ncpu - 1}` : undefined);
  checkCpuset(r.cpusetCpus, cpusAvailable, 'cpus', 'CPUs');
  checkCpuset(r.cpusetMems, opts.cpusetMemsAvailable, 'mems', 'memory nodes');
  const weight = r.blkioWeight ?? 0;
  if (weight > 0 && (weight < 10 || weight > 1000)) throw invalidArgument('Range of blkio weight is from 10 to 1000');
}

/** moby's parseUintList: `0-2,4`; undefined for a malformed list. */
function parseCpuList(val: string, maximum: number): Set<number> | 'out-of-range' | undefined {
  const out = new Set<number>();
  if (val === '') return out;
  for (const r of val.split(',')) {
    const [lo, hi] = r.includes('-') ? [r.slice(0, r.indexOf('-')), r.slice(r.indexOf('-') + 1)] : [r, r];
    if (!/^\+?\d+$/.test(lo) || !/^\+?\d+$/.test(hi)) return undefined;
    const a = Number(lo);
    const b = Number(hi);
    if (b < a) return undefined;
    if (b > maximum) return 'out-of-range';
    for (let i = a; i <= b; i++) out.add(i);
  }
  return out;
}

function checkCpuset(requested: string | undefined, available: string | undefined, what: 'cpus' | 'mems', plural: string): void {
  if (!requested || available === undefined) return;
  const avail = parseCpuList(available, Number.MAX_SAFE_INTEGER);
  // A host list we cannot read checks nothing; its largest entry may raise the limit.
  if (!(avail instanceof Set)) return;
  const maximum = Math.max(MAX_CPUSET, ...avail);
  const req = parseCpuList(requested, maximum);
  if (req === undefined) throw invalidArgument(`Invalid value ${requested} for cpuset ${what}: invalid format: ${requested}`);
  if (req === 'out-of-range') throw invalidArgument(`Invalid value ${requested} for cpuset ${what}: value of out range, maximum is ${maximum}`);
  if ([...req].some((c) => !avail.has(c))) throw invalidArgument(`Requested ${plural} are not available - requested ${requested}, available: ${available}`);
}

function validateNamespaceModes(req: CreateRequest): void {
  const h = req.host;
  const ipc = h.ipcMode ?? '';
  if (!['', 'none', 'private', 'shareable', 'host'].includes(ipc) && !ipc.startsWith('container:')) {
    throw invalidArgument(`invalid IPC mode: ${ipc}`);
  }
  const pid = h.pidMode ?? '';
  if (!['', 'host'].includes(pid) && !(pid.startsWith('container:') && pid.length > 'container:'.length)) {
    throw invalidArgument(`invalid PID mode: ${pid}`);
  }
  if ((h.shmSize ?? 0) < 0) throw invalidArgument('SHM size can not be less than 0');
  const uts = h.utsMode ?? '';
  if (uts !== '' && uts !== 'host') throw invalidArgument(`invalid UTS mode: ${uts}`);
  const oom = h.oomScoreAdj ?? 0;
  if (oom < -1000 || oom > 1000) throw invalidArgument(`Invalid value ${oom}, range for oom score adj is [-1000, 1000]`);
  for (const [dest, data] of Object.entries(h.tmpfs)) {
    const d = dest.replaceAll('\\', '/');
    if (posix.normalize(d) === '/') {
      throw invalidArgument(`invalid mount config for type "tmpfs": invalid specification: destination can't be '/'`);
    }
    if (!d.startsWith('/')) throw invalidArgument(`invalid mount config for type "tmpfs": invalid mount path: '${d}' mount path must be absolute`);
    tmpfsMount(dest, data);
  }
  const cgroupns = h.cgroupnsMode ?? '';
  if (!['', 'private', 'host'].includes(cgroupns)) throw invalidArgument(`invalid cgroup namespace mode: ${cgroupns}`);
}

function validateUlimits(ulimits: readonly Ulimit[], maxHard: Record<string, number> | undefined): void {
  for (const u of ulimits) {
    if (!ULIMIT_NAMES.includes(u.name)) throw invalidArgument(`invalid ulimit type: ${u.name}`);
    if (u.soft < -1 || u.hard < -1) throw invalidArgument(`invalid ulimit ${u.name}: values must be -1 (unlimited) or more`);
    if (u.hard !== -1) {
      if (u.soft === -1) {
        throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${u.hard}`);
      }
      if (u.soft > u.hard) throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`);
    }
    const max = maxHard?.[u.name] ?? maxHard?.[`RLIMIT_${u.name.toUpperCase()}`];
    if (max !== undefined && max !== -1 && (u.hard === -1 || u.hard > max)) {
      const asked = u.hard === -1 ? 'unlimited' : String(u.hard);
      throw invalidArgument(
        `ulimit ${u.name}: hard limit ${asked} is above this host's limit of ${max}; raising it needs CAP_SYS_RESOURCE, which berthd does not have here`,
      );
    }
  }
}

/** runc's check: only sysctls of namespaces the container has of its own may be set. */
function validateSysctls(req: CreateRequest): void {
  const h = req.host;
  const ownIpc = (h.ipcMode ?? '') !== 'host';
  const hostNet = h.networkMode === 'host';
  const ownUts = (h.utsMode ?? '') !== 'host';
  for (const raw of Object.keys(h.sysctls)) {
    const s = slashesToDots(raw);
    if (SYSCTLS_IN_IPC_NS.includes(s) || s.startsWith('fs.mqueue.')) {
      if (!ownIpc) throw invalidArgument(`sysctl ${goQuote(s)} is not allowed in the hosts ipc namespace`);
      continue;
    }
    if (s.startsWith('net.')) {
      if (hostNet) throw invalidArgument(`sysctl ${goQuote(s)} not allowed in host network namespace`);
      continue;
    }
    if (ownUts && s === 'kernel.domainname') continue;
    if (ownUts && s === 'kernel.hostname') {
      throw invalidArgument(`sysctl ${goQuote(s)} is not allowed as it conflicts with the OCI ${goQuote('hostname')} field`);
    }
    // berth runs no user namespaces, and runc refuses user.* sysctls without one.
    if (s.startsWith('user.')) throw invalidArgument(`setting ucounts without a user namespace not allowed: ${s}`);
    throw invalidArgument(`sysctl ${goQuote(s)} is not in a separate kernel namespace`);
  }
}

/** `net/ipv4/ip_forward` → `net.ipv4.ip_forward` (dots in a slash-separated name become slashes). */
function slashesToDots(s: string): string {
  const first = s.search(/[./]/);
  if (first === -1 || s[first] === '.') return s;
  return [...s].map((c) => (c === '.' ? '/' : c === '/' ? '.' : c)).join('');
}

const DEVICE_CGROUP_RULE = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/;

/** A composition of r, w and m, each at most once (the CLI's validDeviceMode). */
export function validDeviceMode(mode: string): boolean {
  return mode !== '' && /^[rwm]+$/.test(mode) && new Set(mode).size === mode.length;
}

function validateDevices(devices: readonly DeviceMapping[], rules: readonly string[]): void {
  for (const d of devices) {
    if (d.pathOnHost === '') throw invalidArgument('invalid device specification: bad format for path: no path on the host');
    for (const p of [d.pathOnHost, d.pathInContainer]) {
      if (p !== '' && !p.startsWith('/')) throw invalidArgument(`invalid device specification: ${p} is not an absolute path`);
    }
    if (d.cgroupPermissions !== '' && !validDeviceMode(d.cgroupPermissions)) {
      throw invalidArgument(`invalid device specification: bad mode specified: ${d.cgroupPermissions}`);
    }
  }
  for (const rule of rules) parseDeviceCgroupRule(rule);
}

/** A device cgroup rule (`c 1:3 rwm`, `a *:* m`) in OCI terms; `*` becomes "any" (omitted). */
export function parseDeviceCgroupRule(rule: string): { type: 'a' | 'b' | 'c'; major?: number; minor?: number; access: string } {
  const m = DEVICE_CGROUP_RULE.exec(rule);
  if (!m) throw invalidArgument(`invalid device cgroup rule format: '${rule}'`);
  return {
    type: m[1] as 'a' | 'b' | 'c',
    ...(m[2] !== '*' ? { major: Number(m[2]) } : {}),
    ...(m[3] !== '*' ? { minor: Number(m[3]) } : {}),
    access: m[4] as string,
  };
}
