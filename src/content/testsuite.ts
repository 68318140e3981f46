// The conformance suite for ContentStore. Every implementation runs the same cases, so engine
// code tested against MemoryContentStore can trust the result for LocalContentStore.
//
// Usage, in an implementation's test file:
//   contentStoreSuite('local', async (root) => {
//     const store = await LocalContentStore.open(root);
//     return { store, reopen: () => LocalContentStore.open(root) };
//   });
//
// Each case gets a fresh `root` inside a private temp dir. The suite puts a sentinel file beside
// `root` and checks that malformed digests neither find nor touch it.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Digest, type Digest } from '../core/digest.js';
import { isEngineError, type ErrorKind } from '../core/errors.js';
import type { Descriptor } from '../oci/descriptor.js';
import { tempDir } from '../../test/helpers/env.js';
import type { ContentInfo, ContentStore, ContentWriter } from './content-store.js';

export interface ContentStoreFixture {
  store: ContentStore;
  /**
   * Opens a second store on the same storage, as a restarted daemon would. Writers of `store`
   * that were neither committed nor closed then stand for a crash. Only persistent stores have it.
   */
  reopen?: () => Promise<ContentStore>;
}

export type ContentStoreFactory = (root: string) => Promise<ContentStoreFixture>;

const MiB = 1 << 20;

/** Strings a careless path join would turn into a path at or beside the store's root. */
const INVALID_DIGESTS = [
  '',
  'sha256',
  'sha256:',
  'sha256:abc',
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha256:${'A'.repeat(64)}`,
  `SHA256:${'a'.repeat(64)}`,
  ` sha256:${'a'.repeat(64)}`,
  `sha256:${'a'.repeat(64)}\n`,
  `md5:${'a'.repeat(32)}`,
  'sha256:../../../secret',
  `sha256:../../../secret${'a'.repeat(49)}`,
  `sha256:${'a'.repeat(64)}/../../../../secret`,
  'sha256:/etc/passwd',
  '../secret',
];

export function contentStoreSuite(name: string, factory: ContentStoreFactory): void {
  describe(`ContentStore conformance: ${name}`, () => {
    async function setup(t: TestContext): Promise<ContentStoreFixture & { dir: string; root: string }> {
      const dir = tempDir(t, 'berth-content-');
      const root = join(dir, 'store');
      return { dir, root, ...(await factory(root)) };
    }

    it('keeps a blob invisible until commit, then serves it', async (t) => {
      const { store } = await setup(t);
      const data = Buffer.from('hello, content store');
      const d = sha256Digest(data);
      const w = await store.writer('ref-1');
      assert.equal(w.ref, 'ref-1');
      await w.write(data.subarray(0, 5));
      assert.equal(w.digest(), sha256Digest(data.subarray(0, 5)));
      await w.write(data.subarray(5));
      assert.equal(w.digest(), d);
      assert.equal((await w.status()).offset, data.length);
      assert.equal((await store.status('ref-1')).offset, data.length);

      await expectError(store.info(d), 'not-found', /^content digest sha256:[a-f0-9]{64} not found$/);
      await expectError(store.open(d), 'not-found');
      assert.deepEqual(await listAll(store), []);

      assert.equal(await w.commit({ size: data.length, expected: d }), d);
      assert.equal(w.digest(), d);
      const info = await store.info(d);
      assert.equal(info.digest, d);
      assert.equal(info.size, data.length);
      assert.deepEqual(info.labels, {});
      assert.ok(info.createdAt instanceof Date && info.updatedAt instanceof Date);
      assert.ok(info.updatedAt.getTime() >= info.createdAt.getTime());

      const reader = await store.open(d);
      assert.equal(reader.size, data.length);
      assert.deepEqual(await reader.readAll(), data);
      assert.deepEqual(await readStream(reader.stream()), data);

      await expectError(store.status('ref-1'), 'not-found', /^ingest ref ref-1 not found$/);
      assert.deepEqual(await store.listStatuses(), []);
    });

    it('commits without expectations, and commits an empty blob', async (t) => {
      const { store } = await setup(t);
      const w = await store.writer('no-expectations');
      await w.write(Buffer.from('abc'));
      assert.equal(await w.commit(), sha256Digest('abc'));

      const empty = await store.writer('empty', { expected: descriptorOf(Buffer.alloc(0)) });
      assert.equal(await empty.commit(), sha256Digest(''));
      const reader = await store.open(sha256Digest(''));
      assert.equal(reader.size, 0);
      assert.deepEqual(await reader.readAll(), Buffer.alloc(0));
      assert.deepEqual(await readStream(reader.stream()), Buffer.alloc(0));
    });

    it('streams byte ranges with an inclusive end', async (t) => {
      const { store } = await setup(t);
      const small = Buffer.from('0123456789');
      const reader = await store.open(await writeBlob(store, 'small', small));
      const cases: Array<[{ start: number; end?: number } | undefined, string]> = [
        [undefined, '0123456789'],
        [{ start: 0, end: 0 }, '0'],
        [{ start: 2, end: 5 }, '2345'],
        [{ start: 7 }, '789'],
        [{ start: 8, end: 100 }, '89'],
        [{ start: 9, end: 9 }, '9'],
        [{ start: 10 }, ''],
      ];
      for (const [range, want] of cases) {
        assert.equal((await readStream(reader.stream(range))).toString(), want, JSON.stringify(range));
      }
      for (const bad of [{ start: -1 }, { start: 11 }, { start: 5, end: 4 }, { start: 1.5 }, { start: 0, end: Number.NaN }]) {
        expectSyncError(() => reader.stream(bad), 'invalid-argument');
      }

      // A range across the stores' internal read size.
      const big = randomBytes(3 * MiB + 17);
      const bigReader = await store.open(await writeBlob(store, 'big', big));
      const start = MiB - 3;
      const end = 2 * MiB + 5;
      assert.deepEqual(await readStream(bigReader.stream({ start, end })), big.subarray(start, end + 1));
      assert.deepEqual(await readStream(bigReader.stream({ start: 2 * MiB })), big.subarray(2 * MiB));
    });

    it('rejects a commit with the wrong digest as data-loss and drops the ingest', async (t) => {
      const { store } = await setup(t);
      const data = Buffer.from('the real bytes');
      const d = sha256Digest(data);
      const wrong = sha256Digest('other bytes');
      const w = await store.writer('bad-digest');
      await w.write(data);
      await expectError(
        w.commit({ expected: wrong }),
        'data-loss',
        new RegExp(`^unexpected commit digest ${d}, expected ${wrong}: failed precondition$`),
      );
      await expectNothingStored(store, [d, wrong], 'bad-digest');
      await expectError(w.write(data), 'conflict');
      // The ref is free again and starts from nothing.
      const again = await store.writer('bad-digest');
      assert.equal((await again.status()).offset, 0);
      await again.close();
    });

    it('rejects a commit with the wrong size as data-loss and drops the ingest', async (t) => {
      const { store } = await setup(t);
      const data = Buffer.from('twelve bytes');
      const w = await store.writer('bad-size');
      await w.write(data);
      await expectError(w.commit({ size: 13 }), 'data-loss', /^unexpected commit size 12, expected 13$/);
      await expectNothingStored(store, [sha256Digest(data)], 'bad-size');
    });

    it("checks a commit against the writer's expected descriptor by default", async (t) => {
      const { store } = await setup(t);
      const data = Buffer.from('expected by descriptor');
      const d = sha256Digest(data);
      const wrong = sha256Digest('not these bytes');

      const w1 = await store.writer('desc-digest', { expected: { ...descriptorOf(data), digest: wrong } });
      await w1.write(data);
      await expectError(w1.commit(), 'data-loss', new RegExp(`^unexpected commit digest ${d}, expected ${wrong}`));

      const w2 = await store.writer('desc-size', { expected: { ...descriptorOf(data), size: data.length + 1 } });
      await w2.write(data);
      await expectError(w2.commit(), 'data-loss', /^unexpected commit size 22, expected 23$/);
      await expectNothingStored(store, [d, wrong], 'desc-digest');

      // Explicit commit arguments win over the descriptor.
      const w3 = await store.writer('desc-override', { expected: { ...descriptorOf(data), digest: wrong } });
      await w3.write(data);
      assert.equal(await w3.commit({ size: data.length, expected: d }), d);
    });

    it('answers already-exists on a second commit and on writer() with a present digest', async (t) => {
      const { store } = await setup(t);
      const data = Buffer.from('present twice');
      const d = await writeBlob(store, 'first', data, { labels: { keep: 'me' } });

      const second = await store.writer('second');
      await second.write(data);
      await expectError(second.commit(), 'already-exists', new RegExp(`^content ${d} already exists$`));
      await expectError(store.status('second'), 'not-found');
      assert.deepEqual(await (await store.open(d)).readAll(), data);
      assert.deepEqual((await store.info(d)).labels, { keep: 'me' });

      await expectError(store.writer('third', { expected: descriptorOf(data) }), 'already-exists', new RegExp(`^content ${d} already exists$`));
      await expectError(store.status('third'), 'not-found');
      // The failed writer() did not keep the ref locked.
      const third = await store.writer('third');
      await third.close();
    });

    it('resumes an ingest after close at status().offset', async (t) => {
      const { store } = await setup(t);
      const data = randomBytes(300_000);
      const d = sha256Digest(data);
      const w1 = await store.writer('resume', { expected: descriptorOf(data) });
      await w1.write(data.subarray(0, 100_000));
      await w1.write(data.subarray(100_000, 123_456));
      await w1.close();
      await w1.close();

      const st = await store.status('resume');
      assert.equal(st.ref, 'resume');
      assert.equal(st.offset, 123_456);
      assert.equal(st.total, data.length);
      assert.equal(st.expected, d);
      assert.ok(st.updatedAt.getTime() >= st.startedAt.getTime());
      assert.ok((await store.listStatuses()).some((s) => s.ref === 'resume' && s.offset === 123_456));

      // Resumed without a descriptor: the one given first still applies.
      const w2 = await store.writer('resume');
      const st2 = await w2.status();
      assert.equal(st2.offset, 123_456);
      assert.equal(st2.expected, d);
      assert.equal(st2.total, data.length);
      assert.equal(st2.startedAt.getTime(), st.startedAt.getTime());
      assert.equal(w2.digest(), sha256Digest(data.subarray(0, 123_456)));
      await w2.write(data.subarray(st2.offset));
      assert.equal(await w2.commit(), d);
      assert.deepEqual(await (await store.open(d)).readAll(), data);
    });

    it('starts an ingest afresh when it is reopened for other content', async (t) => {
      const { store } = await setup(t);
      const a = Buffer.from('content A, partly written');
      const b = Buffer.from('content B');
      const w1 = await store.writer('switch', { expected: descriptorOf(a) });
      await w1.write(a.subarray(0, 10));
      await w1.close();
      const w2 = await store.writer('switch', { expected: descriptorOf(b) });
      assert.equal((await w2.status()).offset, 0);
      await w2.write(b);
      assert.equal(await w2.commit(), sha256Digest(b));

      // Written data longer than the new expected size cannot be a prefix of it.
      const w3 = await store.writer('too-long');
      await w3.write(a);
      await w3.close();
      const w4 = await store.writer('too-long', { expected: descriptorOf(Buffer.from('short')) });
      assert.equal((await w4.status()).offset, 0);
      await w4.close();
    });

    it('resumes an ingest left by a crash in a new store instance', async (t) => {
      const { store, reopen } = await setup(t);
      if (reopen === undefined) {
        t.skip('the store does not persist, so it has no crash case');
        return;
      }
      const data = randomBytes(2 * MiB + 5);
      const d = sha256Digest(data);
      const crashed = await store.writer('crash', { expected: descriptorOf(data) });
      await crashed.write(data.subarray(0, MiB));
      await crashed.write(data.subarray(MiB, MiB + 1000));
      // Neither committed nor closed: the process "died" here.

      const after = await reopen();
      const st = await after.status('crash');
      assert.equal(st.offset, MiB + 1000);
      assert.equal(st.expected, d);
      const w = await after.writer('crash');
      assert.equal((await w.status()).offset, MiB + 1000);
      await w.write(data.subarray(MiB + 1000));
      assert.equal(await w.commit(), d);
      assert.equal((await after.info(d)).size, data.length);
      assert.deepEqual(await (await after.open(d)).readAll(), data);
      assert.deepEqual(await after.listStatuses(), []);
      // Release the dead writer's file handle; its ingest no longer exists.
      await crashed.close().catch(() => undefined);
    });

    it('keeps committed blobs and labels across a restart', async (t) => {
      const { store, reopen } = await setup(t);
      if (reopen === undefined) {
        t.skip('the store does not persist');
        return;
      }
      const data = Buffer.from('durable');
      const d = await writeBlob(store, 'durable', data, { labels: { 'gc.root': 'yes' } });
      const after = await reopen();
      const info = await after.info(d);
      assert.equal(info.size, data.length);
      assert.deepEqual(info.labels, { 'gc.root': 'yes' });
      assert.deepEqual((await listAll(after)).map((i) => i.digest), [d]);
    });

    it('refuses a second live writer on one ref', async (t) => {
      const { store } = await setup(t);
      const w1 = await store.writer('locked');
      await expectError(store.writer('locked'), 'unavailable', /^ref locked locked$/);

      const raced = await Promise.allSettled([store.writer('race'), store.writer('race')]);
      const won = raced.filter((r): r is PromiseFulfilledResult<ContentWriter> => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      const lost = raced.find((r) => r.status === 'rejected');
      assert.ok(lost !== undefined && isEngineError(lost.reason) && lost.reason.kind === 'unavailable');

      await w1.close();
      const w2 = await store.writer('locked');
      await w2.write(Buffer.from('x'));
      await w2.commit();
      // A commit releases the ref too.
      const w3 = await store.writer('locked');
      await w3.close();
      await won[0]?.value.close();
    });

    it('aborts ingests, stopping a live writer', async (t) => {
      const { store } = await setup(t);
      const w = await store.writer('to-abort');
      await w.write(Buffer.from('partial'));
      await w.close();
      await store.abort('to-abort');
      await expectError(store.status('to-abort'), 'not-found');
      assert.deepEqual(await store.listStatuses(), []);
      await expectError(store.abort('to-abort'), 'not-found', /^ingest ref to-abort not found$/);
      await expectError(store.abort('never-started'), 'not-found');

      const live = await store.writer('live');
      await live.write(Buffer.from('live bytes'));
      await store.abort('live');
      await expectError(live.write(Buffer.from('more')), 'canceled');
      await expectError(live.commit(), 'canceled');
      await live.close();
      const fresh = await store.writer('live');
      assert.equal((await fresh.status()).offset, 0);
      await fresh.close();
      assert.deepEqual(await listAll(store), []);
    });

    it('deletes blobs with their labels; open readers then see not-found', async (t) => {
      const { store } = await setup(t);
      const data = Buffer.from('to be deleted');
      const d = await writeBlob(store, 'del', data, { labels: { a: 'b' } });
      const reader = await store.open(d);
      await store.delete(d);
      await expectError(store.info(d), 'not-found');
      await expectError(store.open(d), 'not-found');
      await expectError(store.delete(d), 'not-found', new RegExp(`^content digest ${d} not found$`));
      await expectError(reader.readAll(), 'not-found');
      await expectError(readStream(reader.stream()), 'not-found');
      assert.deepEqual(await listAll(store), []);

      // The same bytes committed again are a new blob: the old labels are gone.
      await writeBlob(store, 'del-again', data);
      assert.deepEqual((await store.info(d)).labels, {});
    });

    it('lists committed blobs only', async (t) => {
      const { store } = await setup(t);
      const blobs = [Buffer.from('one'), Buffer.from('two two'), Buffer.alloc(70_000, 3)];
      for (const [i, b] of blobs.entries()) await writeBlob(store, `list-${i}`, b);
      const pending = await store.writer('pending');
      await pending.write(Buffer.from('not committed'));
      const listed = (await listAll(store)).sort((x, y) => x.digest.localeCompare(y.digest));
      const want = blobs
        .map((b) => ({ digest: sha256Digest(b), size: b.length }))
        .sort((x, y) => x.digest.localeCompare(y.digest));
      assert.deepEqual(
        listed.map((i) => ({ digest: i.digest, size: i.size })),
        want,
      );
      await pending.close();
    });

    it('updates labels as a whole or by field path', async (t) => {
      const { store } = await setup(t);
      const d = await writeBlob(store, 'labels', Buffer.from('labelled'), { labels: { a: '1', b: '2', empty: '' } });
      const info = await store.info(d);
      assert.deepEqual(info.labels, { a: '1', b: '2' });

      await sleep(20);
      let next = await store.update({ ...info, labels: { c: '3' } });
      assert.deepEqual(next.labels, { c: '3' });
      assert.ok(next.updatedAt.getTime() > info.updatedAt.getTime());
      assert.equal(next.createdAt.getTime(), info.createdAt.getTime());
      assert.deepEqual((await store.info(d)).labels, { c: '3' });

      next = await store.update({ ...info, labels: { d: '4', c: 'ignored' } }, ['labels.d']);
      assert.deepEqual(next.labels, { c: '3', d: '4' });
      next = await store.update({ ...info, labels: {} }, ['labels.c']);
      assert.deepEqual(next.labels, { d: '4' });
      next = await store.update({ ...info, labels: { e: '5' } }, ['labels']);
      assert.deepEqual(next.labels, { e: '5' });
      assert.deepEqual((await store.info(d)).labels, { e: '5' });

      await expectError(store.update(info, ['size']), 'invalid-argument', /cannot update "size" field/);
      await expectError(store.update({ ...info, labels: { '': 'x' } }), 'invalid-argument');
      await expectError(store.update({ ...info, labels: { big: 'x'.repeat(5000) } }), 'invalid-argument');
      await expectError(store.update({ ...info, digest: sha256Digest('absent') }), 'not-found');
      assert.deepEqual((await store.info(d)).labels, { e: '5' });
    });

    it('rejects malformed digests before touching storage', async (t) => {
      const { dir, store } = await setup(t);
      const secret = join(dir, 'secret');
      writeFileSync(secret, 'do not touch');
      const data = Buffer.from('valid');
      const w = await store.writer('valid-writer');
      const before = snapshot(dir);
      const at = new Date();
      for (const raw of INVALID_DIGESTS) {
        const bad = raw as Digest;
        const format = /^invalid digest format/;
        await expectError(store.info(bad), 'invalid-argument', format);
        await expectError(store.open(bad), 'invalid-argument', format);
        await expectError(store.delete(bad), 'invalid-argument', format);
        await expectError(
          store.update({ digest: bad, size: 0, createdAt: at, updatedAt: at, labels: { a: 'b' } }),
          'invalid-argument',
          format,
        );
        await expectError(
          store.writer('bad-expected', { expected: { mediaType: 'x', digest: bad, size: 1 } }),
          'invalid-argument',
          format,
        );
        await expectError(w.commit({ expected: bad }), 'invalid-argument', format);
      }
      assert.deepEqual(snapshot(dir), before);
      assert.equal(readFileSync(secret, 'utf8'), 'do not touch');
      await expectError(store.status('bad-expected'), 'not-found');

      // Well-formed sha512 digests are never stored here; expecting one can never succeed.
      const sha512 = `sha512:${'b'.repeat(128)}` as Digest;
      await expectError(store.info(sha512), 'not-found');
      await expectError(store.open(sha512), 'not-found');
      await expectError(store.delete(sha512), 'not-found');
      await expectError(store.writer('sha512', { expected: { mediaType: 'x', digest: sha512, size: 1 } }), 'invalid-argument', /sha256 only/);
      await expectError(w.commit({ expected: sha512 }), 'invalid-argument', /sha256 only/);

      // Other arguments are checked too.
      await expectError(store.writer(''), 'invalid-argument');
      await expectError(store.status(''), 'invalid-argument');
      await expectError(store.abort(''), 'invalid-argument');
      await expectError(store.writer('neg', { expected: { ...descriptorOf(data), size: -1 } }), 'invalid-argument');
      await expectError(w.commit({ size: 1.5 }), 'invalid-argument');
      await expectError(w.commit({ labels: { '': 'x' } }), 'invalid-argument');

      // Rejected arguments left the writer usable.
      await w.write(data);
      assert.equal(await w.commit({ size: data.length }), sha256Digest(data));
    });

    it('ends two concurrent commits of the same bytes with one blob and one already-exists', async (t) => {
      const { store } = await setup(t);
      const data = randomBytes(2 * MiB);
      const d = sha256Digest(data);
      const writers = await Promise.all(['dup-a', 'dup-b', 'dup-c', 'dup-d'].map((ref) => store.writer(ref)));
      await Promise.all(
        writers.map(async (w) => {
          for (let off = 0; off < data.length; off += 256 * 1024) await w.write(data.subarray(off, off + 256 * 1024));
        }),
      );
      const results = await Promise.allSettled(writers.map((w) => w.commit({ size: data.length, expected: d })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(isEngineError(r.reason) && r.reason.kind === 'already-exists', String(r.reason));
      }
      assert.deepEqual(await (await store.open(d)).readAll(), data);
      assert.deepEqual((await listAll(store)).map((i) => i.digest), [d]);
      assert.deepEqual(await store.listStatuses(), []);
    });

    it('keeps the order of writes that were not awaited one by one', async (t) => {
      const { store } = await setup(t);
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000 + i * 37, i));
      const w = await store.writer('order');
      await Promise.all(chunks.map((c) => w.write(c)));
      assert.equal(await w.commit(), sha256Digest(Buffer.concat(chunks)));
    });

    it('lets callers reuse a chunk after write() and never exposes stored bytes', async (t) => {
      const { store } = await setup(t);
      const buf = Buffer.from('aaaa');
      const w = await store.writer('reuse');
      await w.write(buf);
      buf.write('bbbb');
      await w.write(buf);
      const d = await w.commit();
      assert.equal(d, sha256Digest('aaaabbbb'));
      const reader = await store.open(d);
      (await reader.readAll()).fill(0);
      for await (const chunk of reader.stream()) (chunk as Buffer).fill(0);
      assert.equal((await reader.readAll()).toString(), 'aaaabbbb');
    });

    it('refuses to use a writer after commit, and close() stays harmless', async (t) => {
      const { store } = await setup(t);
      const w = await store.writer('done');
      await w.write(Buffer.from('x'));
      await w.commit();
      await expectError(w.write(Buffer.from('y')), 'conflict', /^writer for ref done is closed$/);
      await expectError(w.commit(), 'conflict');
      await w.close();
      const c = await store.writer('closed');
      await c.close();
      await expectError(c.write(Buffer.from('y')), 'conflict');
      await expectError(c.commit(), 'conflict');
      await c.close();
    });

    it('writes and reads a 50 MB blob in 1 MB chunks', async (t) => {
      const { store } = await setup(t);
      const chunk = randomBytes(MiB);
      const count = 50;
      // Each chunk differs in its first bytes, so a misplaced chunk changes the digest.
      const hash = createHash('sha256');
      for (let i = 0; i < count; i++) {
        chunk.writeUInt32BE(i, 0);
        hash.update(chunk);
      }
      const d: Digest = `sha256:${hash.digest('hex')}`;
      const size = count * MiB;

      const t0 = performance.now();
      const w = await store.writer('big', { expected: { mediaType: 'application/octet-stream', digest: d, size } });
      for (let i = 0; i < count; i++) {
        chunk.writeUInt32BE(i, 0);
        await w.write(chunk);
      }
      assert.equal(await w.commit(), d);
      const writeMs = performance.now() - t0;
      assert.equal((await store.info(d)).size, size);

      const t1 = performance.now();
      const check = createHash('sha256');
      let read = 0;
      for await (const part of (await store.open(d)).stream()) {
        check.update(part as Buffer);
        read += (part as Buffer).length;
      }
      const readMs = performance.now() - t1;
      assert.equal(read, size);
      assert.equal(`sha256:${check.digest('hex')}`, d);
      t.diagnostic(`${name}: wrote 50 MB in ${writeMs.toFixed(0)} ms (${mbPerSecond(size, writeMs)} MB/s), ` +
        `read it back in ${readMs.toFixed(0)} ms (${mbPerSecond(size, readMs)} MB/s)`);
    });
  });
}

async function writeBlob(
  store: ContentStore,
  ref: string,
  data: Buffer,
  opts: { labels?: Record<string, string> } = {},
): Promise<Digest> {
  const w = await store.writer(ref, { expected: descriptorOf(data) });
  await w.write(data);
  return w.commit(opts.labels === undefined ? {} : { labels: opts.labels });
}

function descriptorOf(data: Buffer): Descriptor {
  return { mediaType: 'application/octet-stream', digest: sha256Digest(data), size: data.length };
}

async function expectNothingStored(store: ContentStore, digests: Digest[], ref: string): Promise<void> {
  for (const d of digests) await expectError(store.info(d), 'not-found');
  assert.deepEqual(await listAll(store), []);
  await expectError(store.status(ref), 'not-found');
  assert.deepEqual(await store.listStatuses(), []);
}

async function expectError(p: Promise<unknown>, kind: ErrorKind, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => checkError(err, kind, message));
}

function expectSyncError(fn: () => unknown, kind: ErrorKind, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => checkError(err, kind, message));
}

function checkError(err: unknown, kind: ErrorKind, message: RegExp | undefined): true {
  assert.ok(isEngineError(err), `expected an EngineError, got ${String(err)}`);
  assert.equal(err.kind, kind, `${err.kind}: ${err.message}`);
  if (message !== undefined) assert.match(err.message, message);
  return true;
}

async function readStream(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function listAll(store: ContentStore): Promise<ContentInfo[]> {
  const out: ContentInfo[] = [];
  for await (const info of store.list()) out.push(info);
  return out;
}

/** Every path under `dir` with its size: enough to see that nothing was created or removed. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => `${p}:${statSync(join(dir, p)).size}`)
    .sort();
}

function mbPerSecond(bytes: number, ms: number): string {
  return (bytes / 1e6 / (ms / 1000)).toFixed(0);
}
