// A recording stub daemon for the volume command tests (testing/container-stub.ts's StubServer
// with the volume routes), answering as berthd does: the volumes `data`, `cache` and an
// anonymous one; `busy` is in use; anything else is `get X: no such volume`. Paths may carry an
// API version, so the real docker CLI can be pointed at the same stub (network/testing/compare.ts).

import type { VolumeWire } from '../../../../client/volumes.js';
import { StubServer } from '../../testing/container-stub.js';

export const ANON = 'a'.repeat(64);

export function volume(over: Partial<VolumeWire> = {}): VolumeWire {
  return {
    CreatedAt: '2026-11-29T10:00:00Z',
    Driver: 'local',
    Labels: { a: 'b' },
    Mountpoint: '/var/lib/berth/volumes/data/_data',
    Name: 'data',
    Options: {},
    Scope: 'local',
    ...over,
  };
}

export const VOLUMES = [
  volume(),
  volume({ Name: 'cache', Mountpoint: '/var/lib/berth/volumes/cache/_data', Labels: {}, Options: { type: 'tmpfs', device: 'tmpfs' } }),
  volume({ Name: ANON, Mountpoint: `/var/lib/berth/volumes/${ANON}/_data`, Labels: { 'com.docker.volume.anonymous': '' }, Options: null }),
  volume({ Name: 'busy', Mountpoint: '/var/lib/berth/volumes/busy/_data', Labels: null }),
];

const v = '(?:/v[0-9.]+)?';
const route = (rest: string): RegExp => new RegExp(`^${v}/volumes${rest}$`);
const nameOf = (path: string): string => decodeURIComponent(path.replace(/^\/v[0-9.]+/, '').split('/')[2] ?? '');

export function volumeDaemon(list: VolumeWire[] = VOLUMES): StubServer {
  const known = new Map(list.map((x) => [x.Name, x]));
  const notFound = (name: string): string => `get ${name}: no such volume`;
  return new StubServer()
    .on('GET', route(''), (_req, res) => res.json(200, { Volumes: list, Warnings: null }))
    .on('GET', route('/[^/]+'), (req, res) => {
      const x = known.get(nameOf(req.path));
      if (x) res.json(200, x);
      else res.error(404, notFound(nameOf(req.path)));
    })
    .on('POST', route('/create'), (req, res) => {
      const body = JSON.parse(req.body) as { Name: string; Driver: string };
      if (body.Driver !== '' && body.Driver !== 'local') res.error(404, `create ${body.Name}: error looking up volume plugin ${body.Driver}: plugin "${body.Driver}" not found`);
      else res.json(201, volume({ Name: body.Name || ANON }));
    })
    .on('DELETE', route('/[^/]+'), (req, res) => {
      const name = nameOf(req.path);
      if (name === 'busy') res.error(409, `remove busy: volume is in use - [${'c'.repeat(64)}]`);
      else if (known.has(name)) res.empty(204);
      else res.error(404, notFound(name));
    })
    .on('POST', route('/prune'), (_req, res) => res.json(200, { VolumesDeleted: [ANON, 'old'], SpaceReclaimed: 2048 }));
}
