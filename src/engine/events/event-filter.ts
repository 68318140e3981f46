// `docker events --filter`: which events a subscriber sees (moby daemon/events/filter.go).

import type { Filters } from '../../core/filters.js';
import type { EngineEvent } from './event-bus.js';

export const EVENT_FILTERS = ['container', 'event', 'image', 'label', 'network', 'type', 'volume', 'daemon', 'scope'];

export function eventMatches(ev: EngineEvent, f: Filters): boolean {
  const attrs = ev.actor.attributes;
  if (f.has('type') && !f.get('type').includes(ev.type)) return false;
  // Actions with details (`exec_create: sh`, `health_status: healthy`) match on their verb too.
  if (f.has('event') && !f.get('event').some((a) => a === ev.action || ev.action.startsWith(`${a}:`))) return false;
  if (f.has('scope') && !f.get('scope').includes(ev.scope)) return false;
  if (f.has('container') && !(ev.type === 'container' && matchesIdOrName(f.get('container'), ev.actor.id, attrs.name))) return false;
  if (f.has('image')) {
    const candidates = ev.type === 'image' ? [ev.actor.id, attrs.name] : [attrs.image];
    if (!f.get('image').some((want) => candidates.some((c) => c !== undefined && imageNameMatches(want, c)))) return false;
  }
  if (f.has('network') && !(ev.type === 'network' && matchesIdOrName(f.get('network'), ev.actor.id, attrs.name))) return false;
  if (f.has('volume') && !(ev.type === 'volume' && matchesIdOrName(f.get('volume'), ev.actor.id, attrs.name))) return false;
  if (f.has('daemon') && !(ev.type === 'daemon' && matchesIdOrName(f.get('daemon'), ev.actor.id, attrs.name))) return false;
  if (f.has('label') && !f.matchKVList('label', attrs)) return false;
  return true;
}

function matchesIdOrName(wanted: string[], id: string, name: string | undefined): boolean {
  return wanted.some((w) => w === name || (w.length > 0 && id.startsWith(w)));
}

function imageNameMatches(want: string, candidate: string): boolean {
  if (want === candidate) return true;
  // `busybox` matches `busybox:latest`; an ID prefix matches the image ID.
  if (candidate.startsWith(`${want}:`)) return true;
  const hex = candidate.startsWith('sha256:') ? candidate.slice(7) : candidate;
  const w = want.startsWith('sha256:') ? want.slice(7) : want;
  return /^[a-f0-9]+$/.test(w) && hex.startsWith(w);
}
