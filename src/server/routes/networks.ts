// Network routes: list, inspect, create, remove, prune, connect and disconnect.

import { invalidArgument } from '../../core/errors.js';
import { toConnectBody, toNetworkCreateRequest, toNetworkWire } from '../convert/network.js';
import type { RouteTable } from '../http-app.js';
import { sendEmpty, sendJson } from '../reply.js';
import { filters, query } from '../request.js';
import type { RouteContext } from '../route-context.js';

type Params = { id: string };

export function registerNetworkRoutes(app: RouteTable, ctx: RouteContext): void {
  const { networks, containers } = ctx.backends;

  app.get('/networks', async (req, reply) => {
    return sendJson(reply, networks.list(filters(query(req))).map((n) => toNetworkWire(n)));
  });

  app.get<Params>('/networks/:id', async (req, reply) => {
    const n = networks.resolve(req.params.id);
    return sendJson(reply, toNetworkWire(n, networks.attached(n)));
  });

  app.post('/networks/create', async (req, reply) => {
    const r = await networks.create(toNetworkCreateRequest(req.body));
    return sendJson(reply, { Id: r.id, Warning: r.warning }, 201);
  });

  app.delete<Params>('/networks/:id', async (req, reply) => {
    await networks.remove(req.params.id);
    return sendEmpty(reply, 204);
  });

  app.post('/networks/prune', async (req, reply) => {
    const deleted = await networks.prune(filters(query(req)));
    return sendJson(reply, { NetworksDeleted: deleted });
  });

  app.post<Params>('/networks/:id/connect', async (req, reply) => {
    const body = toConnectBody(req.body, 'ConnectOptions');
    if (!body.container) throw invalidArgument('container is required');
    await containers.connect(body.container, req.params.id, body.endpoint);
    return sendEmpty(reply, 200);
  });

  app.post<Params>('/networks/:id/disconnect', async (req, reply) => {
    const body = toConnectBody(req.body, 'DisconnectOptions');
    if (!body.container) throw invalidArgument('container is required');
    await containers.disconnect(body.container, req.params.id);
    return sendEmpty(reply, 200);
  });
}
