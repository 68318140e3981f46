// The distribution API in process over real HTTP on 127.0.0.1: every endpoint's success path
// and the spec's error cases, against the real filesystem stores under a private temp root.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { test } from 'node:test';
import { hashSync } from 'bcryptjs';
import { type AccessRule, type Authorizer, BasicAuthorizer, Htpasswd, NoAuth, TokenAuthorizer } from './auth.js';
import { FsBlobStore } from './blob-store.js';
import { RegistryLayout } from './layout.js';
import { FsManifestStore } from './manifest-store.js';
import { createRegistryServer } from './server.js';

type T = { after(fn: () => void | Promise<void>): void };

interface Started {
  url: string;
  root: string;
}

async function start(t: T, opts: { authorizer?: Authorizer; readOnly?: boolean; accessLog?: Writable } = {}): Promise<Started> {
  const root = mkdtempSync(join(tmpdir(), 'berth-registry-test-'));
  const layout = new RegistryLayout(root);
  const blobs = new FsBlobStore(layout);
  const server = createRegistryServer({
    blobs,
    manifests: new FsManifestStore(layout, blobs),
    authorizer: opts.authorizer ?? new NoAuth(),
    readOnly: opts.readOnly ?? false,
    ...(opts.accessLog ? { accessLog: opts.accessLog } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, root };
}

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function errorCode(r: Response): Promise<string> {
  const body = (await r.json()) as { errors: { code: string }[] };
  return body.errors[0]!.code;
}

async function pushBlob(url: string, name: string, data: Buffer): Promise<string> {
  const d = sha(data);
  const r = await fetch(`${url}/v2/${name}/blobs/uploads/?digest=${d}`, { method: 'POST', body: data });
  assert.equal(r.status, 201, await r.text());
  return d;
}

interface Pushed {
  manifest: Buffer;
  digest: string;
  config: string;
  layer: string;
}

async function pushImage(url: string, name: string, tag: string, extra: Record<string, unknown> = {}): Promise<Pushed> {
  const layerBytes = Buffer.from(`layer of ${name}:${tag}`);
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', tag }));
  const layer = await pushBlob(url, name, layerBytes);
  const config = await pushBlob(url, name, configBytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerBytes.length }],
      ...extra,
    }),
  );
  const r = await fetch(`${url}/v2/${name}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  assert.equal(r.status, 201, await r.text());
  return { manifest, digest: sha(manifest), config, layer };
}

function storedBlobs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(e.name);
    }
  };
  try {
    walk(join(root, 'blobs'));
  } catch {
    // no blobs yet
  }
  return out;
}

test('/v2/ answers with the API version header; the health endpoint answers; requests are logged', async (t) => {
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
  const { url } = await start(t, { accessLog: log });
  const r = await fetch(`${url}/v2/`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
  assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
  assert.equal((await fetch(`${url}/nothing`)).status, 404);
  for (let i = 0; i < 50 && lines.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(first.method, 'GET');
  assert.equal(first.url, '/v2/');
  assert.equal(first.status, 200);
  assert.equal(first.remote, '127.0.0.1');
  assert.equal((JSON.parse(lines[2]!) as { status: number }).status, 404);
});

test('blobs: monolithic upload, HEAD, GET, ranges and 416', async (t) => {
  const { url } = await start(t);
  const data = Buffer.from('0123456789abcdef');
  const d = await pushBlob(url, 'lib/a', data);
  const head = await fetch(`${url}/v2/lib/a/blobs/${d}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '16');
  assert.equal(head.headers.get('docker-content-digest'), d);
  assert.equal(Buffer.from(await (await fetch(`${url}/v2/lib/a/blobs/${d}`)).arrayBuffer()).toString(), data.toString());
  const part = await fetch(`${url}/v2/lib/a/blobs/${d}`, { headers: { Range: 'bytes=2-5' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 2-5/16');
  assert.equal(await part.text(), '2345');
  assert.equal(await (await fetch(`${url}/v2/lib/a/blobs/${d}`, { headers: { Range: 'bytes=-3' } })).text(), 'def');
  const bad = await fetch(`${url}/v2/lib/a/blobs/${d}`, { headers: { Range: 'bytes=20-30' } });
  assert.equal(bad.status, 416);
  // The blob is stored once but served only where it was pushed or mounted.
  const other = await fetch(`${url}/v2/lib/b/blobs/${d}`, { method: 'GET' });
  assert.equal(other.status, 404);
  assert.equal(await errorCode(other), 'BLOB_UNKNOWN');
  const del = await fetch(`${url}/v2/lib/a/blobs/${d}`, { method: 'DELETE' });
  assert.equal(del.status, 202);
  assert.equal((await fetch(`${url}/v2/lib/a/blobs/${d}`, { method: 'HEAD' })).status, 404);
});

test('chunked upload: PATCH in order, 416 out of order, status, PUT; cancel', async (t) => {
  const { url } = await start(t);
  const post = await fetch(`${url}/v2/up/blobs/uploads/`, { method: 'POST' });
  assert.equal(post.status, 202);
  const loc = post.headers.get('location')!;
  assert.match(loc, /^\/v2\/up\/blobs\/uploads\/[0-9a-f-]{36}$/);
  assert.ok(post.headers.get('docker-upload-uuid'));
  const p1 = await fetch(url + loc, { method: 'PATCH', headers: { 'Content-Range': '0-4', 'Content-Type': 'application/octet-stream' }, body: 'hello' });
  assert.equal(p1.status, 202);
  assert.equal(p1.headers.get('range'), '0-4');
  const wrong = await fetch(url + loc, { method: 'PATCH', headers: { 'Content-Range': '3-5' }, body: 'xyz' });
  assert.equal(wrong.status, 416);
  const p2 = await fetch(url + loc, { method: 'PATCH', headers: { 'Content-Range': '5-10' }, body: ' world' });
  assert.equal(p2.headers.get('range'), '0-10');
  const status = await fetch(url + loc);
  assert.equal(status.status, 204);
  assert.equal(status.headers.get('range'), '0-10');
  const d = sha('hello world!');
  const put = await fetch(`${url}${loc}?digest=${d}`, { method: 'PUT', body: '!' });
  assert.equal(put.status, 201, await put.text());
  assert.equal(put.headers.get('docker-content-digest'), d);
  assert.equal(put.headers.get('location'), `/v2/up/blobs/${d}`);
  assert.equal(await (await fetch(`${url}/v2/up/blobs/${d}`)).text(), 'hello world!');
  assert.equal((await fetch(url + loc)).status, 404);

  const again = (await fetch(`${url}/v2/up/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
  assert.equal((await fetch(url + again, { method: 'DELETE' })).status, 204);
  const gone = await fetch(url + again);
  assert.equal(gone.status, 404);
  assert.equal(await errorCode(gone), 'BLOB_UPLOAD_UNKNOWN');
  // An upload started for one repository cannot be written through another.
  const mine = (await fetch(`${url}/v2/up/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
  assert.equal((await fetch(url + mine.replace('/v2/up/', '/v2/other/'), { method: 'PATCH', body: 'x' })).status, 404);
});

test('a wrong digest is DIGEST_INVALID and stores nothing', async (t) => {
  const { url, root } = await start(t);
  const r = await fetch(`${url}/v2/x/blobs/uploads/?digest=${sha('other')}`, { method: 'POST', body: 'data' });
  assert.equal(r.status, 400);
  assert.equal(await errorCode(r), 'DIGEST_INVALID');
  assert.deepEqual(storedBlobs(root), []);
  assert.deepEqual(readdirSync(join(root, 'uploads')), []);
  const malformed = await fetch(`${url}/v2/x/blobs/sha256:abc`);
  assert.equal(await errorCode(malformed), 'DIGEST_INVALID');
});

test('cross-repository mount: 201 when the source has the blob, else an ordinary upload', async (t) => {
  const { url, root } = await start(t);
  const d = await pushBlob(url, 'src/repo', Buffer.from('shared layer'));
  const m = await fetch(`${url}/v2/dst/repo/blobs/uploads/?mount=${d}&from=src/repo`, { method: 'POST' });
  assert.equal(m.status, 201);
  assert.equal(m.headers.get('docker-content-digest'), d);
  assert.equal(await (await fetch(`${url}/v2/dst/repo/blobs/${d}`)).text(), 'shared layer');
  assert.equal(storedBlobs(root).length, 1, 'stored once');
  const miss = await fetch(`${url}/v2/dst/repo/blobs/uploads/?mount=${sha('nope')}&from=src/repo`, { method: 'POST' });
  assert.equal(miss.status, 202);
});

test('manifests: referenced blobs checked, GET/HEAD by tag and digest, Docker types, indexes, delete', async (t) => {
  const { url } = await start(t);
  const missing = await fetch(`${url}/v2/app/manifests/v1`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha('none'), size: 4 },
      layers: [],
    }),
  });
  assert.equal(missing.status, 404);
  assert.equal(await errorCode(missing), 'MANIFEST_BLOB_UNKNOWN');
  const invalid = await fetch(`${url}/v2/app/manifests/v1`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: '{nope' });
  assert.equal(await errorCode(invalid), 'MANIFEST_INVALID');

  const img = await pushImage(url, 'app', 'v1');
  for (const ref of ['v1', img.digest]) {
    const g = await fetch(`${url}/v2/app/manifests/${ref}`);
    assert.equal(g.status, 200);
    assert.equal(g.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(g.headers.get('docker-content-digest'), img.digest);
    assert.deepEqual(Buffer.from(await g.arrayBuffer()), img.manifest);
  }
  const h = await fetch(`${url}/v2/app/manifests/v1`, { method: 'HEAD' });
  assert.equal(h.headers.get('content-length'), String(img.manifest.length));
  const unknown = await fetch(`${url}/v2/app/manifests/v9`);
  assert.equal(unknown.status, 404);
  assert.equal(await errorCode(unknown), 'MANIFEST_UNKNOWN');
  const byDigest = await fetch(`${url}/v2/app/manifests/${img.digest}?tag=1.2.3&tag=latest`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: img.manifest,
  });
  assert.equal(byDigest.status, 201);
  assert.equal(byDigest.headers.get('oci-tag'), '1.2.3, latest');
  assert.equal((await fetch(`${url}/v2/app/manifests/latest`)).headers.get('docker-content-digest'), img.digest);
  const wrongDigest = await fetch(`${url}/v2/app/manifests/${sha('x')}`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: img.manifest });
  assert.equal(await errorCode(wrongDigest), 'DIGEST_INVALID');

  // Docker schema2 with the Docker media type, then a manifest list naming it.
  const dockerManifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: img.config, size: 1 },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: img.layer, size: 1 }],
    }),
  );
  const dm = await fetch(`${url}/v2/app/manifests/docker`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: dockerManifest,
  });
  assert.equal(dm.status, 201);
  const listOf = (digest: string): string =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest, size: 1, platform: { os: 'linux', architecture: 'amd64' } }],
    });
  const badList = await fetch(`${url}/v2/app/manifests/list`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' }, body: listOf(sha('absent')) });
  assert.equal(await errorCode(badList), 'MANIFEST_BLOB_UNKNOWN');
  const list = await fetch(`${url}/v2/app/manifests/list`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' }, body: listOf(sha(dockerManifest)) });
  assert.equal(list.status, 201);
  assert.equal((await fetch(`${url}/v2/app/manifests/list`)).headers.get('content-type'), 'application/vnd.docker.distribution.manifest.list.v2+json');

  assert.equal((await fetch(`${url}/v2/app/manifests/docker`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${url}/v2/app/manifests/docker`)).status, 404);
  assert.equal((await fetch(`${url}/v2/app/manifests/${sha(dockerManifest)}`)).status, 200, 'deleting a tag keeps the manifest');
  assert.equal((await fetch(`${url}/v2/app/manifests/${img.digest}`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${url}/v2/app/manifests/v1`)).status, 404, 'tags of a deleted manifest go with it');
  assert.equal((await fetch(`${url}/v2/app/manifests/latest`)).status, 404);
});

test('tags and catalog paginate with n, last and a Link header', async (t) => {
  const { url } = await start(t);
  for (const tag of ['e', 'a', 'c', 'b', 'd']) await pushImage(url, 'pag/one', tag);
  await pushImage(url, 'pag/two', 'x');
  const all = await fetch(`${url}/v2/pag/one/tags/list`);
  assert.deepEqual(await all.json(), { name: 'pag/one', tags: ['a', 'b', 'c', 'd', 'e'] });
  const p1 = await fetch(`${url}/v2/pag/one/tags/list?n=2`);
  assert.deepEqual(((await p1.json()) as { tags: string[] }).tags, ['a', 'b']);
  assert.equal(p1.headers.get('link'), '</v2/pag/one/tags/list?n=2&last=b>; rel="next"');
  const p3 = await fetch(`${url}/v2/pag/one/tags/list?n=2&last=d`);
  assert.deepEqual(((await p3.json()) as { tags: string[] }).tags, ['e']);
  assert.equal(p3.headers.get('link'), null);
  assert.equal(await errorCode(await fetch(`${url}/v2/pag/one/tags/list?n=-1`)), 'PAGINATION_NUMBER_INVALID');
  assert.equal(await errorCode(await fetch(`${url}/v2/pag/none/tags/list`)), 'NAME_UNKNOWN');
  assert.deepEqual(await (await fetch(`${url}/v2/_catalog`)).json(), { repositories: ['pag/one', 'pag/two'] });
  const c1 = await fetch(`${url}/v2/_catalog?n=1`);
  assert.deepEqual(await c1.json(), { repositories: ['pag/one'] });
  assert.equal(c1.headers.get('link'), '</v2/_catalog?n=1&last=pag%2Fone>; rel="next"');
});

test('referrers: OCI-Subject on push, listing, artifactType filter', async (t) => {
  const { url } = await start(t);
  const img = await pushImage(url, 'ref/app', 'v1');
  const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.digest, size: img.manifest.length };
  const sig = await pushImage(url, 'ref/app', 'sig', { artifactType: 'application/example.sig', subject });
  const sbomLayer = await pushBlob(url, 'ref/app', Buffer.from('sbom'));
  const sbomManifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/example.sbom',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sig.config, size: 1 },
    layers: [{ mediaType: 'text/plain', digest: sbomLayer, size: 4 }],
    subject,
  });
  const put = await fetch(`${url}/v2/ref/app/manifests/${sha(sbomManifest)}`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: sbomManifest });
  assert.equal(put.status, 201);
  assert.equal(put.headers.get('oci-subject'), img.digest);
  const all = await fetch(`${url}/v2/ref/app/referrers/${img.digest}`);
  assert.equal(all.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
  const idx = (await all.json()) as { manifests: { digest: string; artifactType: string }[] };
  assert.deepEqual(idx.manifests.map((m) => m.artifactType).sort(), ['application/example.sbom', 'application/example.sig']);
  const f = await fetch(`${url}/v2/ref/app/referrers/${img.digest}?artifactType=application/example.sbom`);
  assert.equal(f.headers.get('oci-filters-applied'), 'artifactType');
  assert.deepEqual(((await f.json()) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest), [sha(sbomManifest)]);
  const none = (await (await fetch(`${url}/v2/ref/app/referrers/${sha('nothing')}`)).json()) as { manifests: unknown[] };
  assert.deepEqual(none.manifests, []);
});

test('invalid repository names are NAME_INVALID, never a path outside the root', async (t) => {
  const { url } = await start(t);
  for (const name of ['a/../b', 'a/%2e%2e/b', 'UPPER', 'a//b', '_hidden', 'a/_layers', 'x'.repeat(256)]) {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // fetch would normalise `..` away; a raw request sends the path as written.
      const { hostname, port } = new URL(url);
      const req = request({ hostname, port, path: `/v2/${name}/tags/list`, method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(r.status, 400, name);
    assert.equal((JSON.parse(r.body) as { errors: { code: string }[] }).errors[0]!.code, 'NAME_INVALID', name);
  }
});

test('a client that disconnects mid-upload leaves a resumable upload and no blob', async (t) => {
  const { url, root } = await start(t);
  const data = Buffer.alloc(3 << 20, 7);
  const loc = (await fetch(`${url}/v2/resume/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
  await new Promise<void>((resolve) => {
    const req = request(url + loc, { method: 'PATCH', headers: { 'Content-Length': data.length, 'Content-Range': `0-${data.length - 1}` } });
    req.on('error', () => resolve());
    req.write(data.subarray(0, 1 << 20), () => setTimeout(() => req.destroy(), 100));
  });
  let received = 0;
  for (let i = 0; i < 50; i++) {
    const s = await fetch(url + loc);
    assert.equal(s.status, 204);
    received = Number(s.headers.get('range')!.split('-')[1]) + 1;
    if (received >= 1 << 20) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(received > 0 && received <= 1 << 20, `received ${received}`);
  assert.deepEqual(storedBlobs(root), [], 'nothing partial visible');
  const rest = await fetch(url + loc, { method: 'PATCH', headers: { 'Content-Range': `${received}-${data.length - 1}` }, body: data.subarray(received) });
  assert.equal(rest.status, 202);
  const put = await fetch(`${url}${loc}?digest=${sha(data)}`, { method: 'PUT' });
  assert.equal(put.status, 201, await put.text());
  assert.equal(Number((await fetch(`${url}/v2/resume/blobs/${sha(data)}`, { method: 'HEAD' })).headers.get('content-length')), data.length);
});

test('a client that hangs up mid-download does not disturb the next one', async (t) => {
  const { url } = await start(t);
  const data = Buffer.alloc(5 << 20, 3);
  const d = await pushBlob(url, 'dl', data);
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve) => {
    const req = request({ hostname, port, path: `/v2/dl/blobs/${d}` }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => resolve());
    req.end();
  });
  const again = Buffer.from(await (await fetch(`${url}/v2/dl/blobs/${d}`)).arrayBuffer());
  assert.equal(again.length, data.length);
  assert.ok(again.equals(data));
});

test('read-only mode refuses writes with UNSUPPORTED and serves reads', async (t) => {
  const { url } = await start(t, { readOnly: true });
  const r = await fetch(`${url}/v2/ro/blobs/uploads/`, { method: 'POST' });
  assert.equal(r.status, 405);
  assert.equal(await errorCode(r), 'UNSUPPORTED');
  assert.equal((await fetch(`${url}/v2/`)).status, 200);
});

const basic = (user: string, pw: string): string => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const users = (): Htpasswd => new Htpasswd(`alice:${hashSync('secret', 4)}\nbob:${hashSync('hunter2', 4).replace('$2b$', '$2y$')}\n`);
const RULES: AccessRule[] = [{ account: 'alice', repository: '*', actions: ['pull', 'push', 'delete'] }, { account: 'bob', repository: 'shared/*', actions: ['pull'] }];

test('htpasswd basic auth: challenge, wrong credentials, per-repository access', async (t) => {
  const { url } = await start(t, { authorizer: new BasicAuthorizer(users(), RULES, 'berth-registry') });
  const anon = await fetch(`${url}/v2/`);
  assert.equal(anon.status, 401);
  assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="berth-registry"');
  assert.equal(await errorCode(anon), 'UNAUTHORIZED');
  const wrong = await fetch(`${url}/v2/`, { headers: { Authorization: basic('alice', 'nope') } });
  assert.equal(wrong.status, 401);
  assert.equal((await fetch(`${url}/v2/`, { headers: { Authorization: basic('alice', 'secret') } })).status, 200);
  const push = await fetch(`${url}/v2/shared/x/blobs/uploads/`, { method: 'POST', headers: { Authorization: basic('alice', 'secret') } });
  assert.equal(push.status, 202);
  const bobPush = await fetch(`${url}/v2/shared/x/blobs/uploads/`, { method: 'POST', headers: { Authorization: basic('bob', 'hunter2') } });
  assert.equal(bobPush.status, 403);
  assert.equal(await errorCode(bobPush), 'DENIED');
  assert.equal((await fetch(`${url}/v2/shared/x/tags/list`, { headers: { Authorization: basic('bob', 'hunter2') } })).status, 404, 'pull allowed: NAME_UNKNOWN');
});

test('token auth: Bearer challenge, tokens from the realm with granted scopes only', async (t) => {
  const auth = new TokenAuthorizer(users(), RULES, { service: 'test-registry', issuer: 'test', expiresInSeconds: 60 });
  const { url } = await start(t, { authorizer: auth });
  const anon = await fetch(`${url}/v2/shared/x/tags/list`);
  assert.equal(anon.status, 401);
  const challenge = anon.headers.get('www-authenticate')!;
  assert.equal(challenge, `Bearer realm="${url}/auth/token",service="test-registry",scope="repository:shared/x:pull"`);
  const tokenFor = async (who: string, pw: string, scope: string): Promise<Response> =>
    fetch(`${url}/auth/token?service=test-registry&scope=${encodeURIComponent(scope)}`, { headers: { Authorization: basic(who, pw) } });
  assert.equal((await tokenFor('bob', 'wrong', 'repository:shared/x:pull')).status, 401);
  const bob = (await (await tokenFor('bob', 'hunter2', 'repository:shared/x:pull,push')).json()) as { token: string; expires_in: number };
  assert.equal(bob.expires_in, 60);
  const bearer = { Authorization: `Bearer ${bob.token}` };
  assert.equal((await fetch(`${url}/v2/shared/x/tags/list`, { headers: bearer })).status, 404, 'pull granted');
  const push = await fetch(`${url}/v2/shared/x/blobs/uploads/`, { method: 'POST', headers: bearer });
  assert.equal(push.status, 401, 'push not granted to bob');
  assert.match(push.headers.get('www-authenticate')!, /error="insufficient_scope"/);
  assert.equal((await fetch(`${url}/v2/other/tags/list`, { headers: bearer })).status, 401, 'token is per repository');
  const forged = `${bob.token.slice(0, -4)}AAAA`;
  assert.equal((await fetch(`${url}/v2/shared/x/tags/list`, { headers: { Authorization: `Bearer ${forged}` } })).status, 401);
  const alice = (await (await tokenFor('alice', 'secret', 'repository:shared/x:pull,push')).json()) as { token: string };
  assert.equal((await fetch(`${url}/v2/shared/x/blobs/uploads/`, { method: 'POST', headers: { Authorization: `Bearer ${alice.token}` } })).status, 202);
  // OAuth2 password grant (POST), as docker login may use.
  const form = new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'secret', service: 'test-registry', scope: 'repository:a:pull' });
  const posted = await fetch(`${url}/auth/token`, { method: 'POST', body: form });
  assert.equal(posted.status, 200);
  assert.ok(((await posted.json()) as { access_token: string }).access_token);
});
