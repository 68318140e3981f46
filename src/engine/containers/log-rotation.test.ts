import assert from 'node:assert/strict';
import { appendFile, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { tempDir } from '../../../test/helpers/env.js';
import { shiftLogFiles, watchLogRotation } from './log-rotation.js';

const quiet = pino({ level: 'silent' });

/** What conmon does on a reopen request: a new empty file under the name. */
async function reopenLike(path: string): Promise<void> {
  await writeFile(`${path}.tmp`, '');
  await rename(`${path}.tmp`, path);
}

describe('log rotation', () => {
  it('shifts files one step older; the oldest beyond the limit goes', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'container.log');
    await writeFile(path, 'c');
    await writeFile(`${path}.1`, 'b');
    await writeFile(`${path}.2`, 'a');
    await shiftLogFiles(path, 3);
    assert.deepEqual((await readdir(dir)).sort(), ['container.log.1', 'container.log.2']);
    assert.equal(await readFile(`${path}.1`, 'utf8'), 'c');
    assert.equal(await readFile(`${path}.2`, 'utf8'), 'b');
    await writeFile(path, 'd');
    await shiftLogFiles(path, 2);
    assert.deepEqual((await readdir(dir)).sort(), ['container.log.1', 'container.log.2']);
    assert.equal(await readFile(`${path}.1`, 'utf8'), 'd');
  });

  it('rotates once the file reaches max-size, then asks for a reopen', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'container.log');
    await writeFile(path, 'x'.repeat(99));
    let reopens = 0;
    const r = watchLogRotation(path, { maxSize: 100, maxFiles: 3 }, async () => {
      reopens++;
      await reopenLike(path);
    }, quiet);
    t.after(() => r.close());
    await r.check();
    assert.equal(reopens, 0, 'under the limit');
    await appendFile(path, 'y');
    await r.check();
    assert.equal(reopens, 1);
    assert.equal((await readFile(`${path}.1`, 'utf8')).length, 100);
    assert.equal(await readFile(path, 'utf8'), '');
  });

  it('notices writes by itself and keeps max-file files at most', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'container.log');
    await writeFile(path, '');
    const r = watchLogRotation(path, { maxSize: 64, maxFiles: 3 }, () => reopenLike(path), quiet);
    t.after(() => r.close());
    // Each round waits for its rotation to finish: the new file exists and `.1` holds the round.
    const rotatedTo = async (text: string): Promise<boolean> =>
      (await readFile(path, 'utf8').catch(() => 'missing')) === '' && (await readFile(`${path}.1`, 'utf8').catch(() => '')) === text;
    for (let round = 0; round < 5; round++) {
      const text = `${round}`.repeat(70);
      await appendFile(path, text);
      for (let i = 0; i < 200 && !(await rotatedTo(text)); i++) await new Promise((res) => setTimeout(res, 10));
      assert.ok(await rotatedTo(text), `round ${round} rotated`);
    }
    assert.deepEqual((await readdir(dir)).sort(), ['container.log', 'container.log.1', 'container.log.2']);
    assert.equal(await readFile(`${path}.1`, 'utf8'), '4'.repeat(70));
    assert.equal(await readFile(`${path}.2`, 'utf8'), '3'.repeat(70));
  });

  it('refuses max-file 1 (the monitor truncates then)', () => {
    assert.throws(() => watchLogRotation('/nonexistent/log', { maxSize: 1, maxFiles: 1 }, async () => undefined, quiet));
  });
});
