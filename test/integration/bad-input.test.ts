// Hostile and broken input against a real daemon: each case gets Docker's words and status,
// writes nothing outside the data root, leaves no partial image or blob, and the daemon keeps
// serving.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type TarEntrySpec, makeDockerArchive, makeTar } from '../helpers/archives.js';
import { type TestDaemon, api, ping, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const TAR = { 'Content-Type': 'application/x-tar' };

function blobs(d: TestDaemon): string[] {
  const dir = join(d.dataRoot, 'content', 'blobs', 'sha256');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

async function imageIds(d: TestDaemon): Promise<string[]> {
  const res = await api(d, 'GET', '/images/json?all=1');
  return res.json<{ Id: string }[]>().map((i) => i.Id).sort();
}

/** Waits for the collector that runs after a failed load to finish. */
async function settled(d: TestDaemon, expectBlobs: string[]): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (JSON.stringify(blobs(d)) === JSON.stringify(expectBlobs)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(blobs(d), expectBlobs, 'blobs of a failed load were not collected');
}

async function loadExpectingError(d: TestDaemon, archive: Buffer, status: number, message: RegExp): Promise<void> {
  const beforeImages = await imageIds(d);
  const beforeBlobs = blobs(d);
  const res = await api(d, 'POST', '/images/load?quiet=1', { body: archive, headers: TAR });
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.match(res.json<{ message: string }>().message, message);
  assert.ok(await ping(d.socket), 'daemon stopped serving');
  assert.deepEqual(await imageIds(d), beforeImages, 'a partial image became visible');
  await settled(d, beforeBlobs);
}

function layerWith(entries: TarEntrySpec[]): Promise<Buffer> {
  return makeTar(entries);
}

describe('bad input', { skip: needsRoot() }, () => {
  let d: TestDaemon;
  const outside = join('/tmp', `berth-outside-${randomBytes(4).toString('hex')}`);

  test('runs every case against one daemon', async (t) => {
    d = await startDaemon(t);
    mkdirSync(outside, { recursive: true });
    t.after(() => rmSync(outside, { recursive: true, force: true }));
    const good = await layerWith([{ name: 'hello', data: 'hi\n' }]);

    await t.test('truncated archive', async () => {
      const archive = await makeDockerArchive([{ layers: [good], repoTags: ['trunc:1'] }]);
      await loadExpectingError(d, archive.subarray(0, 1500), 400, /unexpected EOF/);
    });

    await t.test('gzip garbage', async () => {
      const bad = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(4096)]);
      await loadExpectingError(d, bad, 400, /gzip|unexpected EOF/);
    });

    await t.test('not a tar at all', async () => {
      await loadExpectingError(d, randomBytes(8192), 400, /invalid tar header|unexpected EOF|neither manifest/);
    });

    await t.test('malformed manifest.json', async () => {
      const archive = await makeTar([{ name: 'manifest.json', data: '[{"Config": ' }]);
      await loadExpectingError(d, archive, 400, /manifest\.json/);
    });

    await t.test('layer whose digest does not match the config', async () => {
      const archive = await makeDockerArchive([
        { layers: [good], diffIds: [`sha256:${'0'.repeat(64)}`], repoTags: ['mismatch:1'] },
      ]);
      await loadExpectingError(d, archive, 400, /does not match its diff ID/);
    });

    await t.test('entry escaping with ..', async () => {
      const name = `../../../../../../../..${outside}/dotdot`;
      const layer = await layerWith([{ name, data: 'pwned' }]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['dotdot:1'] }]);
      await loadExpectingError(d, archive, 400, /outside of the layer root/);
      assert.equal(existsSync(join(outside, 'dotdot')), false);
    });

    await t.test('absolute entry name lands inside the layer', async () => {
      const marker = `berth-abs-${randomBytes(4).toString('hex')}`;
      const layer = await layerWith([{ name: `/${marker}`, data: 'inside' }]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['abs:1'] }]);
      const res = await api(d, 'POST', '/images/load?quiet=1', { body: archive, headers: TAR });
      assert.equal(res.status, 200, res.text);
      assert.equal(existsSync(`/${marker}`), false, 'written to the host root');
      const snapshots = join(d.dataRoot, 'snapshots', 'snapshots');
      const found = readdirSync(snapshots).some((id) => existsSync(join(snapshots, id, 'fs', marker)));
      assert.ok(found, 'the file is not in any snapshot');
      assert.equal((await api(d, 'DELETE', '/images/abs:1')).status, 200);
    });

    await t.test('write through a symlink to the host', async () => {
      const layer = await layerWith([
        { name: 'evil', type: 'symlink', linkname: outside },
        { name: 'evil/pwned', data: 'pwned' },
      ]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['symlink:1'] }]);
      const res = await api(d, 'POST', '/images/load?quiet=1', { body: archive, headers: TAR });
      // Either refused or resolved inside the layer; never written on the host.
      assert.ok(res.status === 200 || res.status === 400, res.text);
      assert.equal(existsSync(join(outside, 'pwned')), false, 'written through the symlink');
      if (res.status === 200) await api(d, 'DELETE', '/images/symlink:1');
      assert.ok(await ping(d.socket));
    });

    await t.test('relative symlink escaping the layer', async () => {
      const layer = await layerWith([{ name: 'up', type: 'symlink', linkname: '../../../../../../../../etc' }]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['relsym:1'] }]);
      await loadExpectingError(d, archive, 400, /invalid symlink/);
    });

    await t.test('hardlink pointing outside the layer', async () => {
      const layer = await layerWith([{ name: 'hl', type: 'link', linkname: '../../../../../../../etc/passwd' }]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['hardlink:1'] }]);
      await loadExpectingError(d, archive, 400, /invalid hardlink/);
    });

    await t.test('whiteout device node in a layer', async () => {
      const layer = await layerWith([{ name: 'dev0', type: 'character-device', devmajor: 0, devminor: 0 }]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['device:1'] }]);
      await loadExpectingError(d, archive, 400, /invalid device node/);
    });

    await t.test('gzip-compressed layer inside an archive loads', async () => {
      const archive = await makeDockerArchive([{ layers: [good], repoTags: ['gz:1'], gzipLayers: true }]);
      const res = await api(d, 'POST', '/images/load?quiet=1', { body: gzipSync(archive), headers: TAR });
      assert.equal(res.status, 200, res.text);
      assert.equal((await api(d, 'DELETE', '/images/gz:1')).status, 200);
    });

    await t.test('unknown image', async () => {
      const res = await api(d, 'GET', '/images/nosuchimage/json');
      assert.equal(res.status, 404);
      assert.equal(res.json<{ message: string }>().message, 'No such image: nosuchimage:latest');
      const rm = await api(d, 'DELETE', '/images/nosuchimage:v2');
      assert.equal(rm.status, 404);
      assert.equal(rm.json<{ message: string }>().message, 'No such image: nosuchimage:v2');
    });

    await t.test('malformed references', async () => {
      const upper = await api(d, 'GET', '/images/Busybox/json');
      assert.equal(upper.status, 400);
      assert.match(upper.json<{ message: string }>().message, /invalid reference format/);
      const bad = await api(d, 'GET', '/images/a@@b/json');
      assert.equal(bad.status, 400);
      assert.match(bad.json<{ message: string }>().message, /invalid reference format/);
    });

    await t.test('malformed JSON body', async () => {
      const res = await api(d, 'POST', '/images/prune', { body: '{"bad', headers: { 'Content-Type': 'application/json' } });
      assert.equal(res.status, 400);
      assert.match(res.json<{ message: string }>().message, /invalid JSON/);
    });

    await t.test('import of garbage', async () => {
      const before = await imageIds(d);
      const res = await api(d, 'POST', '/images/create?fromSrc=-&repo=garbage', { body: randomBytes(3000), headers: TAR });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(await imageIds(d), before);
      assert.ok(await ping(d.socket));
    });

    await t.test('cut and corrupted archives and tarballs never get a 5xx', async () => {
      const layer = await layerWith([{ name: 'a/', type: 'directory' }, { name: 'a/b', data: randomBytes(20_000) }]);
      const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['fuzz:1'] }]);
      const inputs = [archive, gzipSync(archive)];
      for (let i = 0; i < 40; i++) {
        const base = inputs[i % 2]!;
        const bad = Buffer.from(base.subarray(0, 1 + Math.floor(Math.random() * (base.length - 1))));
        for (let k = 0; i % 4 >= 2 && k < 8; k++) {
          const at = Math.floor(Math.random() * bad.length);
          bad[at] = (bad[at] ?? 0) ^ 0xff;
        }
        const path = i % 3 === 0 ? '/images/create?fromSrc=-&repo=fuzz&tag=i' : '/images/load?quiet=1';
        const res = await api(d, 'POST', path, { body: bad, headers: TAR });
        assert.ok(res.status === 200 || res.status === 400, `status ${res.status}: ${res.text}`);
      }
      assert.ok(await ping(d.socket));
      await api(d, 'DELETE', '/images/fuzz:1?force=1');
      await api(d, 'DELETE', '/images/fuzz:i?force=1');
    });

    // Nothing outside the data root: the sentinel directory stayed empty throughout.
    assert.deepEqual(readdirSync(outside), []);
  });
});
