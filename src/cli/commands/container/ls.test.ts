// `berth ps` against a stub daemon: docker's table, quiet, --no-trunc, json and custom formats,
// the size column, and the query docker sends.

process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerSummaryWire } from '../../../client/containers.js';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';
import { displayablePorts } from './ls.js';

const ID = 'a'.repeat(64);
const CREATED = Math.floor(Date.now() / 1000) - 3600;

function summary(): ContainerSummaryWire {
  return {
    Id: ID,
    Names: ['/web'],
    Image: 'busybox',
    ImageID: `sha256:${'b'.repeat(64)}`,
    Command: 'sh -c "echo hello world and more"',
    Created: CREATED,
    Ports: [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' },
    ],
    Labels: { c: 'd', a: 'b' },
    State: 'running',
    Status: 'Up 5 seconds',
    SizeRw: 12,
    SizeRootFs: 4000000,
    NetworkSettings: { Networks: { bridge: {}, other: {} } },
    Mounts: [
      { Name: 'vol1', Source: '/x', Destination: '/data', Driver: 'local' },
      { Source: '/h', Destination: '/c', Type: 'bind' },
    ],
  };
}

function daemon(list: ContainerSummaryWire[] = [summary()]): StubServer {
  return new StubServer().on('GET', '/containers/json', (_req, res) => res.json(200, list));
}

test('ps: docker’s default table (recorded from docker ps against the same answer)', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['ps']);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    'CONTAINER ID   IMAGE     COMMAND                   CREATED             STATUS         PORTS                                              NAMES\n' +
      'aaaaaaaaaaaa   busybox   "sh -c \\"echo hello w…"   About an hour ago   Up 5 seconds   443/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web\n',
  );
  assert.deepEqual(stub.paths(), ['GET /containers/json']);
});

test('ps -a -n 3 -s --no-trunc --filter: the query, full IDs and commands, the size column', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['ps', '-a', '-n', '3', '-s', '--no-trunc', '--filter', 'label=a=b', '--filter', 'status=running']);
  assert.equal(
    r.out,
    'CONTAINER ID                                                       IMAGE     COMMAND                                 CREATED             STATUS         PORTS                                              NAMES     SIZE\n' +
      `${ID}   busybox   "sh -c \\"echo hello world and more\\""   About an hour ago   Up 5 seconds   443/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web       12B (virtual 4MB)\n`,
  );
  assert.deepEqual(stub.requests[0]?.query, {
    all: '1',
    filters: '{"label":{"a=b":true},"status":{"running":true}}',
    limit: '3',
    size: '1',
  });
});

test('ps -q, -l; --format with -q warns and prints IDs', async (t) => {
  const quiet = daemon();
  const r = await berth(t, quiet, ['ps', '-l', '-q']);
  assert.deepEqual({ out: r.out, err: r.err }, { out: 'aaaaaaaaaaaa\n', err: '' });
  assert.deepEqual(quiet.requests[0]?.query, { limit: '1' });
  const both = await berth(t, daemon(), ['ps', '-q', '--format', '{{.Names}}']);
  assert.deepEqual({ out: both.out, err: both.err }, { out: 'aaaaaaaaaaaa\n', err: 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n' });
});

test('ps --format: json, the fields of docker’s container context, .Size asks for sizes', async (t) => {
  const json = await berth(t, daemon(), ['ps', '--format', 'json']);
  const created = new Date(CREATED * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');
  assert.equal(
    json.out,
    `{"Command":"\\"sh -c \\\\\\"echo hello w…\\"","CreatedAt":"${created}","ID":"aaaaaaaaaaaa","Image":"busybox","Labels":"a=b,c=d","LocalVolumes":"1","Mounts":"vol1,/h","Names":"web","Networks":"bridge,other","Platform":null,"Ports":"443/tcp, 0.0.0.0:8080-\\u003e80/tcp, [::]:8080-\\u003e80/tcp","RunningFor":"About an hour ago","Size":"12B (virtual 4MB)","State":"running","Status":"Up 5 seconds"}\n`,
  );
  const stub = daemon();
  const custom = await berth(t, stub, ['ps', '--format', '{{.Size}} {{.Labels}} {{.Label "a"}} {{.Mounts}} {{.Networks}} {{.State}} {{.Ports}}']);
  assert.equal(custom.out, '12B (virtual 4MB) a=b,c=d b vol1,/h bridge,other running 443/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp\n');
  assert.deepEqual(stub.requests[0]?.query, { size: '1' });
  const table = await berth(t, daemon(), ['ps', '--format', 'table {{.Names}}\t{{.State}}']);
  assert.equal(table.out, 'NAMES     STATE\nweb       running\n');
});

test('ps: names without a link path, images by familiar name, <no image>', async (t) => {
  const s = { ...summary(), Names: ['/other/link', '/web2'], Image: 'docker.io/library/nginx:alpine@sha256:' + 'c'.repeat(64), Ports: [] };
  const noImage = { ...summary(), Id: 'b'.repeat(64), Names: ['/x'], Image: '', Ports: [] };
  const byId = { ...summary(), Id: 'c'.repeat(64), Names: ['/y'], Image: 'b'.repeat(64), Ports: [] };
  const r = await berth(t, daemon([s, noImage, byId]), ['ps', '--format', '{{.Names}} {{.Image}}']);
  assert.equal(r.out, 'web2 nginx:alpine\nx <no image>\ny bbbbbbbbbbbb\n');
});

test('displayablePorts groups ranges and lists host mappings last, as docker does', () => {
  assert.equal(
    displayablePorts([
      { PrivatePort: 82, Type: 'tcp' },
      { PrivatePort: 80, Type: 'tcp' },
      { PrivatePort: 81, Type: 'tcp' },
      { PrivatePort: 53, Type: 'udp' },
      { IP: '0.0.0.0', PrivatePort: 9000, PublicPort: 9000, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 9001, PublicPort: 9001, Type: 'tcp' },
      { IP: '127.0.0.1', PrivatePort: 22, PublicPort: 2222, Type: 'tcp' },
    ]),
    '53/udp, 80-82/tcp, 0.0.0.0:9000-9001->9000-9001/tcp, 127.0.0.1:2222->22/tcp',
  );
  assert.equal(displayablePorts([]), '');
});
