// A recording stub daemon for the network command tests (testing/container-stub.ts's
// StubServer with the network routes), answering as the daemon does: the networks `mynet`,
// `bridge`, `host` and the swarm routing-mesh `ingress`; `busy` is in use; anything else is
// `network X not found`. Paths may carry an API version (`/v1.50/networks`), as the docker
// CLI's do, so the real docker CLI can be pointed at the same stub (compare.ts).

import type { NetworkSummaryWire } from '../../../../client/networks.js';
import { StubServer } from '../../testing/container-stub.js';

export const NET_ID = 'f'.repeat(64);

export function network(over: Partial<NetworkSummaryWire> & Record<string, unknown> = {}): NetworkSummaryWire & Record<string, unknown> {
  return {
    Name: 'mynet',
    Id: NET_ID,
    Created: '2026-11-29T10:00:00.123456789Z',
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: { a: 'b' },
    ...over,
  };
}

export const NETWORKS = [
  network(),
  network({ Name: 'bridge', Id: '1'.repeat(64), Labels: {} }),
  network({ Name: 'host', Id: '2'.repeat(64), Driver: 'host', Labels: {} }),
  network({ Name: 'net10', Id: '3'.repeat(64), Labels: {} }),
  network({ Name: 'net9', Id: '4'.repeat(64), EnableIPv6: true, Internal: true, Labels: {} }),
];

const v = '(?:/v[0-9.]+)?';
const route = (rest: string): RegExp => new RegExp(`^${v}/networks${rest}$`);
const nameOf = (path: string): string => decodeURIComponent(path.replace(/^\/v[0-9.]+/, '').split('/')[2] ?? '');

export function networkDaemon(list: NetworkSummaryWire[] = NETWORKS): StubServer {
  const known = new Map<string, NetworkSummaryWire>([...list, network({ Name: 'ingress', Id: '5'.repeat(64), Ingress: true, Scope: 'swarm', Driver: 'overlay' })].map((n) => [n.Name, n]));
  const notFound = (name: string): string => `network ${name} not found`;
  return new StubServer()
    .on('GET', route(''), (_req, res) => res.json(200, list))
    .on('GET', route('/[^/]+'), (req, res) => {
      const n = known.get(nameOf(req.path));
      if (n) res.json(200, n);
      else res.error(404, notFound(nameOf(req.path)));
    })
    .on('POST', route('/create'), (req, res) => {
      const body = JSON.parse(req.body) as { Name: string };
      if (known.has(body.Name)) res.error(409, `network with name ${body.Name} already exists`);
      else res.json(201, { Id: NET_ID, Warning: '' });
    })
    .on('DELETE', route('/[^/]+'), (req, res) => {
      const name = nameOf(req.path);
      if (name === 'busy') res.error(403, 'error while removing network: network busy id 1234 has active endpoints');
      else if (known.has(name)) res.empty(204);
      else res.error(404, notFound(name));
    })
    .on('POST', route('/prune'), (_req, res) => res.json(200, { NetworksDeleted: ['old1', 'old2'] }))
    .on('POST', route('/[^/]+/(connect|disconnect)'), (req, res) => {
      const name = nameOf(req.path);
      if (known.has(name)) res.empty(200);
      else res.error(404, notFound(name));
    });
}
