// Containers outlive berthd: kill -9 of the daemon with 20 running containers, exits while
// it is down, a host reboot (runtime state gone), a killed monitor, a broken runtime.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type TestDaemon, api, berth, docker, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[]): Promise<string> {
  const r = await docker(d, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function state(d: TestDaemon, ref: string): Promise<{ Status: string; ExitCode: number; Pid: number }> {
  const r = await api(d, 'GET', `/containers/${ref}/json`);
  assert.equal(r.status, 200, r.text);
  return r.json<{ State: { Status: string; ExitCode: number; Pid: number } }>().State;
}

/** The conmon pids of a daemon's tasks (from their pid files in the exec root). */
function conmonPids(d: TestDaemon): number[] {
  const dir = join(d.execRoot, 'tasks', 'tasks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((id) => join(dir, id, 'conmon.pid'))
    .filter((f) => existsSync(f))
    .map((f) => Number(readFileSync(f, 'utf8').trim()))
    .filter((pid) => pid > 0 && existsSync(`/proc/${pid}`));
}

test('containers survive kill -9 of berthd and are re-adopted', { skip, timeout: 300_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    ids.push((await ok(d, ['run', '-d', '--name', `s${i}`, 'busybox', 'sh', '-c', `echo hello ${i}; sleep 600`])).trim());
  }
  // One that will exit while berthd is down, with a code of its own.
  const quitter = (await ok(d, ['run', '-d', '--name', 'quitter', 'busybox', 'sh', '-c', 'sleep 2; exit 42'])).trim();
  const pidsBefore = await Promise.all(ids.map(async (id) => (await state(d, id)).Pid));

  await d.kill9();
  // The containers do not care.
  for (const pid of pidsBefore) assert.ok(existsSync(`/proc/${pid}`), `container process ${pid} died with berthd`);
  await new Promise((r) => setTimeout(r, 2500));
  await d.start();

  const running = (await ok(d, ['ps', '-q', '--no-trunc'])).trim().split('\n').sort();
  assert.deepEqual(running, [...ids].sort());
  for (let i = 0; i < ids.length; i++) assert.equal((await state(d, ids[i]!)).Pid, pidsBefore[i]);
  const q = await state(d, quitter);
  assert.equal(q.Status, 'exited');
  assert.equal(q.ExitCode, 42);

  // Logs, exec, attach-able state, stop and kill work on re-adopted containers.
  assert.equal(await ok(d, ['logs', 's3']), 'hello 3\n');
  assert.equal((await ok(d, ['exec', 's4', 'echo', 'still here'])).trim(), 'still here');
  await ok(d, ['stop', '-t', '1', 's5']);
  assert.equal((await state(d, 's5')).Status, 'exited');
  await ok(d, ['kill', 's6']);
  const killed = await docker(d, ['wait', 's6']);
  assert.equal(killed.stdout.trim(), '137');

  // A graceful stop of berthd leaves them running too.
  assert.equal(await d.stop(), 0);
  assert.ok(existsSync(`/proc/${pidsBefore[0]}`));
  await d.start();
  assert.equal((await state(d, 's0')).Status, 'running');
  await ok(d, ['rm', '-f', ...ids, quitter]);
  assert.deepEqual(conmonPids(d), [], 'monitors left after rm -f');
});

test('after a reboot, always and unless-stopped containers start again', { skip, timeout: 120_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  await ok(d, ['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sleep', '600']);
  await ok(d, ['run', '-d', '--name', 'unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '600']);
  await ok(d, ['run', '-d', '--name', 'never', 'busybox', 'sleep', '600']);
  await ok(d, ['run', '-d', '--name', 'stopped', '--restart', 'unless-stopped', 'busybox', 'sleep', '600']);
  await ok(d, ['stop', '-t', '0', 'stopped']);
  assert.equal(await d.stop(), 0);

  // A reboot: every container process and monitor is gone, and so is the exec root (tmpfs).
  for (const pid of conmonPids(d)) process.kill(pid, 'SIGKILL');
  const runcRoot = join(d.execRoot, 'runtimes', 'runc');
  for (const id of existsSync(runcRoot) ? readdirSync(runcRoot) : []) {
    await run('runc', ['--root', runcRoot, 'kill', id, 'KILL']).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    await run('runc', ['--root', runcRoot, 'delete', '-f', id]);
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined && (m.startsWith(d.dataRoot) || m.startsWith(d.execRoot)));
  for (const m of mounts.reverse()) await run('umount', [m]);
  rmSync(d.execRoot, { recursive: true, force: true });
  // Bridges and firewall rules do not survive a reboot either.
  await run('ip', ['link', 'del', d.bridge]);
  await run('nft', ['delete', 'table', 'ip', `berth-${d.bridge}`]);

  await d.start();
  assert.equal((await state(d, 'always')).Status, 'running');
  assert.equal((await state(d, 'unless')).Status, 'running');
  assert.equal((await state(d, 'never')).Status, 'exited');
  assert.equal((await state(d, 'stopped')).Status, 'exited');
});

test('restart policies: on-failure retries with a limit, --rm removes', { skip, timeout: 120_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  await ok(d, ['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
  for (let i = 0; i < 50; i++) {
    const s = await state(d, 'flaky');
    if (s.Status === 'exited') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const inspect = JSON.parse(await ok(d, ['inspect', 'flaky'])) as { RestartCount: number; State: { Status: string; ExitCode: number } }[];
  assert.equal(inspect[0]?.State.Status, 'exited');
  assert.equal(inspect[0]?.State.ExitCode, 3);
  assert.equal(inspect[0]?.RestartCount, 2);
  const events = await ok(d, ['events', '--since', '0', '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=flaky', '--filter', 'event=start']);
  assert.equal(events.trim().split('\n').length, 3, events);

  const rm = await docker(d, ['run', '--rm', '--name', 'gone', 'busybox', 'true']);
  assert.equal(rm.code, 0);
  assert.equal((await api(d, 'GET', '/containers/gone/json')).status, 404);
});

test('faults: a killed monitor, a broken runtime, healthchecks', { skip, timeout: 120_000 }, async (t) => {
  const d = await startDaemon(t, { args: ['--add-runtime', 'broken=/bin/false'] });
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);

  // A runtime that fails: a clear error, exit 125, nothing left running.
  const broken = await docker(d, ['run', '--rm', '--runtime', 'broken', 'busybox', 'true']);
  assert.equal(broken.code, 125);
  assert.match(broken.stderr, /Error response from daemon/);

  // conmon killed under a running container: stop still ends, and nothing hangs.
  const id = (await ok(d, ['run', '-d', '--name', 'orphan', 'busybox', 'sleep', '600'])).trim();
  const before = conmonPids(d);
  assert.equal(before.length, 1);
  process.kill(before[0]!, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const stop = await docker(d, ['stop', '-t', '1', id]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((await state(d, id)).Status, 'exited');

  // A healthcheck that really runs.
  await ok(d, ['run', '-d', '--name', 'hc', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '200ms', '--health-retries', '2', 'busybox', 'sh', '-c', 'sleep 1; touch /tmp/ok; sleep 600']);
  let health = '';
  for (let i = 0; i < 60 && health !== 'healthy'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    health = (await ok(d, ['inspect', '-f', '{{.State.Health.Status}}', 'hc'])).trim();
  }
  assert.equal(health, 'healthy');
  assert.match(await ok(d, ['ps', '--format', '{{.Status}}', '--filter', 'name=hc']), /\(healthy\)/);
  await ok(d, ['exec', 'hc', 'rm', '/tmp/ok']);
  for (let i = 0; i < 60 && health !== 'unhealthy'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    health = (await ok(d, ['inspect', '-f', '{{.State.Health.Status}}', 'hc'])).trim();
  }
  assert.equal(health, 'unhealthy');
});
