// Client calls for the container endpoints, one function per endpoint, mirroring moby's client
// (query parameters in its order, booleans as 1/0). The wire shapes are the parts the CLI reads;
// inspect results keep every other field for `inspect` to print.

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { EngineClient } from './engine-client.js';
import { readBody } from './engine-client.js';
import { type HijackedStream, hijack } from './hijack.js';

const seg = (id: string): string => encodeURIComponent(id);

export interface ContainerCreateResponseWire {
  Id: string;
  Warnings: string[] | null;
}

export interface PortWire {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface MountPointWire {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  Driver?: string;
}

/** An entry of `GET /containers/json`. */
export interface ContainerSummaryWire {
  Id: string;
  Names: string[] | null;
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortWire[] | null;
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  Mounts?: MountPointWire[] | null;
  ImageManifestDescriptor?: { platform?: { os?: string; architecture?: string; variant?: string } } | null;
}

export interface PortBindingWire {
  HostIp: string;
  HostPort: string;
}

/** `GET /containers/{id}/json`: the fields the commands read; the rest is printed by inspect. */
export interface ContainerInspectWire {
  Id: string;
  Name?: string;
  Config?: { Tty?: boolean; OpenStdin?: boolean } | null;
  State?: { Status?: string; Running?: boolean; Paused?: boolean; Restarting?: boolean } | null;
  HostConfig?: { AutoRemove?: boolean } | null;
  NetworkSettings?: { Ports?: Record<string, PortBindingWire[] | null> | null } | null;
  [field: string]: unknown;
}

export interface WaitResponseWire {
  StatusCode: number;
  Error?: { Message: string } | null;
}

export interface ContainerTopWire {
  Titles: string[] | null;
  Processes: string[][] | null;
}

export interface ContainerPruneReportWire {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

export interface ContainerUpdateResponseWire {
  Warnings: string[] | null;
}

/** One stats sample (engine-api.md §8.8), the fields `docker stats` uses. */
export interface ContainerStatsWire {
  name?: string;
  id?: string;
  read?: string;
  preread?: string;
  num_procs?: number;
  pids_stats?: { current?: number; limit?: number };
  cpu_stats?: CpuStatsWire;
  precpu_stats?: CpuStatsWire;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null; privateworkingset?: number };
  blkio_stats?: { io_service_bytes_recursive?: { major?: number; minor?: number; op: string; value: number }[] | null };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
}

export interface CpuStatsWire {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** A wait whose response headers have arrived; the status comes later. */
export interface PendingWait {
  readonly result: Promise<WaitResponseWire>;
}

export function containerCreate(
  c: EngineClient,
  body: object,
  opts: { name?: string; platform?: string } = {},
): Promise<ContainerCreateResponseWire> {
  return c.json('POST', '/containers/create', { query: { name: opts.name || undefined, platform: opts.platform || undefined }, body });
}

export function containerList(
  c: EngineClient,
  opts: { all?: boolean; limit?: number; size?: boolean; filters?: string } = {},
): Promise<ContainerSummaryWire[]> {
  return c.json('GET', '/containers/json', {
    query: {
      all: opts.all || undefined,
      filters: opts.filters,
      limit: opts.limit !== undefined && opts.limit > 0 ? opts.limit : undefined,
      size: opts.size || undefined,
    },
  });
}

export function containerInspect(c: EngineClient, id: string, opts: { size?: boolean } = {}): Promise<ContainerInspectWire> {
  return c.json('GET', `/containers/${seg(id)}/json`, { query: { size: opts.size || undefined } });
}

export function containerStart(c: EngineClient, id: string): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/start`);
}

export function containerStop(c: EngineClient, id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/stop`, { query: { signal: opts.signal || undefined, t: opts.timeout } });
}

export function containerRestart(c: EngineClient, id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/restart`, { query: { signal: opts.signal || undefined, t: opts.timeout } });
}

export function containerKill(c: EngineClient, id: string, signal?: string): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/kill`, { query: { signal: signal || undefined } });
}

export function containerPause(c: EngineClient, id: string): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/pause`);
}

export function containerUnpause(c: EngineClient, id: string): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/unpause`);
}

export function containerRename(c: EngineClient, id: string, name: string): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/rename`, { query: { name } });
}

export function containerUpdate(c: EngineClient, id: string, body: object): Promise<ContainerUpdateResponseWire> {
  return c.json('POST', `/containers/${seg(id)}/update`, { body });
}

export function containerRemove(
  c: EngineClient,
  id: string,
  opts: { force?: boolean; link?: boolean; volumes?: boolean } = {},
): Promise<void> {
  return c.json('DELETE', `/containers/${seg(id)}`, {
    query: { force: opts.force || undefined, link: opts.link || undefined, v: opts.volumes || undefined },
  });
}

export function containerPrune(c: EngineClient, opts: { filters?: string } = {}): Promise<ContainerPruneReportWire> {
  return c.json('POST', '/containers/prune', { query: { filters: opts.filters } });
}

/**
 * `POST /containers/{id}/wait`: resolves as soon as the response headers are in (the daemon
 * sends them at once, and `run` must not start the container before), with the status to come.
 * An error status rejects here; a connection dropped later rejects `result`.
 */
export async function containerWait(
  c: EngineClient,
  id: string,
  opts: { condition?: WaitCondition; signal?: AbortSignal } = {},
): Promise<PendingWait> {
  const ro: Parameters<EngineClient['stream']>[2] = { query: { condition: opts.condition } };
  if (opts.signal) ro.signal = opts.signal;
  const res = await c.stream('POST', `/containers/${seg(id)}/wait`, ro);
  const result = readBody(res).then((text) => JSON.parse(text) as WaitResponseWire);
  // Callers may stop caring (run -d); the rejection is theirs to see only if they look.
  result.catch(() => undefined);
  return { result };
}

export function containerResize(c: EngineClient, id: string, size: { height: number; width: number }): Promise<void> {
  return c.json('POST', `/containers/${seg(id)}/resize`, { query: { h: size.height, w: size.width } });
}

export function containerAttach(
  c: EngineClient,
  id: string,
  opts: { stdin?: boolean; stdout?: boolean; stderr?: boolean; logs?: boolean; detachKeys?: string },
): Promise<HijackedStream> {
  return hijack(c, `/containers/${seg(id)}/attach`, {
    query: {
      detachKeys: opts.detachKeys || undefined,
      logs: opts.logs || undefined,
      stderr: opts.stderr || undefined,
      stdin: opts.stdin || undefined,
      stdout: opts.stdout || undefined,
      stream: true,
    },
  });
}

export function containerLogs(
  c: EngineClient,
  id: string,
  opts: { since?: string; until?: string; timestamps?: boolean; follow?: boolean; tail?: string; details?: boolean; signal?: AbortSignal },
): Promise<IncomingMessage> {
  const ro: Parameters<EngineClient['stream']>[2] = {
    query: {
      details: opts.details || undefined,
      follow: opts.follow || undefined,
      since: opts.since || undefined,
      stderr: true,
      stdout: true,
      tail: opts.tail,
      timestamps: opts.timestamps || undefined,
      until: opts.until || undefined,
    },
  };
  if (opts.signal) ro.signal = opts.signal;
  return c.stream('GET', `/containers/${seg(id)}/logs`, ro);
}

export function containerTop(c: EngineClient, id: string, psArgs: string[] = []): Promise<ContainerTopWire> {
  return c.json('GET', `/containers/${seg(id)}/top`, { query: { ps_args: psArgs.length > 0 ? psArgs.join(' ') : undefined } });
}

/** `GET /containers/{id}/stats`: one JSON object (stream=0) or one a second (stream=1). */
export function containerStats(c: EngineClient, id: string, opts: { stream: boolean; signal?: AbortSignal }): Promise<IncomingMessage> {
  const ro: Parameters<EngineClient['stream']>[2] = { query: { stream: opts.stream } };
  if (opts.signal) ro.signal = opts.signal;
  return c.stream('GET', `/containers/${seg(id)}/stats`, ro);
}

/** What `HEAD /containers/{id}/archive` says about a path (X-Docker-Container-Path-Stat). */
export interface PathStatWire {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

function pathStatOf(res: IncomingMessage): PathStatWire {
  const raw = res.headers['x-docker-container-path-stat'];
  return JSON.parse(Buffer.from(String(raw ?? ''), 'base64').toString() || '{}') as PathStatWire;
}

export async function containerStatPath(c: EngineClient, id: string, path: string): Promise<PathStatWire> {
  const res = await c.stream('HEAD', `/containers/${seg(id)}/archive`, { query: { path } });
  res.resume();
  return pathStatOf(res);
}

/** `GET /containers/{id}/archive`: the path as a tar, with its stat. */
export async function copyFromContainer(c: EngineClient, id: string, path: string): Promise<{ stat: PathStatWire; tar: IncomingMessage }> {
  const res = await c.stream('GET', `/containers/${seg(id)}/archive`, { query: { path } });
  return { stat: pathStatOf(res), tar: res };
}

/** `PUT /containers/{id}/archive`: extracts the tar in `input` into the directory `path`. */
export async function copyToContainer(
  c: EngineClient,
  id: string,
  path: string,
  input: Readable,
  opts: { copyUidGid?: boolean } = {},
): Promise<void> {
  await c.json('PUT', `/containers/${seg(id)}/archive`, {
    query: { path, noOverwriteDirNonDir: 'true', copyUIDGID: opts.copyUidGid ? 'true' : undefined },
    stream: input,
  });
}

export interface ContainerChangeWire {
  Path: string;
  Kind: 0 | 1 | 2;
}

export function containerChanges(c: EngineClient, id: string): Promise<ContainerChangeWire[] | null> {
  return c.json('GET', `/containers/${seg(id)}/changes`);
}

export function containerExport(c: EngineClient, id: string): Promise<IncomingMessage> {
  return c.stream('GET', `/containers/${seg(id)}/export`);
}

export function containerCommit(
  c: EngineClient,
  id: string,
  opts: { repo?: string; tag?: string; comment?: string; author?: string; changes?: string[]; pause?: boolean; config?: object },
): Promise<{ Id: string }> {
  return c.json('POST', '/commit', {
    query: {
      container: id,
      repo: opts.repo,
      tag: opts.tag,
      comment: opts.comment,
      author: opts.author,
      changes: opts.changes,
      pause: opts.pause === false ? false : undefined,
    },
    body: opts.config ?? null,
  });
}
