// A create request + the image's config → the ContainerSpec the engine stores, by Docker's
// rules (moby daemon/commit.go merge, daemon/create.go, daemon/daemon_unix.go
// adaptContainerSettings): the request wins, the image fills what the request leaves empty,
// and the daemon's defaults fill the rest. Validation (validate.ts) runs first, so a spec that
// comes out of here is one runc will accept.

import { posix } from 'node:path';
import { invalidArgument } from '../../../core/errors.js';
import type { HealthConfig, ImageConfig, ImageRuntimeConfig } from '../../../oci/image.js';
import type { ContainerSpec, CreateRequest, HostSpec, NetworkMode, Resources } from './container-spec.js';
import { parseSecurityOpts } from './security-opts.js';
import { type ValidateOptions, validateCreateRequest } from './validate.js';

export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
export const DEFAULT_STOP_SIGNAL = 'SIGTERM';

export interface MergeOptions extends ValidateOptions {
  /** The new container's ID: its first 12 characters are the default hostname. */
  id: string;
  /** StopTimeout when neither the request nor the image sets one; undefined leaves it unset. */
  defaultStopTimeout?: number;
  /** The host's name, which `--network host` containers take when no -h is given. */
  hostHostname?: string;
  /** The daemon's default /dev/shm size (64 MiB). */
  defaultShmSize?: number;
  /** The daemon's default IPC mode (`private`). */
  defaultIpcMode?: string;
  /** The daemon's `no-new-privileges` default. */
  defaultNoNewPrivileges?: boolean;
}

/** A --network value: none, host, bridge/default, container:<id>, or a user network's name. */
export function parseNetworkMode(mode: string): NetworkMode {
  if (mode === 'none' || mode === 'host') return { kind: mode };
  if (mode === '' || mode === 'default' || mode === 'bridge') return { kind: 'bridge', name: 'bridge' };
  if (mode.startsWith('container:')) return { kind: 'container', id: mode.slice('container:'.length) };
  return { kind: 'bridge', name: mode };
}

/** Whether a merged healthcheck is switched off (`--no-healthcheck`, `HEALTHCHECK NONE`). */
export function healthcheckDisabled(hc: HealthConfig | undefined): boolean {
  return !hc || !hc.Test || hc.Test.length === 0 || hc.Test[0] === 'NONE';
}

/** The process to run: the entrypoint followed by the command. */
export function processArgs(spec: Pick<ContainerSpec, 'entrypoint' | 'cmd'>): string[] {
  return [...spec.entrypoint, ...spec.cmd];
}

function envKey(e: string): string {
  const i = e.indexOf('=');
  return i === -1 ? e : e.slice(0, i);
}

/** The request's variables, then the image's whose names the request does not set. */
function mergeEnv(req: readonly string[] | undefined, img: readonly string[] | undefined): string[] {
  if (!req || req.length === 0) return [...(img ?? [])];
  const keys = new Set(req.map(envKey));
  return [...req, ...(img ?? []).filter((e) => !keys.has(envKey(e)))];
}

/** Keys of the request, then the image's that the request lacks. */
function union<T>(req: Record<string, T> | undefined, img: Record<string, T> | null | undefined): Record<string, T> {
  const out: Record<string, T> = { ...(req ?? {}) };
  for (const [k, v] of Object.entries(img ?? {})) if (!Object.hasOwn(out, k)) out[k] = v;
  return out;
}

function mergeHealthcheck(req: HealthConfig | undefined, img: HealthConfig | undefined): HealthConfig | undefined {
  if (!img) return req ? { ...req } : undefined;
  if (!req) return { ...img };
  const out: HealthConfig = { ...req };
  if (!out.Test || out.Test.length === 0) {
    if (img.Test) out.Test = [...img.Test];
  }
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!out[k] && img[k]) out[k] = img[k];
  }
  return out;
}

/** Entrypoint and Cmd by moby's rules; see CreateRequest.entrypoint for the three cases. */
function mergeProcess(req: CreateRequest, img: ImageRuntimeConfig): { entrypoint: string[]; cmd: string[] } {
  let entrypoint = req.entrypoint;
  let cmd = req.cmd ?? [];
  if (!entrypoint || entrypoint.length === 0) {
    if (cmd.length === 0) cmd = img.Cmd ?? [];
    if (!entrypoint) entrypoint = img.Entrypoint ?? [];
  }
  // `--entrypoint ""` arrives as [""]: no entrypoint, and (above) no image Cmd either.
  if (entrypoint.length === 1 && entrypoint[0] === '') entrypoint = [];
  return { entrypoint: [...entrypoint], cmd: [...cmd] };
}

/** Go's filepath.Clean for absolute paths. */
function cleanPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function mergeResources(r: Resources): Resources {
  const out: Resources = { ...r };
  const memory = out.memory ?? 0;
  // dockerd doubles the memory limit for memory+swap unless told otherwise.
  if (memory > 0 && !out.memorySwap) out.memorySwap = memory * 2;
  if (out.memorySwappiness === -1) delete out.memorySwappiness;
  out.oomKillDisable ??= false;
  return out;
}

/**
 * Validates the request and merges it with the image's config. Throws an `invalid-argument`
 * EngineError with dockerd's words for anything dockerd would refuse.
 */
export function buildContainerSpec(req: CreateRequest, image: { config: ImageConfig }, opts: MergeOptions): ContainerSpec {
  validateCreateRequest(req, opts);
  const img: ImageRuntimeConfig = image.config.config ?? {};
  const { entrypoint, cmd } = mergeProcess(req, img);
  if (entrypoint.length === 0 && cmd.length === 0) throw invalidArgument('no command specified');
  const security = parseSecurityOpts(req.host.securityOpt, opts.defaultNoNewPrivileges);
  const network = parseNetworkMode(req.host.networkMode);
  const shortId = opts.id.slice(0, 12);
  const host: HostSpec = {
    ...req.host,
    shmSize: req.host.shmSize || opts.defaultShmSize || DEFAULT_SHM_SIZE,
    ipcMode: req.host.ipcMode || opts.defaultIpcMode || 'private',
    resources: mergeResources(req.host.resources),
  };
  const spec: ContainerSpec = {
    image: req.image,
    hostname: req.hostname || (network.kind === 'host' ? (opts.hostHostname ?? shortId) : shortId),
    domainname: req.domainname ?? '',
    user: req.user || img.User || '',
    env: mergeEnv(req.env, img.Env),
    entrypoint,
    cmd,
    workingDir: req.workingDir ? cleanPath(req.workingDir) : (img.WorkingDir ?? ''),
    labels: union(req.labels, img.Labels),
    stopSignal: req.stopSignal || img.StopSignal || DEFAULT_STOP_SIGNAL,
    tty: req.tty,
    openStdin: req.openStdin,
    stdinOnce: req.stdinOnce,
    attachStdin: req.attachStdin,
    attachStdout: req.attachStdout,
    attachStderr: req.attachStderr,
    exposedPorts: union(req.exposedPorts, img.ExposedPorts),
    volumes: union(req.volumes, img.Volumes),
    onBuild: [...(req.onBuild ?? [])],
    networkDisabled: req.networkDisabled ?? false,
    network,
    endpoints: { ...req.endpoints },
    security,
    host,
  };
  const stopTimeout = req.stopTimeout ?? opts.defaultStopTimeout;
  if (stopTimeout !== undefined) spec.stopTimeout = stopTimeout;
  const healthcheck = mergeHealthcheck(req.healthcheck, img.Healthcheck);
  if (healthcheck) spec.healthcheck = healthcheck;
  if (req.argsEscaped !== undefined) spec.argsEscaped = req.argsEscaped;
  if (req.macAddress) spec.macAddress = req.macAddress;
  return spec;
}
