import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { ExitDirWatcher, readExitFile } from './exit-files.js';

describe('exit files', () => {
  it('resolves when conmon writes the file, and at once when it is already there', async (t) => {
    const dir = tempDir(t);
    const w = new ExitDirWatcher(dir);
    const waiting = w.wait('c1');
    await new Promise((r) => setTimeout(r, 20));
    // As conmon does: a temp file renamed into place.
    await writeFile(join(dir, '.c1.tmp'), '137');
    await rename(join(dir, '.c1.tmp'), join(dir, 'c1'));
    const f = await waiting;
    assert.equal(f.code, 137);
    assert.ok(f.at instanceof Date);
    assert.equal((await w.wait('c1')).code, 137);
    assert.equal(await readExitFile(dir, 'c2'), undefined);
  });

  it('stops waiting when aborted', async (t) => {
    const dir = tempDir(t);
    const w = new ExitDirWatcher(dir);
    const ac = new AbortController();
    const waiting = w.wait('c1', ac.signal);
    ac.abort();
    await assert.rejects(waiting, (err: unknown) => (err as Error).name === 'AbortError');
    await assert.rejects(w.wait('c1', AbortSignal.timeout(10)), (err: unknown) => (err as Error).name === 'TimeoutError');
  });
});
