// Client calls for the system endpoints.

import type { IncomingMessage } from 'node:http';
import type { DiskUsageWire, VersionWire } from '../api/types/system.js';
import type { EngineClient } from './engine-client.js';

export function systemPing(c: EngineClient): Promise<IncomingMessage> {
  return c.stream('GET', '/_ping');
}

export function systemVersion(c: EngineClient): Promise<VersionWire> {
  return c.json('GET', '/version');
}

export function systemInfo(c: EngineClient): Promise<Record<string, unknown>> {
  return c.json('GET', '/info');
}

export function systemDiskUsage(c: EngineClient): Promise<DiskUsageWire> {
  return c.json('GET', '/system/df');
}

export function systemEvents(
  c: EngineClient,
  opts: { since?: string; until?: string; filters?: string; signal?: AbortSignal } = {},
): Promise<IncomingMessage> {
  const ro: Parameters<EngineClient['stream']>[2] = { query: { since: opts.since, until: opts.until, filters: opts.filters } };
  if (opts.signal) ro.signal = opts.signal;
  return c.stream('GET', '/events', ro);
}

/** `POST /auth`: the daemon checks the credentials against the registry. */
export function systemAuth(
  c: EngineClient,
  auth: { username: string; password: string; serveraddress: string },
): Promise<{ Status: string; IdentityToken?: string }> {
  return c.json('POST', '/auth', { body: auth });
}
