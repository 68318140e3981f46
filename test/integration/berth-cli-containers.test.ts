// The berth CLI drives containers on a real berthd: run (attached, -d, --rm, -i, -t), logs,
// exec, attach, start -a, stop, kill, rm, ps, inspect, top, stats, wait, update, pause,
// rename and prune, with docker's exit codes, and the same text as the docker CLI 28 for the
// same daemon wherever both print something deterministic.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CLI_JS, type RunResult, type TestDaemon, berth, docker, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip =
  needsRoot() ||
  (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker') ||
  (existsSync('/bin/busybox') ? false : 'needs /bin/busybox (apt-get install busybox-static)');

async function ok(d: TestDaemon, args: string[], input?: string): Promise<string> {
  const r = await berth(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `berth ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * berth on a pseudo-terminal (script(1)), for -t. script's stdin stays open for two seconds:
 * when it ends early script hangs the terminal up and output in flight is lost (docker's too),
 * and script waits for it to end before it exits.
 */
function berthTty(d: TestDaemon, args: string[]): Promise<RunResult> {
  const cmd = [process.execPath, CLI_JS, '-H', d.host, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return run('bash', ['-c', 'script -qec "$0" /dev/null < <(sleep 2 2>/dev/null)', cmd], { env: { ...process.env, BERTH_HOST: '', DOCKER_HOST: '' } });
}

/** The same exit code and output as docker, its name aside. */
async function sameAsDocker(d: TestDaemon, args: string[], input?: string): Promise<RunResult> {
  const opts = input === undefined ? {} : { input };
  const [b, k] = [await berth(d, args, opts), await docker(d, args, opts)];
  const text = (r: RunResult): { code: RunResult['code']; stdout: string; stderr: string } => ({
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr.replace(/docker/g, 'berth'),
  });
  assert.deepEqual(text(b), text(k), args.join(' '));
  return b;
}

/** Relative times made equal and column padding collapsed (the two CLIs run a moment apart). */
function normalise(table: string): string {
  return table
    .replace(/(Less than a second|About an? \w+|\d+ \w+)( ago)?/g, 'SOME TIME')
    .replace(/ {2,}/g, '  ');
}

test('berth CLI drives containers on berthd', { skip, timeout: 300_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);

  await t.test('run, attached: output, stderr, the exit code; as docker', async () => {
    const r = await sameAsDocker(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.deepEqual(r, { code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  await t.test('run -i pipes stdin and half-closes; run -t gets a terminal', async () => {
    const piped = await berth(d, ['run', '--rm', '-i', 'busybox', 'cat'], { input: 'hello stdin\n' });
    assert.deepEqual(piped, { code: 0, stdout: 'hello stdin\n', stderr: '' });
    const tty = await berthTty(d, ['run', '--rm', '-t', 'busybox', 'sh', '-c', 'tty; echo done']);
    assert.equal(tty.code, 0, tty.stdout + tty.stderr);
    assert.match(tty.stdout, /\/dev\/pts\/0/);
    assert.match(tty.stdout, /done/);
  });

  await t.test('missing and non-executable commands: 127 and 126 with docker’s text', async () => {
    assert.equal((await sameAsDocker(d, ['run', '--rm', 'busybox', 'nosuchcmd'])).code, 127);
    assert.equal((await sameAsDocker(d, ['run', '--rm', 'busybox', '/etc/passwd'])).code, 126);
  });

  await t.test('an unknown image: the pull fails here; exit 125 as docker', async () => {
    // A registry on a closed loopback port: the pull fails without leaving the machine.
    const r = await sameAsDocker(d, ['run', '--rm', '127.0.0.1:9/nosuch/image:1']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^Unable to find image '127\.0\.0\.1:9\/nosuch\/image:1' locally\n/);
  });

  let id = '';
  await t.test('run -d, ps, logs, inspect: docker’s text', async () => {
    id = (await ok(d, ['run', '-d', '--name', 'ticker', '--label', 'team=a', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.3; done; sleep 600'])).trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    for (const args of [['ps'], ['ps', '-a', '--no-trunc'], ['ps', '-s']]) {
      const [b, k] = [await berth(d, args), await docker(d, args)];
      assert.equal(b.code, 0, b.stderr);
      assert.equal(normalise(b.stdout), normalise(k.stdout), args.join(' '));
    }
    await sameAsDocker(d, ['ps', '-q', '--filter', 'label=team=a']);
    await sameAsDocker(d, ['ps', '--format', '{{.Names}} {{.State}} {{.Command}} {{.Labels}}']);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await sameAsDocker(d, ['logs', 'ticker'])).stdout, 'tick 1\ntick 2\ntick 3\n');
    await sameAsDocker(d, ['logs', '--tail', '1', 'ticker']);
    await sameAsDocker(d, ['inspect', 'ticker']);
    await sameAsDocker(d, ['container', 'inspect', '-f', '{{.Name}} {{.State.Running}}', 'ticker', 'nope']);
    await sameAsDocker(d, ['inspect', 'nope']);
    await sameAsDocker(d, ['port', 'ticker']);
  });

  await t.test('exec: output, exit codes, -e/-w/-u, -i, -d, -it on a terminal', async () => {
    assert.equal(await ok(d, ['exec', 'ticker', 'sh', '-c', 'echo in; hostname']), `in\n${id.slice(0, 12)}\n`);
    assert.equal((await sameAsDocker(d, ['exec', 'ticker', 'sh', '-c', 'exit 3'])).code, 3);
    assert.equal((await sameAsDocker(d, ['exec', 'ticker', 'nosuchcmd'])).code, 127);
    assert.equal((await ok(d, ['exec', '-e', 'X=1', '-w', '/tmp', '-u', 'nobody', 'ticker', 'sh', '-c', 'echo $X $(pwd) $(id -u)'])).trim(), '1 /tmp 65534');
    assert.equal(await ok(d, ['exec', '-i', 'ticker', 'cat'], 'piped\n'), 'piped\n');
    assert.equal(await ok(d, ['exec', '-d', 'ticker', 'sh', '-c', 'echo detached > /tmp/d']), '');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await ok(d, ['exec', 'ticker', 'cat', '/tmp/d']), 'detached\n');
    const tty = await berthTty(d, ['exec', '-it', 'ticker', 'sh', '-c', 'tty && echo ok']);
    assert.equal(tty.code, 0, tty.stdout);
    assert.match(tty.stdout, /\/dev\/pts\/\d+/);
  });

  await t.test('top, stats --no-stream, update, pause and unpause', async () => {
    const [bt, kt] = [await berth(d, ['top', 'ticker']), await docker(d, ['top', 'ticker'])];
    assert.equal(bt.code, 0, bt.stderr);
    // ps runs twice (times move on, short-lived processes come and go): the same header and the
    // same line for the container's command.
    const line = (s: string): string => (s.split('\n').find((l) => l.endsWith('sleep 600')) ?? '').replace(/\d\d:\d\d:\d\d/g, 'T');
    assert.equal(bt.stdout.split('\n')[0], kt.stdout.split('\n')[0]);
    assert.notEqual(line(bt.stdout), '');
    assert.equal(line(bt.stdout), line(kt.stdout));
    const stats = await ok(d, ['stats', '--no-stream', 'ticker']);
    // Columns are as wide as their widest value (tabwriter): the figures' may pass the header's.
    assert.match(stats, /^CONTAINER ID {3}NAME {6}CPU % {5,}MEM USAGE \/ LIMIT {3,}MEM % {5,}NET I\/O {3,}BLOCK I\/O {3,}PIDS\n/);
    assert.match(stats, new RegExp(`^${id.slice(0, 12)} {3}ticker {4}\\d+\\.\\d\\d% +\\S+ / \\S+ +\\d+\\.\\d\\d% +\\S+ / \\S+ +\\S+ / \\S+ +\\d+\n$`, 'm'));
    assert.equal(await ok(d, ['update', '--memory', '64m', '--memory-swap', '64m', 'ticker']), 'ticker\n');
    assert.equal(await ok(d, ['inspect', '-f', '{{.HostConfig.Memory}}', 'ticker']), `${64 << 20}\n`);
    assert.match(await ok(d, ['stats', '--no-stream', '--format', '{{.MemUsage}}', 'ticker']), / \/ 64MiB\n$/);
    assert.equal(await ok(d, ['pause', 'ticker']), 'ticker\n');
    assert.match(await ok(d, ['ps', '--format', '{{.Status}}', '--filter', 'name=ticker']), /\(Paused\)/);
    await sameAsDocker(d, ['exec', 'ticker', 'true']);
    assert.equal(await ok(d, ['unpause', 'ticker']), 'ticker\n');
  });

  await t.test('rename, a name conflict, rm of a running container: docker’s errors', async () => {
    assert.equal(await ok(d, ['rename', 'ticker', 'ticker2']), '');
    const conflict = await berth(d, ['run', '-d', '--name', 'ticker2', 'busybox', 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /^berth: Error response from daemon: Conflict\. The container name "\/ticker2" is already in use by container/);
    assert.equal((await sameAsDocker(d, ['rm', 'ticker2'])).code, 1);
    assert.equal((await sameAsDocker(d, ['rm', '-f', 'nosuch'])).code, 0);
    assert.equal((await sameAsDocker(d, ['stop', 'nosuch', 'nosuch2'])).code, 1);
  });

  await t.test('stop: the stop signal then KILL; kill -s; wait prints the exit code', async () => {
    const trap = (await ok(d, ['run', '-d', 'busybox', 'sh', '-c', 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done'])).trim();
    assert.equal(await ok(d, ['stop', trap]), `${trap}\n`);
    assert.equal(await ok(d, ['inspect', '-f', '{{.State.ExitCode}}', trap]), '0\n');
    assert.match(await ok(d, ['logs', trap]), /got TERM/);
    const stubborn = (await ok(d, ['run', '-d', 'busybox', 'sleep', '600'])).trim();
    await ok(d, ['stop', '-t', '1', stubborn]);
    assert.equal(await ok(d, ['wait', stubborn]), '137\n');
    const killed = (await ok(d, ['run', '-d', '--init', 'busybox', 'sleep', '600'])).trim();
    const waiter = berth(d, ['wait', killed]);
    assert.equal(await ok(d, ['kill', '-s', 'USR1', killed]), `${killed}\n`);
    assert.equal((await waiter).stdout, '138\n');
    assert.equal((await sameAsDocker(d, ['kill', killed])).code, 1);
    assert.equal(await ok(d, ['rm', trap, stubborn, killed]), `${trap}\n${stubborn}\n${killed}\n`);
  });

  await t.test('create, start -a, attach to a running container', async () => {
    const c = (await ok(d, ['create', '--name', 'later', 'busybox', 'sh', '-c', 'echo started; exit 4'])).trim();
    assert.match(c, /^[a-f0-9]{64}$/);
    assert.equal(await ok(d, ['ps', '-a', '--filter', 'status=created', '--format', '{{.Names}}']), 'later\n');
    assert.deepEqual(await berth(d, ['start', '-a', 'later']), { code: 4, stdout: 'started\n', stderr: '' });
    const loop = (await ok(d, ['run', '-d', 'busybox', 'sh', '-c', 'sleep 1; echo after-attach; sleep 1'])).trim();
    const attached = await berth(d, ['attach', loop]);
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, /after-attach/);
    await sameAsDocker(d, ['attach', loop]);
    await ok(d, ['rm', 'later', loop]);
  });

  await t.test('rm -f, container prune, ps -a empty', async () => {
    assert.equal(await ok(d, ['rm', '-f', 'ticker2']), 'ticker2\n');
    assert.equal((await berth(d, ['run', '--name', 'done1', 'busybox', 'true'])).code, 0);
    assert.match(await ok(d, ['container', 'prune', '-f']), /^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: \S+\n$/);
    assert.equal(await ok(d, ['ps', '-aq']), '');
  });
});
