import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sha256Digest, type Digest } from '../../core/digest.js';
import { tempDir } from '../../../test/helpers/env.js';
import { contentStoreSuite } from '../testsuite.js';
import { LocalContentStore } from './local-content-store.js';

contentStoreSuite('local', async (root) => {
  const store = await LocalContentStore.open(root);
  return { store, reopen: () => LocalContentStore.open(root) };
});

function ingestDir(root: string, ref: string): string {
  return join(root, 'ingest', createHash('sha256').update(ref).digest('hex'));
}

/** Makes an ingest look last written `ageMs` ago. */
function age(dir: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  if (existsSync(join(dir, 'updatedat'))) writeFileSync(join(dir, 'updatedat'), then.toISOString());
  for (const name of readdirSync(dir)) utimesSync(join(dir, name), then, then);
  utimesSync(dir, then, then);
}

describe('LocalContentStore', () => {
  it("writes containerd's layout: ingest files, then a read-only blob and a labels file", async (t) => {
    const root = join(tempDir(t), 'a', 'b');
    const store = await LocalContentStore.open(root);
    const data = Buffer.from('layout bytes');
    const d = sha256Digest(data);
    const hex = d.slice('sha256:'.length);

    const w = await store.writer('layout-ref', { expected: { mediaType: 'x', digest: d, size: data.length } });
    await w.write(data);
    const ingest = ingestDir(root, 'layout-ref');
    assert.deepEqual(readdirSync(ingest).sort(), ['data', 'expected', 'ref', 'startedat', 'total', 'updatedat']);
    assert.equal(readFileSync(join(ingest, 'ref'), 'utf8'), 'layout-ref');
    assert.equal(readFileSync(join(ingest, 'expected'), 'utf8'), d);
    assert.equal(readFileSync(join(ingest, 'total'), 'utf8'), String(data.length));
    assert.deepEqual(readFileSync(join(ingest, 'data')), data);
    assert.ok(!Number.isNaN(Date.parse(readFileSync(join(ingest, 'startedat'), 'utf8'))));
    assert.deepEqual(readdirSync(join(root, 'blobs', 'sha256')), [], 'nothing under blobs/ before commit');

    await w.commit({ labels: { 'containerd.io/gc.root': 'x' } });
    const blob = join(root, 'blobs', 'sha256', hex);
    assert.equal(statSync(blob).mode & 0o777, 0o444);
    assert.deepEqual(readFileSync(blob), data);
    assert.equal(existsSync(ingest), false);
    assert.deepEqual(readdirSync(join(root, 'ingest')), []);
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'labels', 'sha256', `${hex}.json`), 'utf8')), {
      'containerd.io/gc.root': 'x',
    });

    // No labels, no labels file.
    const w2 = await store.writer('no-labels');
    await w2.write(Buffer.from('plain'));
    const plain = await w2.commit();
    assert.equal(existsSync(join(root, 'labels', 'sha256', `${plain.slice(7)}.json`)), false);

    // An ingest opened without a descriptor has no total or expected file.
    const w3 = await store.writer('bare');
    assert.deepEqual(readdirSync(ingestDir(root, 'bare')).sort(), ['data', 'ref', 'startedat', 'updatedat']);
    await w3.close();
  });

  it('removes temp files left by a crash at open, and lists only digest names', async (t) => {
    const root = tempDir(t);
    const store = await LocalContentStore.open(root);
    const d = await commitBytes(store, 'kept', Buffer.from('kept'));
    mkdirSync(join(root, 'ingest', '.tmp-deadbeef'));
    writeFileSync(join(root, 'ingest', '.tmp-deadbeef', 'data'), 'x');
    writeFileSync(join(root, 'labels', 'sha256', '.tmp-abc.json-123'), '{');
    writeFileSync(join(root, 'blobs', 'sha256', '.tmp-partial'), 'x');
    writeFileSync(join(root, 'blobs', 'sha256', 'not-a-digest'), 'x');

    const reopened = await LocalContentStore.open(root);
    assert.deepEqual(readdirSync(join(root, 'ingest')), []);
    assert.deepEqual(readdirSync(join(root, 'labels', 'sha256')), []);
    assert.deepEqual(readdirSync(join(root, 'blobs', 'sha256')).sort(), [d.slice(7), 'not-a-digest'].sort());
    const listed = [];
    for await (const info of reopened.list()) listed.push(info.digest);
    assert.deepEqual(listed, [d]);
  });

  it('starts afresh from an ingest a crash left unusable', async (t) => {
    const root = tempDir(t);
    const store = await LocalContentStore.open(root);

    // Torn `expected` file: what the data was for is unknown.
    const w1 = await store.writer('torn', { expected: { mediaType: 'x', digest: sha256Digest('abcdef'), size: 6 } });
    await w1.write(Buffer.from('abc'));
    await w1.close();
    writeFileSync(join(ingestDir(root, 'torn'), 'expected'), 'sha256:12');
    await assert.rejects(store.status('torn'), { kind: 'not-found' });
    assert.deepEqual(await store.listStatuses(), []);
    const w2 = await store.writer('torn');
    assert.equal((await w2.status()).offset, 0);
    await w2.write(Buffer.from('abcdef'));
    assert.equal(await w2.commit(), sha256Digest('abcdef'));

    // A crash after the rename into blobs/ and before the ingest was removed: no data file.
    const w3 = await store.writer('renamed');
    await w3.write(Buffer.from('renamed data'));
    await w3.close();
    const dir = ingestDir(root, 'renamed');
    rmSync(join(dir, 'data'));
    await assert.rejects(store.status('renamed'), { kind: 'not-found' });
    const w4 = await store.writer('renamed');
    assert.equal((await w4.status()).offset, 0);
    await w4.close();

    // A torn timestamp is only informational: the data is kept.
    const w5 = await store.writer('torn-time');
    await w5.write(Buffer.from('12345'));
    await w5.close();
    writeFileSync(join(ingestDir(root, 'torn-time'), 'startedat'), '2024-');
    assert.equal((await store.status('torn-time')).offset, 5);
    const w6 = await store.writer('torn-time');
    assert.equal((await w6.status()).offset, 5);
    await w6.close();
  });

  it('cleanupIngests drops stale ingests, sparing live writers and kept refs', async (t) => {
    const root = tempDir(t);
    const store = await LocalContentStore.open(root);
    for (const ref of ['old', 'kept', 'fresh']) {
      const w = await store.writer(ref);
      await w.write(Buffer.from(ref));
      await w.close();
    }
    const live = await store.writer('live');
    await live.write(Buffer.from('live'));
    for (const ref of ['old', 'kept', 'live']) age(ingestDir(root, ref), 3_600_000);
    const broken = join(root, 'ingest', 'f'.repeat(64));
    mkdirSync(broken);
    age(broken, 3_600_000);
    mkdirSync(join(root, 'ingest', '.tmp-left-by-abort'));

    const removed = await store.cleanupIngests(60_000, (ref) => ref === 'kept');
    assert.deepEqual(removed, ['old']);
    const refs = (await store.listStatuses()).map((s) => s.ref).sort();
    assert.deepEqual(refs, ['fresh', 'kept', 'live']);
    assert.equal(existsSync(broken), false);
    assert.equal(existsSync(join(root, 'ingest', '.tmp-left-by-abort')), false);

    // The live writer still works.
    await live.write(Buffer.from('!'));
    assert.equal(await live.commit(), sha256Digest('live!'));
  });

  it('creates the blob read-only even when rewritten content arrives through resume', async (t) => {
    const root = tempDir(t);
    const store = await LocalContentStore.open(root);
    const w1 = await store.writer('ro');
    await w1.write(Buffer.from('first half, '));
    await w1.close();
    const w2 = await store.writer('ro');
    await w2.write(Buffer.from('second half'));
    const d = await w2.commit();
    assert.equal(d, sha256Digest('first half, second half'));
    assert.equal(statSync(join(root, 'blobs', 'sha256', d.slice(7))).mode & 0o777, 0o444);
  });
});

async function commitBytes(store: LocalContentStore, ref: string, data: Buffer): Promise<Digest> {
  const w = await store.writer(ref);
  await w.write(data);
  return w.commit();
}
