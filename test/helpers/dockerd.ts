// A real dockerd (Debian's docker.io, 20.10) for tests that cross-check berth with Docker: its
// own data root, exec root and socket under a private temp dir, no bridge and no iptables (it
// touches nothing of the host's network), containers' cgroups under a parent of the test's.
// Stopped when the test ends; its mounts and cgroups are removed and the test fails if a
// mount is left behind.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DOCKER, type RunResult, hasDocker, run } from './daemon.js';
import { mountsUnder, needsRoot } from './env.js';

export const DOCKERD = '/usr/sbin/dockerd';

/** Why a dockerd test cannot run here, or false when it can. */
export function needsDockerd(): string | false {
  return (
    needsRoot() ||
    (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker') ||
    (existsSync(DOCKERD) ? false : `${DOCKERD} is not installed (Debian package docker.io): no real Docker to cross-check with`)
  );
}

/**
 * dockerd on roots under `dir` (socket `dir/docker.sock`), touching nothing of the host's
 * firewall; no default bridge unless `bridge` names one the caller made (and removes).
 */
export function dockerdArgs(dir: string, cgroupParent: string, bridge = 'none'): string[] {
  return [
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'),
    '-H', `unix://${join(dir, 'docker.sock')}`,
    `--bridge=${bridge}`, '--iptables=false', '--ip-masq=false', '--ip-forward=false',
    '--cgroup-parent', `/${cgroupParent}`,
  ];
}

export interface TestDockerd {
  dir: string;
  /** Runs the docker CLI against this dockerd, with a config directory of its own. */
  docker(args: string[], input?: string): Promise<RunResult>;
}

export async function startDockerd(t: { after(fn: () => void | Promise<void>): void }): Promise<TestDockerd> {
  // Its own directory, cleaned by its own hook: dockerd bind-mounts its data root onto itself.
  const dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
  const cgroupParent = `berth-test-${basename(dir)}`;
  const sock = join(dir, 'docker.sock');
  const dockerd: ChildProcess = spawn(DOCKERD, dockerdArgs(dir, cgroupParent), { stdio: 'ignore' });
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
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(dir, 'docker-config') };
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  const docker = (args: string[], input?: string): Promise<RunResult> => run(DOCKER, args, { env, ...(input === undefined ? {} : { input }) });
  for (let i = 0; i < 150 && (await docker(['version'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
  return { dir, docker };
}
