// /_ping, /version, /info, /events, /system/df and the build-cache prune that `system prune`
// always calls.

import { EngineError } from '../../core/errors.js';
import { EVENT_FILTERS, eventMatches } from '../../engine/events/event-filter.js';
import { sizesWire, toContainerSummaryWire } from '../convert/container.js';
import { toImageSummaryWire } from '../convert/image.js';
import { toVolumeUsageWire } from '../convert/volume.js';
import { eventJson, toEventWire, toInfoWire, toVersionWire } from '../convert/system.js';
import { JSON_CONTENT_TYPE } from '../errors.js';
import { type AuthConfigWire, loginDomain, toCredentials } from '../convert/registry-auth.js';
import type { RouteTable } from '../http-app.js';
import { requestSignal, sendJson, startStream } from '../reply.js';
import { filters, query, str } from '../request.js';
import type { RouteContext } from '../route-context.js';

export function registerSystemRoutes(app: RouteTable, ctx: RouteContext): void {
  const { system, events, images, imageTransfer, volumes, containers } = ctx.backends;

  const ping = {
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Builder-Version': '1',
    Swarm: 'inactive',
  };
  app.get('/_ping', async (_req, reply) => {
    return reply.headers(ping).header('Content-Type', 'text/plain; charset=utf-8').send('OK');
  });
  app.head('/_ping', async (_req, reply) => {
    return reply.headers(ping).header('Content-Type', 'text/plain; charset=utf-8').header('Content-Length', '0').send();
  });

  // `docker login`: the daemon checks the credentials against the registry; the CLI stores them.
  app.post('/auth', async (req, reply) => {
    const body = (req.body ?? {}) as AuthConfigWire;
    const creds = toCredentials(body) ?? {};
    const result = await imageTransfer.login(loginDomain(body.serveraddress), creds, requestSignal(req, reply));
    return sendJson(reply, { Status: 'Login Succeeded', IdentityToken: result.identityToken ?? '' });
  });

  app.get('/version', async (_req, reply) => sendJson(reply, toVersionWire(system.version())));
  app.get('/info', async (_req, reply) => sendJson(reply, toInfoWire(system.info())));

  app.get('/system/df', async (_req, reply) => {
    const du = images.diskUsage();
    return sendJson(reply, {
      LayersSize: du.layersSize,
      Images: du.images.map(toImageSummaryWire),
      Containers: await Promise.all(
        containers.list().map(async (r) => ({ ...toContainerSummaryWire(r, r.imageId), ...sizesWire(await containers.sizes(r)) })),
      ),
      Volumes: (await volumes.diskUsage()).map(toVolumeUsageWire),
      BuildCache: [],
    });
  });

  // There is no build cache separate from images yet; `docker system prune` calls this last
  // and fails as a whole without it.
  app.post('/build/prune', async (_req, reply) => sendJson(reply, { CachesDeleted: [], SpaceReclaimed: 0 }));

  app.get('/events', async (req, reply) => {
    const q = query(req);
    const f = filters(q);
    f.validateKeys(EVENT_FILTERS);
    const since = parseTimestamp(str(q, 'since'), 'since');
    const until = parseTimestamp(str(q, 'until'), 'until');
    if (since !== undefined && until !== undefined && since > until) {
      throw new EngineError('invalid-argument', `\`since\` time (${str(q, 'since')}) cannot be after \`until\` time (${str(q, 'until')})`);
    }
    const { res, signal } = startStream(req, reply, ctx.identity, { 'Content-Type': JSON_CONTENT_TYPE });
    const nowNano = BigInt(Date.now()) * 1_000_000n;
    // Subscribe before replaying so nothing published in between is missed.
    const live = until !== undefined && until <= nowNano ? undefined : events.subscribe(signal);
    let last = -1n;
    const send = (ev: Parameters<typeof toEventWire>[0]): void => {
      if (ev.timeNano <= last || !eventMatches(ev, f)) return;
      last = ev.timeNano;
      res.write(`${eventJson(toEventWire(ev))}\n`);
    };
    // As moby: either bound asks for the stored events (`--until` alone replays up to it).
    if (since !== undefined || until !== undefined) for (const ev of events.recent(since, until)) send(ev);
    if (live) {
      let timer: NodeJS.Timeout | undefined;
      if (until !== undefined) {
        timer = setTimeout(() => live.close(), Number((until - nowNano) / 1_000_000n));
      }
      try {
        for await (const ev of live) {
          if (until !== undefined && ev.timeNano > until) break;
          send(ev);
        }
      } finally {
        if (timer) clearTimeout(timer);
        live.close();
      }
    }
    res.end();
  });
}

/** `since`/`until`: Unix seconds with an optional fraction (`1712345678.000000000`), in ns. */
function parseTimestamp(v: string | undefined, name: string): bigint | undefined {
  if (v === undefined || v === '') return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(v.trim());
  if (!m) throw new EngineError('invalid-argument', `invalid value for ${name}: ${JSON.stringify(v)}`);
  return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}
