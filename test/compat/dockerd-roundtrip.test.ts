// Images cross between berth and a real Docker (Debian's dockerd 20.10, when installed): an
// image berth saves loads into dockerd and runs there; an image dockerd saves (its legacy
// docker-archive layout) loads into berth with the same image ID.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { DOCKER, berth, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { mountsUnder, needsRoot } from '../helpers/env.js';

const DOCKERD = '/usr/sbin/dockerd';
const skip =
  needsRoot() ||
  (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker') ||
  (existsSync(DOCKERD) ? false : `${DOCKERD} is not installed (Debian package docker.io): no real Docker to cross-check with`);

test('berth save → docker load and run; docker save → berth load', { skip, timeout: 180_000 }, async (t) => {
  const d = await startDaemon(t);
  // Its own directory, cleaned by its own hook: dockerd bind-mounts its data root onto itself.
  const dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
  // Containers' cgroups under a name of this test's, removed afterwards (dockerd leaves them).
  const cgroupParent = `berth-test-${basename(dir)}`;
  const sock = join(dir, 'docker.sock');
  // No bridge and no iptables: this dockerd touches nothing of the host's network.
  const dockerd: ChildProcess = spawn(
    DOCKERD,
    [
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '-H', `unix://${sock}`,
      '--bridge=none', '--iptables=false', '--ip-masq=false', '--ip-forward=false',
      '--cgroup-parent', `/${cgroupParent}`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => dockerd.on('exit', () => resolve()));
  t.after(async () => {
    if (dockerd.exitCode === null && dockerd.signalCode === null) {
      dockerd.kill('SIGTERM');
      const timer = setTimeout(() => dockerd.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    for (const m of mountsUnder(dir).reverse()) await run('umount', [m]);
    for (const controller of readdirSync('/sys/fs/cgroup')) {
      const cg = join('/sys/fs/cgroup', controller, cgroupParent);
      if (existsSync(cg)) await run('find', [cg, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';']);
    }
    const left = mountsUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left, [], 'dockerd left mounts behind');
  });
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(d.dir, 'docker-config') };
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  const dk = (args: string[]): ReturnType<typeof run> => run(DOCKER, args, { env });
  for (let i = 0; i < 150 && (await dk(['version'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));

  const seeded = await berth(d, ['image', 'seed']);
  assert.equal(seeded.code, 0, seeded.stderr);
  const id = (await berth(d, ['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim();

  const fromBerth = join(d.dir, 'from-berth.tar');
  assert.equal((await berth(d, ['save', '-o', fromBerth, 'busybox'])).code, 0);
  const loaded = await dk(['load', '-i', fromBerth]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded image: busybox:latest/);
  assert.equal((await dk(['image', 'inspect', '--format', '{{.Id}}', 'busybox'])).stdout.trim(), id);
  const ran = await dk(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'echo from berth; cat /etc/passwd | head -1']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(ran.stdout, 'from berth\nroot:x:0:0:root:/root:/bin/sh\n');

  // dockerd 20.10 writes the legacy layout: <v1 id>/layer.tar, <config>.json, repositories.
  assert.equal((await dk(['tag', 'busybox', 'from/docker:v1'])).code, 0);
  const fromDocker = join(d.dir, 'from-docker.tar');
  assert.equal((await dk(['save', '-o', fromDocker, 'from/docker:v1'])).code, 0);
  assert.match((await run('tar', ['-tf', fromDocker])).stdout, /\/layer\.tar$/m);
  const back = await berth(d, ['load', '-i', fromDocker]);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /Loaded image: from\/docker:v1/);
  assert.equal((await berth(d, ['image', 'inspect', '--format', '{{.Id}}', 'from/docker:v1'])).stdout.trim(), id);
  // Docker and berth agree on the size of the image.
  const dockerSize = (await dk(['images', '--format', '{{.Size}}', 'busybox'])).stdout.trim();
  const berthSize = (await berth(d, ['images', '--format', '{{.Size}}', 'busybox'])).stdout.trim();
  assert.equal(berthSize, dockerSize);
});
