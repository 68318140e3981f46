// `docker ps`: which containers to list, in which order (newest first), with Docker's filters.

import { EngineError, noSuchContainer } from '../../core/errors.js';
import type { Filters } from '../../core/filters.js';
import type { ContainerRecord } from './container-record.js';

export interface ListOptions {
  all?: boolean;
  /** -1 or undefined: no limit. */
  limit?: number;
  filters?: Filters;
}

/** Resolves an image reference or ID for the `ancestor` filter. */
export type ImageMatcher = (ref: string) => string | undefined;

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

export function listContainers(records: ContainerRecord[], opts: ListOptions, imageIdOf: ImageMatcher): ContainerRecord[] {
  const f = opts.filters;
  const byCreated = [...records].sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
  const find = (ref: string): ContainerRecord => {
    const r = records.find((x) => x.id === ref || x.name === ref.replace(/^\//, '')) ?? records.find((x) => x.id.startsWith(ref));
    if (!r) throw noSuchContainer(ref);
    return r;
  };
  const before = f?.has('before') ? Math.min(...f.get('before').map((r) => Date.parse(find(r).created))) : undefined;
  const since = f?.has('since') ? Math.max(...f.get('since').map((r) => Date.parse(find(r).created))) : undefined;
  for (const s of f?.get('status') ?? []) {
    if (!STATUSES.includes(s)) throw new EngineError('invalid-argument', `invalid filter 'status=${s}'`);
  }
  const ancestors = (f?.get('ancestor') ?? []).map((a) => imageIdOf(a)).filter((x): x is string => x !== undefined);
  const out: ContainerRecord[] = [];
  for (const r of byCreated) {
    const status = r.state.status;
    // Without -a only running ones; a status filter decides on its own.
    if (!opts.all && !f?.has('status') && status !== 'running' && status !== 'paused' && status !== 'restarting') continue;
    if (f) {
      if (f.has('id') && !f.get('id').some((p) => r.id.startsWith(p))) continue;
      if (f.has('name') && !f.get('name').some((p) => safeRegExp(p).test(`/${r.name}`))) continue;
      if (!f.matchLabels(r.spec.labels)) continue;
      if (f.has('status') && !f.get('status').includes(status)) continue;
      if (f.has('exited') && !(status === 'exited' && f.get('exited').includes(String(r.state.exitCode)))) continue;
      if (f.has('ancestor') && !ancestors.includes(r.imageId)) continue;
      if (before !== undefined && Date.parse(r.created) >= before) continue;
      if (since !== undefined && Date.parse(r.created) <= since) continue;
      if (f.has('health')) {
        const h = r.state.health?.status ?? 'none';
        if (!f.get('health').includes(h)) continue;
      }
      if (f.has('expose') && !f.get('expose').some((p) => p in r.spec.exposedPorts || `${p}/tcp` in r.spec.exposedPorts)) continue;
      if (f.has('is-task') && f.get('is-task').includes('true')) continue;
      if (f.has('network') && !f.get('network').some((n) => networkKeys(r).includes(n))) continue;
      if (f.has('publish') && !f.get('publish').some((p) => (r.state.network?.ports ?? []).some((b) => publishMatches(p, b.containerPort)))) continue;
      if (f.has('volume')) continue;
    }
    out.push(r);
    if (opts.limit !== undefined && opts.limit > 0 && out.length >= opts.limit) break;
  }
  return out;
}

function safeRegExp(p: string): RegExp {
  try {
    return new RegExp(p);
  } catch {
    throw new EngineError('invalid-argument', `invalid filter 'name=${p}'`);
  }
}

/** A container's networks by name, and by ID for those it has an endpoint on. */
function networkKeys(r: ContainerRecord): string[] {
  const n = r.spec.network;
  const names = n.kind === 'bridge' ? [n.name, ...Object.keys(r.spec.endpoints)] : [n.kind];
  return [...names, ...Object.values(r.state.network?.endpoints ?? {}).map((e) => e.networkId)];
}

/** `publish=80` or `publish=80/udp`: a published container port, as dockerd matches it. */
function publishMatches(filter: string, containerPort: string): boolean {
  const [port, proto = 'tcp'] = filter.split('/');
  return containerPort === `${port}/${proto}`;
}
