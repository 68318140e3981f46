import assert from 'node:assert/strict';
import { appendFile, link, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { MAX_LINE, parseLogRecord, parseTimestamp, readLog, tailOffset, type LogEntry } from './k8s-file-log.js';

const T0 = 1_790_000_000_000_000_000n; // ns

function ts(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}+00:00`;
}

function rec(i: number, stream: 'stdout' | 'stderr', tag: 'F' | 'P', text: string): string {
  return `${ts(T0 + BigInt(i) * 1000n)} ${stream} ${tag} ${text}\n`;
}

async function all(it: AsyncIterable<LogEntry>): Promise<{ stream: string; line: string; partial: boolean; time: bigint }[]> {
  const out = [];
  for await (const e of it) out.push({ stream: e.stream, line: e.line.toString(), partial: e.partial, time: e.time });
  return out;
}

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

describe('k8s-file log', () => {
  it('parses timestamps with offsets and short fractions', () => {
    assert.equal(parseTimestamp('2026-11-29T13:13:46.808183515+00:00'), 1_795_958_026_808_183_515n);
    assert.equal(parseTimestamp('2026-11-29T14:13:46.808183515+01:00'), 1_795_958_026_808_183_515n);
    assert.equal(parseTimestamp('2026-11-29T08:43:46.8Z'), 1_795_941_826_800_000_000n);
    assert.equal(parseTimestamp('2026-11-29T13:13:46-02:30'), 1_795_967_026_000_000_000n);
    assert.equal(parseTimestamp('yesterday'), undefined);
  });

  it('parses records, also empty ones, and skips others', () => {
    const r = parseLogRecord(Buffer.from('2026-11-29T13:13:46.808183515+00:00 stderr P abc def'));
    assert.deepEqual(r && { ...r, text: r.text.toString() }, { time: 1_795_958_026_808_183_515n, stream: 'stderr', partial: true, text: 'abc def' });
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T13:13:46.808183515+00:00 stdout F '))?.text.length, 0);
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T13:13:46.808183515+00:00 stdout F'))?.text.length, 0);
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T13:13:46.808183515+00:00 stdin F x')), undefined);
    assert.equal(parseLogRecord(Buffer.from('garbage')), undefined);
  });

  it('joins pieces per stream, ends with the trailing piece, filters by time', async (t) => {
    const path = join(tempDir(t), 'log');
    await writeFile(path, [
      rec(1, 'stdout', 'F', 'one'),
      rec(2, 'stdout', 'P', 'tw'),
      rec(3, 'stderr', 'F', 'err'),
      rec(4, 'stdout', 'F', 'o'),
      'not a record\n',
      rec(5, 'stdout', 'F', ''),
      rec(6, 'stderr', 'P', 'no newline'),
    ].join(''));
    const entries = await all(readLog(path));
    assert.deepEqual(entries.map(({ stream, line, partial }) => [stream, line, partial]), [
      ['stdout', 'one', false],
      ['stderr', 'err', false],
      ['stdout', 'two', false],
      ['stdout', '', false],
      ['stderr', 'no newline', true],
    ]);
    assert.equal(entries[2]?.time, T0 + 4000n);
    const mid = await all(readLog(path, { since: T0 + 3000n, until: T0 + 4000n }));
    assert.deepEqual(mid.map((e) => e.line), ['err', 'two']);
  });

  it('tail gives the last N entries for any chunk size', async (t) => {
    const dir = tempDir(t);
    const next = rng(7);
    for (let file = 0; file < 12; file++) {
      const lines: string[] = [];
      const n = Math.floor(next() * 40);
      for (let i = 0; i < n; i++) {
        const stream = next() < 0.3 ? 'stderr' : 'stdout';
        lines.push(rec(i, stream, next() < 0.35 ? 'P' : 'F', `l${i}-${'x'.repeat(Math.floor(next() * 30))}`));
      }
      if (next() < 0.3) lines.push(`${ts(T0)} stdout F unfinished`); // being written: no newline yet
      const path = join(dir, `log${file}`);
      await writeFile(path, lines.join(''));
      const full = await all(readLog(path));
      for (const chunkSize of [7, 33, 100, 65536]) {
        for (const tail of [0, 1, 2, 3, 5, 10, n + 5]) {
          const got = await all(readLog(path, { tail, chunkSize }));
          assert.deepEqual(got, tail === 0 ? [] : full.slice(-tail), `file ${file} tail ${tail} chunk ${chunkSize}`);
        }
      }
    }
  });

  it('tail does not read back through a huge log', async (t) => {
    const path = join(tempDir(t), 'log');
    const line = rec(0, 'stdout', 'F', 'y'.repeat(200));
    await writeFile(path, line.repeat(20000));
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const off0 = await tailOffset(fh, size, 3);
      assert.ok(off0 <= size - 3 * line.length && off0 > size - 3 * line.length - 128 * 1024, `offset ${off0} of ${size}`);
      assert.deepEqual((await all(readLog(path, { tail: 3 }))).length, 3);
      // A piece of stdout started long before the last lines: bounded by MAX_LINE, not the file.
      await appendFile(path, rec(1, 'stdout', 'P', 'start'));
      await appendFile(path, rec(2, 'stderr', 'F', 'e').repeat(Math.ceil((2 * MAX_LINE) / 60)));
      await appendFile(path, rec(3, 'stdout', 'F', 'end'));
      const size2 = (await fh.stat()).size;
      const off = await tailOffset(fh, size2, 2);
      assert.ok(off > size - MAX_LINE, `offset ${off} of ${size2}`);
    } finally {
      await fh.close();
    }
  });

  it('follows a growing file across a rotation and ends when told', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'log');
    await writeFile(path, rec(0, 'stdout', 'F', 'before'));
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const got: string[] = [];
    const reader = (async () => {
      for await (const e of readLog(path, { follow: true, tail: 1, done })) got.push(e.line.toString());
    })();
    const until = async (n: number): Promise<void> => {
      for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    await until(1);
    await appendFile(path, rec(1, 'stdout', 'P', 'pie'));
    await appendFile(path, rec(2, 'stdout', 'F', 'ce'));
    await until(2);
    // The engine's rotation: rename, the writer adds to the old file, then makes a new one.
    await rename(path, `${path}.1`);
    await appendFile(`${path}.1`, rec(3, 'stdout', 'F', 'late in old'));
    await writeFile(`${path}.tmp`, rec(4, 'stderr', 'F', 'new file'));
    await rename(`${path}.tmp`, path);
    await until(4);
    await appendFile(path, rec(5, 'stdout', 'P', 'cut'));
    finish();
    await reader;
    assert.deepEqual(got, ['before', 'piece', 'late in old', 'new file', 'cut']);
  });

  it('follows a file that does not exist yet', async (t) => {
    const path = join(tempDir(t), 'log');
    const ac = new AbortController();
    const got: string[] = [];
    const reader = (async () => {
      for await (const e of readLog(path, { follow: true, signal: ac.signal })) {
        got.push(e.line.toString());
        ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(`${path}.tmp`, rec(0, 'stdout', 'F', 'hello'));
    await rename(`${path}.tmp`, path);
    await assert.rejects(reader, (err: unknown) => (err as Error).name === 'AbortError');
    assert.deepEqual(got, ['hello']);
  });

  it('reads rotated files first, oldest first, a line split across files joined', async (t) => {
    const path = join(tempDir(t), 'log');
    await writeFile(`${path}.2`, rec(0, 'stdout', 'F', 'oldest') + rec(1, 'stderr', 'F', 'err old'));
    await writeFile(`${path}.1`, rec(2, 'stdout', 'F', 'older') + rec(3, 'stdout', 'P', 'spl'));
    await writeFile(path, rec(4, 'stdout', 'F', 'it') + rec(5, 'stdout', 'F', 'newest'));
    // A gap in the numbering ends the walk: `.4` is not part of the chain.
    await writeFile(`${path}.4`, rec(9, 'stdout', 'F', 'stray'));
    const lines = (await all(readLog(path))).map((e) => e.line);
    assert.deepEqual(lines, ['oldest', 'err old', 'older', 'split', 'newest']);
    // tail: the current file alone when it holds enough, older files when it does not.
    assert.deepEqual((await all(readLog(path, { tail: 1 }))).map((e) => e.line), ['newest']);
    assert.deepEqual((await all(readLog(path, { tail: 3 }))).map((e) => e.line), ['older', 'split', 'newest']);
    assert.deepEqual((await all(readLog(path, { tail: 100, chunkSize: 7 }))).map((e) => e.line), lines);
    assert.deepEqual((await all(readLog(path, { since: T0 + 2000n }))).map((e) => e.line), ['older', 'split', 'newest']);
  });

  it('stops at a rotated name that is the current file again (a rotation while opening)', async (t) => {
    const path = join(tempDir(t), 'log');
    await writeFile(path, rec(0, 'stdout', 'F', 'only'));
    await link(path, `${path}.1`);
    assert.deepEqual((await all(readLog(path))).map((e) => e.line), ['only']);
  });
});
