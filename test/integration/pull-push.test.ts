// Pull and push through a real berthd against a real registry (docker-registry on 127.0.0.1):
// the round trip of a local image, platform choice in a multi-arch index, pull by digest and
// of all tags, cross-repository mounts, basic and bearer-token authorization, a download that
// breaks and resumes, and registries that answer 500 or garbage.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { sha256Digest } from '../../src/core/digest.js';
import { parseNormalizedNamed } from '../../src/core/reference.js';
import { RegistryClient } from '../../src/remote/registry-client.js';
import { type TestDaemon, api, berth, jsonLines, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';
import { needsRegistry, startProxy, startRegistry, tokenAuth } from '../helpers/registry.js';

const skip = needsRoot() || needsRegistry() || (existsSync('/bin/busybox') ? false : 'needs /bin/busybox (busybox-static)');

async function ok(d: TestDaemon, args: string[], input?: string): Promise<string> {
  const r = await berth(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `berth ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function fails(d: TestDaemon, args: string[]): Promise<string> {
  const r = await berth(d, args);
  assert.notEqual(r.code, 0, `berth ${args.join(' ')} should have failed: ${r.stdout}`);
  return r.stderr + r.stdout;
}

function statuses(out: string): string[] {
  return out.split('\n').map((l) => l.replace(/^[0-9a-f]{12}: /, '')).filter((l) => l !== '');
}

/** Blobs in the daemon's content store and ingests in progress. */
function storeFiles(d: TestDaemon): { blobs: string[]; ingests: string[] } {
  const list = (p: string): string[] => (existsSync(p) ? readdirSync(p) : []);
  return { blobs: list(join(d.dataRoot, 'content', 'blobs', 'sha256')), ingests: list(join(d.dataRoot, 'content', 'ingest')) };
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('pull and push against docker-registry', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const d = await startDaemon(t, { config: { 'max-concurrent-downloads': 2 } });
  await ok(d, ['image', 'seed']);
  const bb = `${reg.host}/test/bb`;

  let digest = '';
  await t.test('push a local image, then again: the layer already exists and is not compressed again', async () => {
    await ok(d, ['tag', 'busybox', `${bb}:v1`]);
    const first = await ok(d, ['push', `${bb}:v1`]);
    const lines = statuses(first);
    assert.equal(lines[0], `The push refers to repository [${bb}]`);
    assert.ok(lines.includes('Preparing') && lines.includes('Pushed'), first);
    const m = /^v1: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/m.exec(first);
    assert.ok(m, first);
    digest = m[1]!;
    const images = JSON.parse(readFileSync(join(d.dataRoot, 'images', 'images.json'), 'utf8')) as {
      images: Record<string, { layers: { compressed?: { digest: string } }[] }>;
    };
    const compressed = Object.values(images.images)[0]!.layers[0]!.compressed?.digest;
    assert.ok(compressed, 'the gzip made for the push is kept on the layer');
    const again = await ok(d, ['push', `${bb}:v1`]);
    assert.ok(statuses(again).includes('Layer already exists'), again);
    assert.match(again, new RegExp(`v1: digest: ${digest} size: `));
    const inspect = JSON.parse(await ok(d, ['image', 'inspect', `${bb}:v1`])) as { RepoDigests: string[] }[];
    assert.deepEqual(inspect[0]!.RepoDigests, [`${bb}@${digest}`]);
  });

  await t.test('push to another repository of the registry mounts the blob', async () => {
    await ok(d, ['tag', 'busybox', `${reg.host}/other/bb:v1`]);
    const out = await ok(d, ['push', `${reg.host}/other/bb:v1`]);
    assert.ok(statuses(out).includes('Mounted from test/bb'), out);
  });

  await t.test('remove it, pull it back, run it; a second pull is up to date', async () => {
    await ok(d, ['rmi', `${bb}:v1`, 'busybox', `${reg.host}/other/bb:v1`]);
    assert.equal(await ok(d, ['images', '-q']), '');
    const out = await ok(d, ['pull', `${bb}:v1`]);
    const lines = statuses(out);
    assert.deepEqual(lines.slice(0, 2), ['v1: Pulling from test/bb', 'Pulling fs layer']);
    for (const s of ['Download complete', 'Pull complete', `Digest: ${digest}`, `Status: Downloaded newer image for ${bb}:v1`, `${bb}:v1`]) {
      assert.ok(lines.includes(s), `${s} missing in:\n${out}`);
    }
    assert.equal(await ok(d, ['run', '--rm', `${bb}:v1`, 'echo', 'pulled and ran']), 'pulled and ran\n');
    const again = statuses(await ok(d, ['pull', `${bb}:v1`]));
    assert.ok(again.includes('Already exists') && again.includes(`Status: Image is up to date for ${bb}:v1`), again.join('\n'));
  });

  await t.test('pull by digest, and -q', async () => {
    await ok(d, ['rmi', `${bb}:v1`]);
    assert.equal(await ok(d, ['pull', '-q', `${bb}@${digest}`]), `${bb}@${digest}\n`);
    const inspect = JSON.parse(await ok(d, ['image', 'inspect', `${bb}@${digest}`])) as { RepoTags: string[]; RepoDigests: string[] }[];
    assert.deepEqual(inspect[0]!.RepoTags, []);
    assert.deepEqual(inspect[0]!.RepoDigests, [`${bb}@${digest}`]);
  });

  await t.test('an index: the platform asked for, linux/amd64 by default, a clear error for a missing one', async () => {
    // An arm64 variant of the same image (same layer, config saying arm64) and an index of both.
    const client = new RegistryClient({ insecureRegistries: [], registryMirrors: [], userAgent: 'berth-test' });
    t.after(() => client.close());
    const repo = client.repository(parseNormalizedNamed(`${bb}`), { push: true });
    const amd = await repo.getManifest(digest);
    const manifest = JSON.parse(amd.bytes.toString()) as { config: { digest: string; size: number; mediaType: string } };
    const config = JSON.parse((await readBody(repo, manifest.config)).toString()) as Record<string, unknown>;
    const armConfig = Buffer.from(JSON.stringify({ ...config, architecture: 'arm64', variant: 'v8' }));
    const armConfigDesc = { mediaType: manifest.config.mediaType, digest: sha256Digest(armConfig), size: armConfig.length };
    await repo.pushBlob(armConfigDesc, () => bufferStream(armConfig), { chunkSize: 100 });
    const armManifest = Buffer.from(JSON.stringify({ ...manifest, config: armConfigDesc }));
    const armDigest = await repo.putManifest(sha256Digest(armManifest), amd.descriptor.mediaType, armManifest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: amd.descriptor.mediaType, digest: armDigest, size: armManifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: amd.descriptor.mediaType, digest, size: amd.bytes.length, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: amd.descriptor.mediaType, digest, size: amd.bytes.length, platform: { os: 'unknown', architecture: 'unknown' } },
        ],
      }),
    );
    const indexDigest = await repo.putManifest('multi', 'application/vnd.oci.image.index.v1+json', index);

    await ok(d, ['pull', '--platform', 'linux/arm64', `${bb}:multi`]);
    assert.equal(await ok(d, ['image', 'inspect', '-f', '{{.Architecture}} {{.Variant}}', `${bb}:multi`]), 'arm64 v8\n');
    const out = await ok(d, ['pull', `${bb}:multi`]);
    assert.match(out, new RegExp(`Digest: ${indexDigest}`));
    const [arch, repoDigests] = (await ok(d, ['image', 'inspect', '-f', '{{.Architecture}} {{json .RepoDigests}}', `${bb}:multi`])).split(' ');
    assert.equal(arch, 'amd64');
    assert.deepEqual((JSON.parse(repoDigests!) as string[]).sort(), [`${bb}@${indexDigest}`, `${bb}@${digest}`].sort());
    const r = await api(d, 'POST', `/images/create?fromImage=${encodeURIComponent(bb)}&tag=multi&platform=linux/s390x`);
    assert.equal(r.status, 404);
    assert.equal(r.json<{ message: string }>().message, 'no matching manifest for linux/s390x in the manifest list entries');
    const single = await api(d, 'POST', `/images/create?fromImage=${encodeURIComponent(bb)}&tag=v1&platform=linux/arm64`);
    // Known only once the config is read, after "Pulling from": in-band, as dockerd reports it.
    assert.equal(single.status, 200);
    assert.equal(
      (jsonLines(single.text).at(-1) as { error?: string }).error,
      `image with reference ${bb}:v1 was found but its platform (linux/amd64) does not match the specified platform (linux/arm64)`,
    );
  });

  await t.test('pull -a takes every tag', async () => {
    await ok(d, ['rmi', '-f', `${bb}:multi`]);
    const out = await ok(d, ['pull', '-a', bb]);
    assert.match(out, /v1: Pulling from test\/bb/);
    assert.match(out, /multi: Pulling from test\/bb/);
    assert.equal(await ok(d, ['images', '--format', '{{.Tag}}', bb]), 'multi\nv1\n');
  });

  await t.test('errors in Docker words: unknown tag and unknown repository are 404', async () => {
    const r = await api(d, 'POST', `/images/create?fromImage=${encodeURIComponent(bb)}&tag=nope`);
    assert.equal(r.status, 404);
    assert.equal(r.json<{ message: string }>().message, `manifest for ${bb}:nope not found: manifest unknown: manifest unknown`);
    const push = await fails(d, ['push', `${reg.host}/never/tagged:v1`]);
    assert.match(push, /An image does not exist locally with the tag: 127\.0\.0\.1:\d+\/never\/tagged/);
  });
});

test('pull with credentials: basic auth (htpasswd) and bearer tokens', { skip }, async (t) => {
  const basic = await startRegistry(t, { users: { alice: 'secret' } });
  const open = await startRegistry(t);
  const front = await startProxy(t, open);
  const { tokenRequests } = tokenAuth(front, { bob: 'hunter2' });
  const d = await startDaemon(t);
  await ok(d, ['image', 'seed']);

  await t.test('basic: denied without login, wrong password refused, then push and pull', async () => {
    const name = `${basic.host}/team/bb:v1`;
    await ok(d, ['tag', 'busybox', name]);
    assert.match(await fails(d, ['push', name]), /unauthorized: authentication required/);
    const bad = await api(d, 'POST', '/auth', {
      body: JSON.stringify({ username: 'alice', password: 'wrong', serveraddress: basic.host }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.json<{ message: string }>().message, `login attempt to http://${basic.host}/v2/ failed with status: 401 Unauthorized`);
    assert.equal(await ok(d, ['login', '-u', 'alice', '--password-stdin', basic.host], 'secret\n'), 'Login Succeeded\n');
    await ok(d, ['push', name]);
    await ok(d, ['rmi', name]);
    await ok(d, ['pull', name]);
    await ok(d, ['rmi', name]);
    assert.equal(await ok(d, ['logout', basic.host]), `Removing login credentials for ${basic.host}\n`);
    const denied = await api(d, 'POST', `/images/create?fromImage=${encodeURIComponent(`${basic.host}/team/bb`)}&tag=v1`);
    assert.equal(denied.status, 404);
    assert.equal(
      denied.json<{ message: string }>().message,
      `pull access denied for ${basic.host}/team/bb, repository does not exist or may require 'docker login': unauthorized: authentication required`,
    );
  });

  await t.test('bearer: tokens per repository scope, anonymous pull, push with credentials, tokens cached', async () => {
    const name = `${front.host}/pub/bb:v1`;
    await ok(d, ['tag', 'busybox', name]);
    const bad = await api(d, 'POST', '/auth', {
      body: JSON.stringify({ username: 'bob', password: 'nope', serveraddress: front.host }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.json<{ message: string }>().message, 'unauthorized: incorrect username or password');
    await ok(d, ['login', '-u', 'bob', '-p', 'hunter2', front.host]);
    tokenRequests.length = 0;
    await ok(d, ['push', name]);
    assert.ok(tokenRequests.some((u) => u.searchParams.getAll('scope').includes('repository:pub/bb:pull,push')), tokenRequests.join('\n'));
    assert.ok(tokenRequests.length <= 2, `a token per request is not cached:\n${tokenRequests.join('\n')}`);
    await ok(d, ['logout', front.host]);
    await ok(d, ['rmi', name]);
    tokenRequests.length = 0;
    await ok(d, ['pull', name]);
    assert.deepEqual(tokenRequests.map((u) => [u.searchParams.get('service'), u.searchParams.getAll('scope').join(' ')]), [['berth-test', 'repository:pub/bb:pull']]);
  });
});

test('an interrupted pull resumes; a registry answering 500 or garbage leaves the store clean', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const front = await startProxy(t, reg);
  const d = await startDaemon(t);
  await ok(d, ['image', 'seed']);
  const name = `${front.host}/test/bb:v1`;
  await ok(d, ['tag', 'busybox', name]);
  await ok(d, ['push', name]);
  const cleanStore = async (...names: string[]): Promise<void> => {
    await ok(d, ['rmi', ...names]);
    await waitFor(() => storeFiles(d).blobs.length === 0, 'the garbage collector to empty the store');
  };
  await cleanStore(name, 'busybox');

  await t.test('a download cut short keeps its ingest; the next pull asks only for the rest', async () => {
    front.cutNextBlobAfter = 300_000;
    const broken = await berth(d, ['pull', name]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr + broken.stdout, /unexpected EOF|error pulling/);
    assert.equal(storeFiles(d).ingests.length, 1, 'the partial download is kept');
    front.seen.length = 0;
    await ok(d, ['pull', name]);
    const ranges = front.seen.filter((r) => r.method === 'GET' && r.headers.range).map((r) => r.headers.range);
    assert.equal(ranges.length, 1, JSON.stringify(front.seen.map((r) => [r.method, r.url, r.headers.range])));
    const from = Number(/^bytes=(\d+)-$/.exec(String(ranges[0]))?.[1]);
    assert.ok(from > 0 && from <= 300_000, String(ranges[0]));
    assert.deepEqual(storeFiles(d).ingests, []);
    assert.equal(await ok(d, ['run', '--rm', name, 'echo', 'resumed']), 'resumed\n');
    await cleanStore(name);
  });

  await t.test('a client that goes away mid-download leaves a resumable ingest', async () => {
    front.cutNextBlobAfter = 200_000;
    front.stallNextBlob = true;
    const controller = new AbortController();
    const pulling = apiStream(d, `/images/create?fromImage=${encodeURIComponent(`${front.host}/test/bb`)}&tag=v1`, controller.signal);
    await waitFor(() => front.seen.some((r) => r.method === 'GET' && /\/blobs\//.test(r.url)) && storeFiles(d).ingests.length === 1, 'the download to start');
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await pulling.catch(() => undefined);
    await waitFor(() => statSync(ingestData(d)).size >= 200_000, 'the received bytes to be written');
    front.seen.length = 0;
    await ok(d, ['pull', name]);
    const range = front.seen.find((r) => r.method === 'GET' && r.headers.range)?.headers.range;
    assert.equal(range, 'bytes=200000-');
    await cleanStore(name);
  });

  await t.test('500 from the registry: Docker words, status 500, nothing stored', async () => {
    front.intercept = (req, res) => {
      if (!/\/manifests\//.test(req.url ?? '')) return false;
      res.writeHead(500);
      res.end('boom');
      return true;
    };
    const r = await api(d, 'POST', `/images/create?fromImage=${encodeURIComponent(`${front.host}/test/bb`)}&tag=v1`);
    assert.equal(r.status, 500);
    assert.equal(r.json<{ message: string }>().message, 'received unexpected HTTP status: 500 Internal Server Error');
    assert.deepEqual(storeFiles(d), { blobs: [], ingests: [] });
  });

  await t.test('garbage instead of blobs: verification fails, the store is left clean', async () => {
    front.intercept = (req, res) => {
      if (req.method !== 'GET' || !/\/blobs\/sha256:/.test(req.url ?? '')) return false;
      const size = 4096;
      res.writeHead(200, { 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' });
      res.end(Buffer.alloc(size, 7));
      return true;
    };
    const r = await api(d, 'POST', `/images/create?fromImage=${encodeURIComponent(`${front.host}/test/bb`)}&tag=v1`, { headers: { 'X-Registry-Auth': 'e30=' } });
    // The config is the first blob, fetched after "Pulling from": the error is in-band, as dockerd's.
    assert.equal(r.status, 200);
    const last = jsonLines(r.text).at(-1) as { error?: string };
    assert.match(last.error ?? '', /failed to verify sha256:[0-9a-f]{64}/);
    front.intercept = undefined;
    await waitFor(() => storeFiles(d).blobs.length === 0, 'the store to be clean');
    assert.deepEqual(storeFiles(d).ingests, []);
    assert.equal(await ok(d, ['images', '-q']), '');
  });
});

async function readBody(
  repo: ReturnType<RegistryClient['repository']>,
  desc: { digest: string; size: number; mediaType: string },
): Promise<Buffer> {
  const got = await repo.fetchBlob(desc as Parameters<typeof repo.fetchBlob>[0]);
  const chunks: Buffer[] = [];
  for await (const c of got.body as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A streaming API request that the caller may abandon (a client going away). */
function apiStream(d: TestDaemon, path: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path, headers: { 'X-Registry-Auth': 'e30=' }, signal }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The data file of the one ingest in progress. */
function ingestData(d: TestDaemon): string {
  const dir = join(d.dataRoot, 'content', 'ingest');
  return join(dir, readdirSync(dir)[0]!, 'data');
}

function bufferStream(b: Buffer): Readable {
  return Readable.from([b]);
}
