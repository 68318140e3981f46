// Loading OCI image layouts (index.json, no manifest.json): platform selection in nested
// indexes, names from annotations, gzip layers, and our own save read back as a layout.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type TarEntrySpec, makeTar, sha256 } from '../helpers/archives.js';
import { api, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const TAR = { 'Content-Type': 'application/x-tar' };

function blob(entries: TarEntrySpec[], data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  const name = `blobs/sha256/${digest.slice(7)}`;
  if (!entries.some((e) => e.name === name)) entries.push({ name, data });
  return { digest, size: data.length };
}

test('OCI image layouts load: platform picked from an index, names from annotations', { skip: needsRoot() }, async (t) => {
  const d = await startDaemon(t);
  const entries: TarEntrySpec[] = [{ name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }];

  const layerFor = async (arch: string): Promise<{ plain: Buffer; gz: Buffer }> => {
    const plain = await makeTar([{ name: 'arch', data: `${arch}\n` }]);
    return { plain, gz: gzipSync(plain) };
  };
  const manifests = [];
  for (const arch of ['arm64', 'amd64']) {
    const layer = await layerFor(arch);
    const l = blob(entries, layer.gz);
    const config = Buffer.from(
      JSON.stringify({ architecture: arch, os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [sha256(layer.plain)] } }),
    );
    const c = blob(entries, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...c },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l }],
      }),
    );
    const m = blob(entries, manifest);
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, platform: { os: 'linux', architecture: arch } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const idx = blob(entries, index);
  entries.push({
    name: 'index.json',
    data: JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          ...idx,
          annotations: { 'io.containerd.image.name': 'registry.local:5000/team/multi:2.0', 'org.opencontainers.image.ref.name': '2.0' },
        },
      ],
    }),
  });

  const res = await api(d, 'POST', '/images/load', { body: await makeTar(entries), headers: TAR });
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /Loaded image: registry\.local:5000\/team\/multi:2\.0/);
  const img = (await api(d, 'GET', '/images/registry.local:5000/team/multi:2.0/json')).json<{ Architecture: string }>();
  assert.equal(img.Architecture, 'amd64', 'the host platform was not chosen from the index');

  // Our own save, read back through its OCI layout alone.
  const saved = await api(d, 'GET', '/images/registry.local:5000/team/multi:2.0/get');
  assert.equal(saved.status, 200);
  const { extractEntries } = await import('../helpers/tar-read.js');
  const files = (await extractEntries(saved.body)).filter((e) => e.name !== 'manifest.json');
  assert.ok(files.some((e) => e.name === 'index.json'));
  await api(d, 'DELETE', '/images/registry.local:5000/team/multi:2.0');
  const again = await api(d, 'POST', '/images/load', { body: await makeTar(files), headers: TAR });
  assert.equal(again.status, 200, again.text);
  assert.match(again.text, /Loaded image: registry\.local:5000\/team\/multi:2\.0/);

  // A blob whose name is not its digest is refused: the layout is forged or corrupt.
  const forged = entries.map((e) => (e.name === `blobs/sha256/${idx.digest.slice(7)}` ? { ...e, data: Buffer.concat([index, Buffer.from(' ')]) } : e));
  const bad = await api(d, 'POST', '/images/load', { body: await makeTar(forged), headers: TAR });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.json<{ message: string }>().message, /has digest/);
});
