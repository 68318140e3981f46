// Volume routes: list, inspect, create, remove and prune.

import { apiVersionBefore } from '../../api/version.js';
import { toVolumeCreateRequest, toVolumeWire } from '../convert/volume.js';
import type { RouteTable } from '../http-app.js';
import { sendEmpty, sendJson } from '../reply.js';
import { apiVersion, bool, filters, query } from '../request.js';
import type { RouteContext } from '../route-context.js';

type Params = { name: string };

export function registerVolumeRoutes(app: RouteTable, ctx: RouteContext): void {
  const { volumes } = ctx.backends;

  app.get('/volumes', async (req, reply) => {
    return sendJson(reply, { Volumes: volumes.list(filters(query(req))).map(toVolumeWire), Warnings: null });
  });

  app.get<Params>('/volumes/:name', async (req, reply) => {
    return sendJson(reply, toVolumeWire(volumes.inspect(req.params.name)));
  });

  app.post('/volumes/create', async (req, reply) => {
    return sendJson(reply, toVolumeWire(await volumes.create(toVolumeCreateRequest(req.body))), 201);
  });

  app.delete<Params>('/volumes/:name', async (req, reply) => {
    await volumes.remove(req.params.name, { force: bool(query(req), 'force') });
    return sendEmpty(reply, 204);
  });

  app.post('/volumes/prune', async (req, reply) => {
    // Before API 1.42 prune took every unused volume; since, only anonymous ones unless all=true.
    const r = await volumes.prune(filters(query(req)), { all: apiVersionBefore(apiVersion(req), '1.42') });
    return sendJson(reply, { VolumesDeleted: r.deleted, SpaceReclaimed: r.spaceReclaimed });
  });
}
