// kill -9 of berthd in the middle of `load`, at several points: the next start must open a
// store with no partial image, no corrupt blob, no half-made snapshot, and load must work again.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDockerArchive, randomLayer } from '../helpers/archives.js';
import { type TestDaemon, api, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const MB = 1 << 20;

/** Streams `archive` into POST /images/load; `onProgress` sees each response line. */
function startLoad(
  d: TestDaemon,
  archive: Buffer,
  opts: { stopAfterBytes?: number; onLine?: (line: string) => void },
): { sent: Promise<void>; done: Promise<void> } {
  let resolveSent!: () => void;
  const sent = new Promise<void>((r) => {
    resolveSent = r;
  });
  const done = new Promise<void>((resolve) => {
    const req = request(
      { socketPath: d.socket, method: 'POST', path: '/images/load', headers: { 'Content-Type': 'application/x-tar' } },
      (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            opts.onLine?.(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
        });
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      },
    );
    req.on('error', () => resolve());
    const limit = opts.stopAfterBytes ?? archive.length;
    let off = 0;
    const pump = (): void => {
      while (off < limit) {
        const end = Math.min(limit, off + MB);
        const more = req.write(archive.subarray(off, end));
        off = end;
        if (!more) {
          req.once('drain', pump);
          return;
        }
      }
      resolveSent();
      if (limit === archive.length) req.end();
    };
    pump();
  });
  return { sent, done };
}

function checkStore(d: TestDaemon): void {
  const blobDir = join(d.dataRoot, 'content', 'blobs', 'sha256');
  for (const name of existsSync(blobDir) ? readdirSync(blobDir) : []) {
    const hex = createHash('sha256').update(readFileSync(join(blobDir, name))).digest('hex');
    assert.equal(hex, name, `blob ${name} is corrupt`);
  }
  const ingest = join(d.dataRoot, 'content', 'ingest');
  assert.deepEqual(existsSync(ingest) ? readdirSync(ingest).filter((n) => !n.startsWith('.')) : [], [], 'ingests left');
  const metaDir = join(d.dataRoot, 'snapshots', 'metadata');
  for (const f of existsSync(metaDir) ? readdirSync(metaDir).filter((n) => n.endsWith('.json')) : []) {
    const meta = JSON.parse(readFileSync(join(metaDir, f), 'utf8')) as { name: string; kind: string };
    assert.equal(meta.kind, 'committed', `snapshot ${meta.name} is ${meta.kind} after restart`);
  }
}

async function images(d: TestDaemon): Promise<{ Id: string; RepoTags: string[] }[]> {
  return (await api(d, 'GET', '/images/json?all=1')).json();
}

test('kill -9 during load never leaves a partial image or a corrupt blob', { skip: needsRoot(), timeout: 300_000 }, async (t) => {
  const d = await startDaemon(t);
  const layers = [await randomLayer('a', 6, 4 * MB), await randomLayer('b', 6, 4 * MB), await randomLayer('c', 6, 4 * MB)];
  const archive = await makeDockerArchive([{ layers, repoTags: ['crash:1'] }]);

  const points: { name: string; run: () => Promise<void> }[] = [
    {
      name: 'during the upload',
      run: async () => {
        const l = startLoad(d, archive, { stopAfterBytes: Math.floor(archive.length / 3) });
        await l.sent;
        await new Promise((r) => setTimeout(r, 100));
        await d.kill9();
        await l.done;
      },
    },
    {
      name: 'at the first layer being unpacked',
      run: async () => {
        let killed: Promise<void> | undefined;
        const l = startLoad(d, archive, {
          onLine: (line) => {
            if (!killed && line.includes('Loading layer')) killed = d.kill9();
          },
        });
        await l.done;
        await killed;
        if (!killed) await d.kill9();
      },
    },
    {
      name: 'while the last layer is unpacked',
      run: async () => {
        let killed: Promise<void> | undefined;
        const ids = new Set<string>();
        const l = startLoad(d, archive, {
          onLine: (line) => {
            const m = /"id":"([a-f0-9]+)"/.exec(line);
            if (m) ids.add(m[1]!);
            if (!killed && ids.size === 3) killed = d.kill9();
          },
        });
        await l.done;
        await killed;
        if (!killed) await d.kill9();
      },
    },
    {
      name: 'right after the load answered',
      run: async () => {
        const l = startLoad(d, archive, {});
        await l.done;
        await d.kill9();
      },
    },
  ];

  for (const p of points) {
    await t.test(p.name, async () => {
      // Start from an empty store each time.
      for (const img of await images(d)) await api(d, 'DELETE', `/images/${img.Id}?force=1`);
      await p.run();
      await d.start();
      checkStore(d);
      const list = await images(d);
      assert.ok(list.length <= 1, 'more than one image');
      if (list.length === 1) {
        assert.deepEqual(list[0]?.RepoTags, ['crash:1']);
        const inspect = (await api(d, 'GET', '/images/crash:1/json')).json<{ RootFS: { Layers: string[] } }>();
        assert.equal(inspect.RootFS.Layers.length, 3);
        const saved = await api(d, 'GET', '/images/crash:1/get');
        assert.equal(saved.status, 200);
        assert.ok(saved.body.length > archive.length - MB, 'saved archive is short: a layer is missing');
      }
      // The store works: the same load succeeds now.
      const again = await api(d, 'POST', '/images/load?quiet=1', { body: archive, headers: { 'Content-Type': 'application/x-tar' } });
      assert.equal(again.status, 200, again.text);
      assert.match(again.text, /Loaded image: crash:1/);
      checkStore(d);
    });
  }
});
