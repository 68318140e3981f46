import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { isEngineError } from '../core/errors.js';
import { conmonArgs, launchConmon, parseSyncMessage, type ConmonConfig } from './conmon.js';

function config(over: Partial<ConmonConfig> = {}): ConmonConfig {
  return {
    conmonPath: 'conmon',
    runtime: { path: '/usr/sbin/runc', args: ['--root', '/r', '--log-format', 'json'] },
    cid: 'c1',
    cuuid: 'ab12',
    bundle: '/b',
    cwd: '/t',
    containerPidFile: '/t/pid',
    conmonPidFile: '/t/conmon.pid',
    persistDir: '/t',
    socketDir: '/s',
    terminal: false,
    stdin: false,
    ...over,
  };
}

async function script(t: TestContext, body: string): Promise<string> {
  const dir = tempDir(t, 'berth-conmon-');
  const path = join(dir, 'conmon');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('conmon', () => {
  it('builds the command line for a container and for an exec session', () => {
    const base = [
      '--api-version', '1', '--cid', 'c1', '--cuuid', 'ab12', '--name', 'c1', '--runtime', '/usr/sbin/runc',
      '--runtime-arg', '--root', '--runtime-arg', '/r', '--runtime-arg', '--log-format', '--runtime-arg', 'json',
      '--bundle', '/b', '--container-pidfile', '/t/pid', '--conmon-pidfile', '/t/conmon.pid', '--persist-dir', '/t',
      '--socket-dir-path', '/s',
    ];
    assert.deepEqual(conmonArgs(config({ logPath: '/l/log', exitDir: '/e' })), [...base, '--log-path', 'k8s-file:/l/log', '--exit-dir', '/e']);
    assert.deepEqual(conmonArgs(config({ logPath: '/l/log', logSizeMax: 1024 })), [...base, '--log-path', 'k8s-file:/l/log', '--log-size-max', '1024']);
    assert.deepEqual(conmonArgs(config({ terminal: true, stdin: true, leaveStdinOpen: true })), [
      ...base, '--log-path', 'none', '--terminal', '--stdin', '--leave-stdin-open',
    ]);
    assert.deepEqual(conmonArgs(config({ stdin: true, leaveStdinOpen: true, exec: { processSpec: '/x/process.json' } })), [
      ...base, '--log-path', 'none', '--stdin', '--exec', '--exec-attach', '--exec-process-spec', '/x/process.json',
    ]);
  });

  it('parses sync messages', () => {
    assert.deepEqual(parseSyncMessage('{"data": 42}'), { data: 42 });
    assert.deepEqual(parseSyncMessage('{"data": -1, "message": "boom"}'), { data: -1, message: 'boom' });
    assert.throws(() => parseSyncMessage('{"pid": 1}'), (err: unknown) => isEngineError(err) && err.kind === 'internal');
    assert.throws(() => parseSyncMessage('nope'), (err: unknown) => isEngineError(err));
  });

  it('reports a runtime failure in the runtime\'s words', async (t) => {
    const path = await script(t, 'cat "$(dirname "$0")/msg" >&3');
    const runtimeLog = `${JSON.stringify({ level: 'error', msg: 'runc create failed: exec: "nope": executable file not found in $PATH' })}\n`;
    await writeFile(join(path, '..', 'msg'), `${JSON.stringify({ data: -1, message: runtimeLog })}\n`);
    const launch = launchConmon(config({ conmonPath: path, cwd: '/' }));
    await assert.rejects(launch.pid(), (err: unknown) =>
      isEngineError(err) && err.kind === 'invalid-argument' && err.message === 'runc create failed: exec: "nope": executable file not found in $PATH');
    launch.close();
  });

  it('reports what conmon printed when it exits without a message', async (t) => {
    const path = await script(t, `echo "conmon: option parsing failed: bad" >&2; exit 1`);
    const launch = launchConmon(config({ conmonPath: path, cwd: '/' }));
    await assert.rejects(launch.pid(), (err: unknown) => isEngineError(err) && /option parsing failed: bad/.test(err.message) && /exit status 1/.test(err.message));
    launch.close();
  });

  it('gives up after the timeout', async (t) => {
    // The background sleep keeps the pipe open without writing, as a hung runtime would.
    const path = await script(t, `sleep 1 & exit 0`);
    const launch = launchConmon(config({ conmonPath: path, cwd: '/' }), { timeoutMs: 100 });
    await assert.rejects(launch.pid(), (err: unknown) => isEngineError(err) && err.kind === 'unavailable');
    launch.close();
  });

  it('fails when conmon cannot be run', async () => {
    const launch = launchConmon(config({ conmonPath: '/nonexistent/conmon', cwd: '/' }));
    await assert.rejects(launch.pid(), (err: unknown) => isEngineError(err) && /ENOENT/.test(err.message));
    launch.close();
  });

  it('runs the exec handshake: start, attach-ready, release, pid, exit', async (t) => {
    // As conmon --exec --exec-attach: a read of the start pipe before forking, the attach
    // message, a second read before running the runtime, then pid and exit status.
    const path = await script(t, [
      'head -c1 <&4 >/dev/null',
      `echo '{"data": 0}' >&5`,
      'head -c1 <&4 >/dev/null',
      `echo '{"data": 4242}' >&3`,
      `echo '{"data": 3}' >&3`,
    ].join('\n'));
    const launch = launchConmon(config({ conmonPath: path, cwd: '/', exec: { processSpec: '/p.json' } }));
    await launch.attachReady();
    launch.release();
    assert.equal(await launch.pid(), 4242);
    assert.equal(await launch.exit(), 3);
    await launch.forked();
    launch.close();
  });
});
