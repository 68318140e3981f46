import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleCollector } from './idle-collector.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('IdleCollector', () => {
  it('collects once, after the last of overlapping operations has been quiet for a while', async () => {
    let runs = 0;
    const c = new IdleCollector(() => runs++, 30);
    const a = c.begin();
    const b = c.begin();
    a();
    await sleep(60);
    assert.equal(runs, 0, 'one operation still runs');
    b();
    b(); // a second call of the same end changes nothing
    await sleep(10);
    assert.equal(runs, 0, 'not before the quiet time');
    await sleep(60);
    assert.equal(runs, 1);
  });

  it('a new operation within the quiet time puts the collection off', async () => {
    let runs = 0;
    const c = new IdleCollector(() => runs++, 40);
    await c.around(async () => sleep(1));
    await sleep(20);
    await c.around(async () => sleep(1));
    await sleep(25);
    assert.equal(runs, 0);
    await sleep(40);
    assert.equal(runs, 1);
  });

  it('does nothing without gc, and passes results and errors through', async () => {
    const c = new IdleCollector(undefined, 1);
    assert.equal(await c.around(async () => 7), 7);
    await assert.rejects(c.around(async () => Promise.reject(new Error('boom'))), /boom/);
    await sleep(5);
  });
});
