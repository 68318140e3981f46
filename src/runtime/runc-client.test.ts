import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { isEngineError } from '../core/errors.js';
import { RuncClient, runtimeErrorKind, runtimeMessage } from './runc-client.js';

// A stand-in for runc: records each call's argv (one line, tab-separated) and stdin, and
// answers with whatever the test put in its out/err/code files.
const FAKE = `#!/bin/sh
dir=$(dirname "$0")
( IFS="$(printf '\\t')"; printf '%s\\n' "$*" ) >> "$dir/calls"
case " $* " in *" update "*) cat > "$dir/stdin" ;; esac
[ -f "$dir/out" ] && cat "$dir/out"
[ -f "$dir/err" ] && cat "$dir/err" >&2
exit "$(cat "$dir/code" 2>/dev/null || echo 0)"
`;

async function fake(t: TestContext): Promise<{ dir: string; runc: RuncClient; calls(): Promise<string[][]>; answer(a: { out?: string; err?: string; code?: number }): Promise<void> }> {
  const dir = tempDir(t, 'berth-runc-');
  const bin = join(dir, 'runc');
  await writeFile(bin, FAKE);
  await chmod(bin, 0o755);
  const runc = new RuncClient({ binary: bin, root: '/run/test-root', runtimeArgs: ['--debug'] });
  return {
    dir,
    runc,
    async calls() {
      const text = await readFile(join(dir, 'calls'), 'utf8').catch(() => '');
      return text.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    },
    async answer(a) {
      for (const [name, value] of [['out', a.out], ['err', a.err], ['code', a.code === undefined ? undefined : String(a.code)]] as const) {
        if (value === undefined) await rm(join(dir, name), { force: true });
        else await writeFile(join(dir, name), value);
      }
    },
  };
}

const G = ['--root', '/run/test-root', '--log-format', 'json', '--debug'];

describe('RuncClient', () => {
  it('builds each command line with the global options first', async (t) => {
    const f = await fake(t);
    await f.runc.start('c1');
    await f.runc.kill('c1', 'TERM');
    await f.runc.kill('c1', 9, { all: true });
    await f.runc.delete('c1');
    await f.runc.delete('c1', { force: true });
    await f.runc.pause('c1');
    await f.runc.resume('c1');
    await f.runc.update('c1', { memory: { limit: 1024 } });
    assert.deepEqual(await f.calls(), [
      [...G, 'start', 'c1'],
      [...G, 'kill', 'c1', 'TERM'],
      [...G, 'kill', '--all', 'c1', '9'],
      [...G, 'delete', 'c1'],
      [...G, 'delete', '--force', 'c1'],
      [...G, 'pause', 'c1'],
      [...G, 'resume', 'c1'],
      [...G, 'update', '--resources', '-', 'c1'],
    ]);
    assert.deepEqual(JSON.parse(await readFile(join(f.dir, 'stdin'), 'utf8')), { memory: { limit: 1024 } });
    assert.deepEqual(f.runc.globalArgs(), G);
  });

  it('parses state, list and ps output', async (t) => {
    const f = await fake(t);
    await f.answer({ out: JSON.stringify({ ociVersion: '1.0.2-dev', id: 'c1', pid: 42, status: 'running', bundle: '/b', rootfs: '/b/rootfs', created: '2026-01-01T00:00:00Z', owner: '' }) });
    assert.deepEqual(await f.runc.state('c1'), { id: 'c1', pid: 42, status: 'running', bundle: '/b', created: '2026-01-01T00:00:00Z' });
    await f.answer({ out: 'null\n' });
    assert.deepEqual(await f.runc.list(), []);
    await f.answer({ out: JSON.stringify([{ id: 'a', pid: 0, status: 'stopped', bundle: '/a' }]) });
    assert.deepEqual(await f.runc.list(), [{ id: 'a', pid: 0, status: 'stopped', bundle: '/a' }]);
    await f.answer({ out: '[12,13]\n' });
    assert.deepEqual(await f.runc.ps('c1'), [12, 13]);
    assert.deepEqual((await f.calls()).map((c) => c.slice(G.length)), [['state', 'c1'], ['list', '--format', 'json'], ['list', '--format', 'json'], ['ps', '--format', 'json', 'c1']]);
  });

  it('reports the runtime\'s own words with a kind', async (t) => {
    const f = await fake(t);
    await f.answer({ err: '{"level":"error","msg":"container does not exist","time":"2026-11-29T13:20:17Z"}\n', code: 1 });
    await assert.rejects(f.runc.state('nope'), (err: unknown) => isEngineError(err) && err.kind === 'not-found' && err.message === 'container does not exist');
    await f.answer({ err: 'time="2026-11-29T13:20:17Z" level=error msg="container not running"\n', code: 1 });
    await assert.rejects(f.runc.kill('c1', 'KILL'), (err: unknown) => isEngineError(err) && err.kind === 'conflict' && err.message === 'container not running');
    await f.answer({ err: 'something odd\n', code: 2 });
    await assert.rejects(f.runc.start('c1'), (err: unknown) => isEngineError(err) && err.kind === 'internal' && err.message === 'something odd');
    await f.answer({ code: 3 });
    await assert.rejects(f.runc.start('c1'), (err: unknown) => isEngineError(err) && /exited with code 3/.test(err.message));
    await f.answer({ out: 'not json' });
    await assert.rejects(f.runc.state('c1'), (err: unknown) => isEngineError(err) && err.kind === 'internal');
  });

  it('fails as unavailable when the binary is missing', async () => {
    const runc = new RuncClient({ binary: '/nonexistent/runc', root: '/tmp/x' });
    await assert.rejects(runc.list(), (err: unknown) => isEngineError(err) && err.kind === 'unavailable');
  });

  it('maps runtime messages to kinds', () => {
    assert.equal(runtimeErrorKind('runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH'), 'invalid-argument');
    assert.equal(runtimeErrorKind('exec failed: unable to start container process: exec: "/etc": permission denied'), 'invalid-argument');
    assert.equal(runtimeErrorKind('cannot exec in a stopped container'), 'conflict');
    assert.equal(runtimeErrorKind('container not paused'), 'conflict');
    assert.equal(runtimeErrorKind('container "x" does not exist'), 'not-found');
    assert.equal(runtimeErrorKind('failed to write cgroup'), 'internal');
    assert.equal(runtimeMessage('{"level":"warning","msg":"w"}\n{"level":"error","msg":"boom"}\n'), 'boom');
    assert.equal(runtimeMessage(''), undefined);
  });
});

describe('RuncClient.deleteExited', () => {
  async function setup(t: TestContext, busy: boolean): Promise<{ root: string; cg: string[] }> {
    const root = tempDir(t);
    const cg = [join(root, 'cg', 'memory', 'c1'), join(root, 'cg', 'pids', 'c1')];
    for (const d of cg) await mkdir(d, { recursive: true });
    // A cgroup that still holds something cannot be removed (here: a non-empty directory).
    if (busy) await writeFile(join(cg[1]!, 'tasks'), '42\n');
    await mkdir(join(root, 'state', 'c1'), { recursive: true });
    await writeFile(join(root, 'state', 'c1', 'state.json'), JSON.stringify({ cgroup_paths: { memory: cg[0], pids: cg[1] } }));
    return { root, cg };
  }

  it('removes the cgroups and the state directory', async (t) => {
    const { root, cg } = await setup(t, false);
    assert.equal(await new RuncClient({ binary: 'runc', root: join(root, 'state') }).deleteExited('c1'), true);
    for (const p of [...cg, join(root, 'state', 'c1')]) assert.equal(existsSync(p), false, p);
  });

  it('leaves it to runc delete when a cgroup is busy or the runtime is another one', async (t) => {
    const { root } = await setup(t, true);
    assert.equal(await new RuncClient({ binary: 'runc', root: join(root, 'state') }).deleteExited('c1'), false);
    assert.equal(existsSync(join(root, 'state', 'c1', 'state.json')), true);
    assert.equal(await new RuncClient({ binary: '/usr/bin/crun', root: join(root, 'state') }).deleteExited('c1'), false);
  });
});
