// The real docker CLI drives containers on berthd: run (attached, -d, --rm, -i, -t), logs,
// exec, attach, stop, kill, rm, ps, inspect, stats, wait, update, pause, top, rename, and
// Docker's errors and exit codes.

import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type TestDaemon, berth, docker, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[], input?: string): Promise<string> {
  const r = await docker(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Runs the docker CLI on a pseudo-terminal (script(1)), for -t. script's stdin stays open a
 * second after the input: when it ends at once, script hangs the terminal up and output still
 * in flight is lost.
 */
function dockerTty(d: TestDaemon, args: string[], input = ''): ReturnType<typeof run> {
  const cmd = ['/usr/local/bin/docker', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return run('bash', ['-c', 'script -qec "$0" /dev/null < <(printf %s "$1"; sleep 1)', cmd, input], {
    env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/docker-config` },
  });
}

test('docker CLI drives containers on berthd', { skip, timeout: 300_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);

  await t.test('run, attached: output, stderr, exit code', async () => {
    const r = await docker(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  await t.test('run -i pipes stdin; run -t gets a terminal', async () => {
    const piped = await docker(d, ['run', '--rm', '-i', 'busybox', 'cat'], { input: 'hello stdin\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'hello stdin\n');
    const tty = await dockerTty(d, ['run', '--rm', '-t', 'busybox', 'sh', '-c', 'tty; echo done']);
    assert.equal(tty.code, 0, tty.stdout + tty.stderr);
    assert.match(tty.stdout, /\/dev\/pts\/0/);
    assert.match(tty.stdout, /done/);
  });

  await t.test('missing and non-executable commands: 127 and 126 with the runtime words', async () => {
    const missing = await docker(d, ['run', '--rm', 'busybox', 'nosuchcmd']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /executable file not found in \$PATH/);
    const notExec = await docker(d, ['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(notExec.code, 126);
    assert.match(notExec.stderr, /permission denied/);
  });

  await t.test('an unknown image: Docker tries a pull, which fails here; exit 125', async () => {
    // A registry on a closed loopback port: the pull fails without leaving the machine.
    const r = await docker(d, ['run', '--rm', '127.0.0.1:9/nosuch/image:1']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Unable to find image '127\.0\.0\.1:9\/nosuch\/image:1' locally/);
  });

  let id = '';
  await t.test('run -d, ps, logs, logs -f ends with the container, inspect', async () => {
    id = (await ok(d, ['run', '-d', '--name', 'ticker', '--label', 'team=a', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.3; done; sleep 600'])).trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    const ps = await ok(d, ['ps']);
    assert.match(ps, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/m);
    // docker truncates the command to 20 characters.
    assert.match(ps, new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'for i in 1 2…"\\s+.+\\s+Up .+\\s+ticker$`, 'm'));
    assert.equal((await ok(d, ['ps', '-q', '--filter', 'label=team=a'])).trim(), id.slice(0, 12));
    assert.equal((await ok(d, ['ps', '-q', '--filter', 'label=team=b'])).trim(), '');
    assert.equal((await ok(d, ['ps', '--format', '{{.Names}} {{.State}}', '--filter', 'status=running'])).trim(), 'ticker running');
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(await ok(d, ['logs', 'ticker']), 'tick 1\ntick 2\ntick 3\n');
    assert.equal(await ok(d, ['logs', '--tail', '1', 'ticker']), 'tick 3\n');
    assert.match(await ok(d, ['logs', '-t', '--tail', '1', 'ticker']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick 3\n$/);
    const inspect = JSON.parse(await ok(d, ['inspect', 'ticker'])) as {
      Id: string;
      Name: string;
      State: { Running: boolean; Pid: number };
      Config: { Labels: Record<string, string>; Image: string };
    }[];
    assert.equal(inspect[0]?.Id, id);
    assert.equal(inspect[0]?.Name, '/ticker');
    assert.equal(inspect[0]?.State.Running, true);
    assert.ok((inspect[0]?.State.Pid ?? 0) > 0);
    assert.equal(inspect[0]?.Config.Labels.team, 'a');
    assert.equal(inspect[0]?.Config.Image, 'busybox');
  });

  await t.test('exec: output, exit codes, -e/-w/-u, -it through a terminal', async () => {
    assert.equal(await ok(d, ['exec', 'ticker', 'sh', '-c', 'echo in; hostname']), `in\n${id.slice(0, 12)}\n`);
    const failed = await docker(d, ['exec', 'ticker', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3);
    const missing = await docker(d, ['exec', 'ticker', 'nosuchcmd']);
    assert.equal(missing.code, 127, missing.stderr);
    assert.equal(
      (await ok(d, ['exec', '-e', 'X=1', '-w', '/tmp', '-u', 'nobody', 'ticker', 'sh', '-c', 'echo $X $(pwd) $(id -u)'])).trim(),
      '1 /tmp 65534',
    );
    const tty = await dockerTty(d, ['exec', '-it', 'ticker', 'sh', '-c', 'tty && echo ok'], '');
    assert.equal(tty.code, 0, tty.stdout);
    assert.match(tty.stdout, /\/dev\/pts\/\d+/);
    assert.equal((await ok(d, ['exec', '-i', 'ticker', 'cat'], 'piped\n')).trim(), 'piped');
    assert.equal((await ok(d, ['exec', '-d', 'ticker', 'sh', '-c', 'echo detached > /tmp/d'])).trim(), '');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await ok(d, ['exec', 'ticker', 'cat', '/tmp/d'])).trim(), 'detached');
  });

  await t.test('top, stats --no-stream, update, pause and unpause', async () => {
    const top = await ok(d, ['top', 'ticker']);
    assert.match(top, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/);
    assert.match(top, /sleep 600/);
    const stats = await ok(d, ['stats', '--no-stream', 'ticker']);
    assert.match(stats, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS/);
    assert.match(stats, new RegExp(`^${id.slice(0, 12)}\\s+ticker\\s+\\d+\\.\\d+%\\s+\\S+ / \\S+`, 'm'));
    await ok(d, ['update', '--memory', '64m', '--memory-swap', '64m', 'ticker']);
    assert.equal((await ok(d, ['inspect', '-f', '{{.HostConfig.Memory}}', 'ticker'])).trim(), String(64 << 20));
    assert.match(await ok(d, ['stats', '--no-stream', '--format', '{{.MemUsage}}', 'ticker']), / \/ 64MiB/);
    await ok(d, ['pause', 'ticker']);
    assert.match(await ok(d, ['ps', '--format', '{{.Status}}', '--filter', 'name=ticker']), /\(Paused\)/);
    const execPaused = await docker(d, ['exec', 'ticker', 'true']);
    assert.notEqual(execPaused.code, 0);
    assert.match(execPaused.stderr, /is paused, unpause the container before exec/);
    await ok(d, ['unpause', 'ticker']);
    assert.equal((await ok(d, ['inspect', '-f', '{{.State.Status}}', 'ticker'])).trim(), 'running');
  });

  await t.test('rename, name conflict, rm of a running container, rmi of a used image', async () => {
    await ok(d, ['rename', 'ticker', 'ticker2']);
    const conflict = await docker(d, ['run', '-d', '--name', 'ticker2', 'busybox', 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /Conflict\. The container name "\/ticker2" is already in use by container/);
    const rmRunning = await docker(d, ['rm', 'ticker2']);
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /cannot remove container "\/ticker2": container is running: stop the container before removing or force remove/);
    const rmi = await docker(d, ['rmi', 'busybox']);
    assert.equal(rmi.code, 1);
    assert.match(rmi.stderr, /conflict: unable to remove repository reference "busybox" \(must force\) - container [a-f0-9]{12} is using its referenced image/);
  });

  await t.test('stop sends the stop signal then KILL; kill -s; wait prints the exit code', async () => {
    const trap = (await ok(d, ['run', '-d', 'busybox', 'sh', '-c', 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done'])).trim();
    const t0 = Date.now();
    assert.equal((await ok(d, ['stop', trap])).trim(), trap);
    assert.ok(Date.now() - t0 < 5000, 'the TERM handler should have ended it early');
    assert.equal((await ok(d, ['inspect', '-f', '{{.State.ExitCode}}', trap])).trim(), '0');
    assert.match(await ok(d, ['logs', trap]), /got TERM/);
    const stubborn = (await ok(d, ['run', '-d', 'busybox', 'sleep', '600'])).trim();
    await ok(d, ['stop', '-t', '1', stubborn]);
    assert.equal((await ok(d, ['inspect', '-f', '{{.State.ExitCode}}', stubborn])).trim(), '137');
    // A signal without a handler does nothing to PID 1; with --init, tini passes it on.
    const killed = (await ok(d, ['run', '-d', '--init', 'busybox', 'sleep', '600'])).trim();
    const waiter = docker(d, ['wait', killed]);
    await ok(d, ['kill', '-s', 'USR1', killed]);
    assert.equal((await waiter).stdout.trim(), '138');
    const notRunning = await docker(d, ['kill', killed]);
    assert.equal(notRunning.code, 1);
    assert.match(notRunning.stderr, /is not running/);
    await ok(d, ['rm', trap, stubborn, killed]);
  });

  await t.test('attach to a running container sees new output; start -a', async () => {
    const c = (await ok(d, ['create', '--name', 'later', 'busybox', 'sh', '-c', 'echo started; exit 4'])).trim();
    assert.match(c, /^[a-f0-9]{64}$/);
    assert.equal((await ok(d, ['ps', '-a', '--filter', 'status=created', '--format', '{{.Names}}'])).trim(), 'later');
    const started = await docker(d, ['start', '-a', 'later']);
    assert.equal(started.code, 4);
    assert.equal(started.stdout, 'started\n');
    const loop = (await ok(d, ['run', '-d', 'busybox', 'sh', '-c', 'sleep 1; echo after-attach; sleep 1'])).trim();
    const attached = await docker(d, ['attach', loop]);
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, /after-attach/);
    await ok(d, ['rm', 'later', loop]);
  });

  await t.test('--log-opt max-size and max-file rotate the log; logs reads across the files', async () => {
    // 300 numbered lines in bursts, then the container waits: the log rotates several times.
    const script = 'i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); [ $((i % 20)) = 0 ] && sleep 0.05; done; echo end; sleep 1000';
    const numbers = (out: string): number[] =>
      out.split('\n').filter((l) => l.startsWith('line-')).map((l) => Number(l.slice(5)));
    const settled = async (id: string): Promise<string> => {
      for (let i = 0; i < 200; i++) {
        const out = await ok(d, ['logs', id]);
        if (out.endsWith('end\n')) return out;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the container never printed its last line');
    };
    const files = (id: string): string[] => readdirSync(join(d.dataRoot, 'containers', id)).filter((f) => f.startsWith('container.log')).sort();

    const rotated = (await ok(d, ['run', '-d', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script])).trim();
    const out = await settled(rotated);
    const seen = numbers(out);
    assert.ok(seen[0]! > 0, 'the oldest lines have rotated away');
    assert.deepEqual(seen, Array.from({ length: 300 - seen[0]! }, (_, i) => seen[0]! + i), 'what is kept has no gap and no repeat');
    assert.deepEqual(files(rotated), ['container.log', 'container.log.1', 'container.log.2']);
    assert.equal(await ok(d, ['logs', '--tail', '3', rotated]), 'line-298\nline-299\nend\n');
    const inspect = JSON.parse(await ok(d, ['inspect', rotated])) as { HostConfig: { LogConfig: { Config: Record<string, string> } } }[];
    assert.deepEqual(inspect[0]!.HostConfig.LogConfig.Config, { 'max-size': '2k', 'max-file': '3' });

    // max-file 1 (the default): conmon starts the file afresh, as Docker truncates it.
    const truncated = (await ok(d, ['run', '-d', '--log-opt', 'max-size=1k', 'busybox', 'sh', '-c', script])).trim();
    const kept = numbers(await settled(truncated));
    assert.ok(kept[0]! > 250, `only the last kilobyte is kept, from line ${kept[0]}`);
    assert.deepEqual(files(truncated), ['container.log']);
    assert.ok(statSync(join(d.dataRoot, 'containers', truncated, 'container.log')).size <= 1024);

    const bad = await docker(d, ['run', '--rm', '--log-opt', 'max-file=0', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /max-file cannot be less than 1/);
    await ok(d, ['rm', '-f', rotated, truncated]);
  });

  await t.test('ps -s, inspect --size and system df report the writable layer', async () => {
    await ok(d, ['run', '--name', 'sized', 'busybox', 'sh', '-c', 'head -c 300000 /dev/zero > /big']);
    const ps = await ok(d, ['ps', '-a', '-s', '--filter', 'name=sized', '--format', '{{.Size}}']);
    assert.match(ps.trim(), /^30\dkB \(virtual [\d.]+MB\)$/);
    const sizes = JSON.parse(await ok(d, ['inspect', '--size', '--format', '{{json .SizeRw}} {{json .SizeRootFs}}', 'sized']).then((o) => `[${o.trim().replace(' ', ',')}]`));
    assert.ok(sizes[0] >= 300000 && sizes[0] < 320000, `SizeRw ${sizes[0]}`);
    assert.ok(sizes[1] > sizes[0]);
    const df = await ok(d, ['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Size}}']);
    assert.match(df, /^Containers [1-9]\d* 30\dkB$/m);
    await ok(d, ['rm', 'sized']);
  });

  await t.test('rm -f, container prune, ps -a empty; no leftovers', async () => {
    await ok(d, ['rm', '-f', 'ticker2']);
    await ok(d, ['run', '--name', 'done1', 'busybox', 'true']);
    const pruned = await ok(d, ['container', 'prune', '-f']);
    assert.match(pruned, /Deleted Containers:/);
    assert.match(pruned, /Total reclaimed space:/);
    assert.equal((await ok(d, ['ps', '-aq'])).trim(), '');
  });
});
