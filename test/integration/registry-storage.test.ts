// The registry's storage under failure and over time: a server killed in the middle of an
// upload leaves nothing partial visible and the upload resumes after a restart; `berth
// registry gc` removes what no manifest refers to (and `--dry-run` removes nothing), and
// refuses to run while a server uses the root.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/env.js';
import { CLI_JS, makeBusyboxLayout, skopeo, startRegistry } from './registry-fixtures.js';

const run = promisify(execFile);
const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blobFile = (root: string, d: string): string => join(root, 'blobs', 'sha256', d.slice(7, 9), d.slice(7));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

test('a server killed mid-upload leaves no partial blob; the upload resumes after a restart', async (t) => {
  const dir = tempDir(t, 'berth-reg-crash-');
  const root = join(dir, 'root');
  const reg = await startRegistry(t, root);
  const data = Buffer.alloc(8 << 20);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i * 2654435761 >>> 0, i);
  const loc = (await fetch(`${reg.url}/v2/crash/blobs/uploads/`, { method: 'POST' })).headers.get('location')!;
  const id = loc.split('/').pop()!;
  const { hostname, port } = new URL(reg.url);
  // Send 3 MiB of an 8 MiB chunk, wait until the server has written some, then kill it.
  const req = request({ hostname, port, path: loc, method: 'PATCH', headers: { 'Content-Length': data.length } });
  req.on('error', () => undefined);
  req.write(data.subarray(0, 3 << 20));
  const staged = join(root, 'uploads', id, 'data');
  for (let i = 0; i < 200 && (await sizeOf(staged)) === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await reg.kill9();
  req.destroy();
  assert.deepEqual(filesUnder(join(root, 'blobs')), [], 'no blob visible');
  assert.ok(existsSync(staged), 'the staged upload is kept');

  const again = await startRegistry(t, root);
  const status = await fetch(again.url + loc);
  assert.equal(status.status, 204);
  const have = Number(status.headers.get('range')!.split('-')[1]) + 1;
  assert.ok(have > 0 && have <= 3 << 20, `resumes from ${have}`);
  const rest = await fetch(again.url + loc, { method: 'PATCH', headers: { 'Content-Range': `${have}-${data.length - 1}` }, body: data.subarray(have) });
  assert.equal(rest.status, 202);
  const put = await fetch(`${again.url}${loc}?digest=${sha(data)}`, { method: 'PUT' });
  assert.equal(put.status, 201, await put.text());
  assert.deepEqual(Buffer.from(await (await fetch(`${again.url}/v2/crash/blobs/${sha(data)}`)).arrayBuffer()), data);
});

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

test('gc removes unreferenced blobs, --dry-run only lists them, and gc waits for no server', async (t) => {
  const dir = tempDir(t, 'berth-reg-gc-');
  const root = join(dir, 'root');
  const reg = await startRegistry(t, root);
  const kept = await makeBusyboxLayout(join(dir, 'kept'), 'v1', 'kept');
  const dropped = await makeBusyboxLayout(join(dir, 'dropped'), 'v1', 'dropped');
  await skopeo(dir, ['copy', '--dest-tls-verify=false', `oci:${join(dir, 'kept')}:v1`, `docker://${reg.hostPort}/gc/kept:v1`]);
  await skopeo(dir, ['copy', '--dest-tls-verify=false', `oci:${join(dir, 'dropped')}:v1`, `docker://${reg.hostPort}/gc/dropped:v1`]);
  const orphan = Buffer.from('pushed but never named by a manifest');
  assert.equal((await fetch(`${reg.url}/v2/gc/kept/blobs/uploads/?digest=${sha(orphan)}`, { method: 'POST', body: orphan })).status, 201);
  assert.equal((await fetch(`${reg.url}/v2/gc/dropped/manifests/${dropped.manifestDigest}`, { method: 'DELETE' })).status, 202);

  await assert.rejects(run(CLI_JS, ['registry', 'gc', '--root', root]), /in use by another berth registry process/);
  await reg.stop();

  const unreferenced = [sha(orphan), dropped.manifestDigest, dropped.layerDigest, dropped.configDigest];
  const dry = await run(CLI_JS, ['registry', 'gc', '--dry-run', '--root', root]);
  for (const d of unreferenced) assert.match(dry.stdout, new RegExp(`would remove blob ${d}`));
  for (const d of unreferenced) assert.ok(existsSync(blobFile(root, d)), `dry run kept ${d}`);
  const real = await run(CLI_JS, ['registry', 'gc', '--root', root]);
  assert.match(real.stdout, /removed 4 blobs/);
  for (const d of unreferenced) assert.ok(!existsSync(blobFile(root, d)), `removed ${d}`);
  for (const d of [kept.manifestDigest, kept.layerDigest, kept.configDigest]) assert.ok(existsSync(blobFile(root, d)), `kept ${d}`);

  const after = await startRegistry(t, root);
  await skopeo(dir, ['copy', '--src-tls-verify=false', `docker://${after.hostPort}/gc/kept:v1`, `oci:${join(dir, 'out')}:v1`]);
  assert.equal((await fetch(`${after.url}/v2/gc/kept/blobs/${sha(orphan)}`, { method: 'HEAD' })).status, 404);
});
