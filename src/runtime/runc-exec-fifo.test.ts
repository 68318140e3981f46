// The exec-fifo protocol against a stand-in for runc's init: a shell that opens the fifo for
// writing and writes the byte, as `runc init` does before it execs the container's process.
// (Every container start in the runtime and engine tests goes through it with real runc.)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { isEngineError } from '../core/errors.js';
import { startThroughExecFifo } from './runc-exec-fifo.js';

async function layout(t: TestContext, initPid: number): Promise<{ root: string; fifo: string }> {
  const root = tempDir(t, 'berth-fifo-');
  await mkdir(join(root, 'c1'));
  const fifo = join(root, 'c1', 'exec.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  if (initPid > 0) await writeState(root, initPid);
  return { root, fifo };
}

async function writeState(root: string, initPid: number): Promise<void> {
  await writeFile(join(root, 'c1', 'state.json'), JSON.stringify({ id: 'c1', init_process_pid: initPid }));
}

/** runc's init, played by a shell: after `delay` seconds it writes "0" into the fifo, then exits. */
function fakeInit(t: TestContext, fifo: string, delay: number): number {
  const init = spawn('sh', ['-c', `sleep ${delay}; printf 0 > "$1"`, 'init', fifo], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => init.on('exit', () => resolve()));
  t.after(() => exited);
  return init.pid!;
}

describe('startThroughExecFifo', () => {
  it('reads the byte init writes and removes the fifo (created → running)', async (t) => {
    const { root, fifo } = await layout(t, 0);
    // init reaches its open(2) of the fifo only after the reader has started polling.
    await writeState(root, fakeInit(t, fifo, 0.1));
    assert.equal(await startThroughExecFifo(root, 'c1'), true);
    assert.equal(existsSync(fifo), false);
  });

  it('works when init is already waiting in open(2)', async (t) => {
    const { root, fifo } = await layout(t, 0);
    await writeState(root, fakeInit(t, fifo, 0));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await startThroughExecFifo(root, 'c1'), true);
  });

  it("fails in runc's words when init died before writing", async (t) => {
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    const { root, fifo } = await layout(t, Number(dead));
    await assert.rejects(startThroughExecFifo(root, 'c1'), (err: unknown) => isEngineError(err) && err.kind === 'conflict' && /already dead/.test(err.message));
    assert.equal(existsSync(fifo), true, 'a failed start leaves the state as it was');
  });

  it('declines (the caller runs `runc start`) without a fifo or a state', async (t) => {
    const root = tempDir(t, 'berth-fifo-');
    assert.equal(await startThroughExecFifo(root, 'missing'), false);
    const { root: r2, fifo } = await layout(t, process.pid);
    await rm(fifo);
    assert.equal(await startThroughExecFifo(r2, 'c1'), false);
  });
});
