// Reading Docker's query parameters the way moby does (httputils): booleans are false only for
// "", 0, no, false and none; repeated keys arrive as arrays; the API version comes from the
// path prefix, stripped before routing.

import type { IncomingMessage } from 'node:http';
import { EngineError } from '../core/errors.js';
import { type Filters, parseFilters } from '../core/filters.js';
import { API_VERSION } from '../api/version.js';
import type { ApiRequest, Query } from './http-app.js';

const versions = new WeakMap<IncomingMessage, string>();

export function setApiVersion(raw: IncomingMessage, version: string): void {
  versions.set(raw, version);
}

/** The API version of a request: its `/vX.Y` prefix, or the newest version for bare paths. */
export function apiVersion(req: ApiRequest | IncomingMessage): string {
  const raw = 'raw' in req ? req.raw : req;
  return versions.get(raw) ?? API_VERSION;
}

export function query(req: ApiRequest): Query {
  return req.query;
}

/** The last value of a possibly repeated parameter. */
export function str(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function strs(q: Query, key: string): string[] {
  const v = q[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function bool(q: Query, key: string, dflt = false): boolean {
  const v = str(q, key);
  if (v === undefined) return dflt;
  const s = v.trim().toLowerCase();
  return !(s === '' || s === '0' || s === 'no' || s === 'false' || s === 'none');
}

export function int(q: Query, key: string): number | undefined {
  const v = str(q, key);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new EngineError('invalid-argument', `invalid value for ${key}: ${JSON.stringify(v)}`);
  return n;
}

export function filters(q: Query): Filters {
  return parseFilters(str(q, 'filters'));
}
