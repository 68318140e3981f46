// What a container sees from inside, through the real docker CLI on berthd: Docker's default
// capabilities, seccomp, namespaces, mounts, masked and read-only paths, and each security,
// device, ulimit, sysctl and resource option, read back from /proc and the cgroup files.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type TestDaemon, berth, docker, hasDocker, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

/** Docker's default capability set as /proc shows it. */
const DOCKER_DEFAULT_CAPS = '00000000a80425fb';

async function sh(d: TestDaemon, opts: string[], script: string): Promise<string> {
  const r = await docker(d, ['run', '--rm', ...opts, 'busybox', 'sh', '-c', script]);
  assert.equal(r.code, 0, `docker run ${opts.join(' ')} … ${script} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A field of /proc/self/status, read by the container's shell. */
async function status(d: TestDaemon, opts: string[], field: string): Promise<string> {
  const line = await sh(d, opts, `grep '^${field}:' /proc/self/status`);
  return line.slice(field.length + 1).trim();
}

test('containers get Docker’s isolation, and the options change it', { skip, timeout: 300_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);

  await t.test('defaults: capabilities, seccomp, namespaces, hostname, default bridge and none', async () => {
    assert.equal(await status(d, [], 'CapEff'), DOCKER_DEFAULT_CAPS);
    assert.equal(await status(d, [], 'CapBnd'), DOCKER_DEFAULT_CAPS);
    assert.equal(await status(d, [], 'Seccomp'), '2');
    assert.equal(await status(d, [], 'NoNewPrivs'), '0');
    // pid namespace: the shell is PID 1 and the only process (the shell expands the glob itself,
    // so no child of its own is counted; a pipeline's children start at their own pace).
    assert.equal(await sh(d, [], 'echo $$; echo /proc/[0-9]*'), '1\n/proc/1\n');
    // On the default bridge /etc/hosts names the container's address; with --network none it
    // has only the localhost lines, as in Docker.
    const host = (await sh(d, [], 'hostname; cat /etc/hostname; grep -c localhost /etc/hosts; test -s /etc/resolv.conf && echo resolv; grep -c "$(hostname)" /etc/hosts')).split('\n');
    assert.match(host[0]!, /^[0-9a-f]{12}$/);
    assert.deepEqual(host.slice(1), [host[0], '2', 'resolv', '1', '']);
    assert.equal(await sh(d, [], 'ls /sys/class/net'), 'eth0\nlo\n');
    assert.equal(await sh(d, ['--network', 'none'], 'ls /sys/class/net; grep -c "$(hostname)" /etc/hosts || true'), 'lo\n0\n');
    // Namespaces differ from the host's.
    const inside = await sh(d, [], 'for n in ipc mnt net pid uts; do readlink /proc/self/ns/$n; done');
    for (const [i, n] of ['ipc', 'mnt', 'net', 'pid', 'uts'].entries()) {
      assert.notEqual(inside.split('\n')[i], readlinkSync(`/proc/self/ns/${n}`), `${n} namespace is the host's`);
    }
  });

  await t.test('--pid container:<name> joins the other container\'s PID namespace', async () => {
    const r = await docker(d, ['run', '-d', '--name', 'pid-donor', 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(await sh(d, ['--pid', 'container:pid-donor'], 'ps -o args'), /sleep 300/);
    assert.equal((await docker(d, ['rm', '-f', 'pid-donor'])).code, 0);
  });

  await t.test('default mounts, masked and read-only paths', async () => {
    const mounts = await sh(d, [], 'cat /proc/mounts');
    const at = (path: string): string[] => {
      const line = mounts.split('\n').find((l) => l.split(' ')[1] === path);
      assert.ok(line, `nothing mounted on ${path}:\n${mounts}`);
      return line.split(' ');
    };
    assert.equal(at('/proc')[2], 'proc');
    assert.equal(at('/dev')[2], 'tmpfs');
    assert.equal(at('/dev/pts')[2], 'devpts');
    assert.equal(at('/dev/mqueue')[2], 'mqueue');
    assert.equal(at('/dev/shm')[2], 'tmpfs');
    assert.match(at('/dev/shm')[3]!, /size=65536k/);
    assert.match(at('/sys')[3]!, /^ro,/);
    assert.match(mounts, / \/sys\/fs\/cgroup\/\S+ cgroup ro,/);
    assert.equal(at('/')[2], 'overlay');
    // Masked: empty; read-only: writes refused.
    assert.equal(await sh(d, [], 'wc -c < /proc/timer_list; ls /proc/acpi | wc -l; ls /sys/firmware | wc -l'), '0\n0\n0\n');
    const procSys = await docker(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo x > /proc/sys/kernel/hostname']);
    assert.notEqual(procSys.code, 0);
    assert.match(procSys.stderr, /Read-only file system/);
  });

  await t.test('--cap-drop, --cap-add, --privileged', async () => {
    assert.equal(await status(d, ['--cap-drop', 'ALL'], 'CapEff'), '0000000000000000');
    // NET_ADMIN is bit 12; dropping CHOWN (bit 0) takes it out of the default set.
    assert.equal(await status(d, ['--cap-add', 'NET_ADMIN', '--cap-drop', 'CHOWN'], 'CapEff'), '00000000a80435fa');
    const chown = await docker(d, ['run', '--rm', '--cap-drop', 'CHOWN', 'busybox', 'chown', 'nobody', '/tmp']);
    assert.equal(chown.code, 1);
    assert.match(chown.stderr, /Operation not permitted/);
    const priv = (await sh(d, ['--privileged'], 'grep -E "^(CapEff|Seccomp):" /proc/self/status; grep " /sys " /proc/mounts; test -e /dev/loop-control && echo host-devices')).split('\n');
    // Everything berthd holds (this host withholds CAP_SYS_RESOURCE even from root).
    const bounding = /^CapBnd:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    assert.equal(priv[0], `CapEff:\t${bounding}`);
    assert.match(priv[1]!, /^Seccomp:\s+0$/);
    assert.match(priv[2]!, / sysfs rw,/);
    assert.equal(priv[3], 'host-devices');
  });

  await t.test('--read-only, --security-opt no-new-privileges and seccomp', async () => {
    const ro = await docker(d, ['run', '--rm', '--read-only', 'busybox', 'touch', '/x']);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(await sh(d, ['--read-only', '--tmpfs', '/tmp'], 'touch /tmp/x && echo ok'), 'ok\n');
    assert.equal(await status(d, ['--security-opt', 'no-new-privileges'], 'NoNewPrivs'), '1');
    assert.equal(await status(d, ['--security-opt', 'seccomp=unconfined'], 'Seccomp'), '0');
    // A profile of our own, which the CLI reads and sends: mkdir fails with EPERM.
    const profile = join(d.dir, 'no-mkdir.json');
    writeFileSync(
      profile,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
      }),
    );
    const denied = await docker(d, ['run', '--rm', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/tmp/d']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Operation not permitted/);
    assert.equal(await sh(d, [], 'mkdir /tmp/d && echo made'), 'made\n');
  });

  await t.test('--device, --ulimit, --sysctl, --shm-size, --init, -h, -u, --group-add, -w', async () => {
    assert.equal(await sh(d, ['--device', '/dev/null:/dev/xnull'], 'test -c /dev/xnull && echo hi > /dev/xnull && echo char'), 'char\n');
    assert.equal(await sh(d, ['--ulimit', 'nofile=1024:2048'], 'ulimit -n; ulimit -Hn'), '1024\n2048\n');
    const tooHigh = await docker(d, ['run', '--rm', '--ulimit', 'nofile=1073741816:1073741816', 'busybox', 'true']);
    assert.equal(tooHigh.code, 125);
    assert.match(tooHigh.stderr, /ulimit nofile: hard limit 1073741816 is above this host's limit/);
    assert.equal(await sh(d, ['--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.shm_rmid_forced=1'], 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced'), '1\n1\n');
    const hostNet = await docker(d, ['run', '--rm', '--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'true']);
    assert.equal(hostNet.code, 125);
    assert.match(hostNet.stderr, /sysctl.*net\.ipv4\.ip_forward.*host network/);
    assert.match(await sh(d, ['--shm-size', '128m'], 'grep " /dev/shm " /proc/mounts'), /size=131072k/);
    // The host's tini, mounted as Docker mounts its init.
    assert.equal(await sh(d, ['--init'], 'cat /proc/1/comm'), 'docker-init\n');
    assert.equal(await sh(d, ['-h', 'box1', '-u', 'nobody', '--group-add', '10', '-w', '/tmp'], 'hostname; id -u; id -G; pwd'), 'box1\n65534\n65534 10\n/tmp\n');
  });

  await t.test('bind mounts (-v, --mount) and tmpfs; a bad volume name is refused', async () => {
    const host = join(d.dir, 'shared');
    mkdirSync(host);
    writeFileSync(join(host, 'in.txt'), 'from the host\n');
    assert.equal(await sh(d, ['-v', `${host}:/data`], 'cat /data/in.txt; echo back > /data/out.txt'), 'from the host\n');
    assert.equal(readFileSync(join(host, 'out.txt'), 'utf8'), 'back\n');
    const ro = await docker(d, ['run', '--rm', '-v', `${host}:/data:ro`, 'busybox', 'touch', '/data/x']);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(await sh(d, ['--mount', `type=bind,src=${host},dst=/m,readonly`, '--mount', 'type=tmpfs,dst=/t,tmpfs-size=65536'], 'cat /m/in.txt; grep " /t " /proc/mounts | grep -o size=64k'), 'from the host\nsize=64k\n');
    // -v creates a missing source directory, as Docker does; --mount refuses it.
    const made = join(d.dir, 'made-by-v');
    assert.equal(await sh(d, ['-v', `${made}:/made`], 'echo ok > /made/f; cat /made/f'), 'ok\n');
    assert.equal(readFileSync(join(made, 'f'), 'utf8'), 'ok\n');
    const missing = await docker(d, ['run', '--rm', '--mount', `type=bind,src=${join(d.dir, 'nope')},dst=/x`, 'busybox', 'true']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /bind source path does not exist: .*nope/);
    const id = (await docker(d, ['create', '-v', `${host}:/data:ro`, 'busybox', 'true'])).stdout.trim();
    const mounts = JSON.parse((await docker(d, ['inspect', '--format', '{{json .Mounts}}', id])).stdout) as Record<string, unknown>[];
    assert.deepEqual(mounts, [{ Type: 'bind', Source: host, Destination: '/data', Mode: 'ro', RW: false, Propagation: 'rprivate' }]);
    assert.equal((await docker(d, ['rm', id])).code, 0);
    // Volumes have their own test (docker-cli-volumes); a bad name is a bad -v.
    const named = await docker(d, ['run', '--rm', '-v', 'da$ta:/data', 'busybox', 'true']);
    assert.equal(named.code, 125);
    assert.match(named.stderr, /invalid volume name: "da\$ta" includes invalid characters/);
    const hostNet = await docker(d, ['run', '--rm', '--network', 'host', '-p', '18080:80', 'busybox', 'true']);
    assert.equal(hostNet.code, 0, hostNet.stderr);
    assert.match(hostNet.stderr, /WARNING: Published ports are discarded when using host network mode/);
  });

  await t.test('resources reach the cgroup; an OOM kill is reported', async () => {
    const cg = await sh(
      d,
      ['--memory', '64m', '--memory-swap', '64m', '--pids-limit', '50', '--cpus', '0.5', '--cpuset-cpus', '0', '--cpu-shares', '512'],
      'cd /sys/fs/cgroup; cat memory/memory.limit_in_bytes pids/pids.max cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.shares cpuset/cpuset.cpus',
    );
    assert.equal(cg, '67108864\n50\n50000\n100000\n512\n0\n');
    const since = Math.floor(Date.now() / 1000) - 1;
    // Grows a shell variable far past the limit; without swap the kernel kills it.
    const oom = await docker(d, ['run', '--name', 'oom', '--memory', '16m', '--memory-swap', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived']);
    assert.equal(oom.code, 137, oom.stdout + oom.stderr);
    const state = JSON.parse(await docker(d, ['inspect', 'oom']).then((r) => r.stdout)) as { State: { OOMKilled: boolean; ExitCode: number } }[];
    assert.equal(state[0]!.State.OOMKilled, true);
    assert.equal(state[0]!.State.ExitCode, 137);
    const events = await docker(d, ['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=oom', '--format', '{{.Action}}']);
    assert.equal(events.code, 0, events.stderr);
    assert.deepEqual(events.stdout.trim().split('\n'), ['create', 'attach', 'start', 'oom', 'die']);
    assert.equal((await docker(d, ['rm', 'oom'])).code, 0);
  });
});
