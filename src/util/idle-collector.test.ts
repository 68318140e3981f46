import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleCollector } from './idle-collector.js';

// Mocked timers: the quiet time is counted exactly, whatever the machine's load.
describe('IdleCollector', () => {
  it('collects once, after the last of overlapping operations has been quiet for a while', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let runs = 0;
    const c = new IdleCollector(() => runs++, 100);
    const a = c.begin();
    const b = c.begin();
    a();
    t.mock.timers.tick(500);
    assert.equal(runs, 0, 'one operation still runs');
    b();
    b(); // a second call of the same end changes nothing
    t.mock.timers.tick(99);
    assert.equal(runs, 0, 'not before the quiet time');
    t.mock.timers.tick(1);
    assert.equal(runs, 1);
    t.mock.timers.tick(1000);
    assert.equal(runs, 1, 'once');
  });

  it('a new operation within the quiet time puts the collection off', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let runs = 0;
    const c = new IdleCollector(() => runs++, 100);
    await c.around(async () => undefined);
    t.mock.timers.tick(60);
    await c.around(async () => undefined);
    t.mock.timers.tick(60);
    assert.equal(runs, 0);
    t.mock.timers.tick(40);
    assert.equal(runs, 1);
  });

  it('does nothing without gc, and passes results and errors through', async () => {
    const c = new IdleCollector(undefined, 1);
    assert.equal(await c.around(async () => 7), 7);
    await assert.rejects(c.around(async () => Promise.reject(new Error('boom'))), /boom/);
  });
});
