// Named and anonymous volumes through the real docker CLI against a real berthd: data kept
// across containers, read-only mounts, an image VOLUME filled from the image, --volumes-from,
// `rm -v`, a volume in use refused, a tmpfs volume from driver options, `system df -v`, the
// events, and no mount left behind (startDaemon checks that when the test ends).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTar } from '../helpers/archives.js';
import { type TestDaemon, berth, docker, hasDocker, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[], input?: Buffer): Promise<string> {
  const r = await docker(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function mountedAt(path: string): string | undefined {
  const line = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[4] === path);
  return line?.split(' - ')[1]?.split(' ')[0];
}

test('docker CLI: named and anonymous volumes', { skip, timeout: 120_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const since = String(Math.floor(Date.now() / 1000) - 1);

  await t.test('a named volume keeps data across containers; :ro refuses writes', async () => {
    assert.equal((await ok(d, ['volume', 'create', '--label', 'k=v', 'data'])).trim(), 'data');
    await ok(d, ['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f']);
    assert.equal(await ok(d, ['run', '--rm', '--mount', 'type=volume,source=data,target=/x', 'busybox', 'cat', '/x/f']), 'kept\n');
    const ro = await docker(d, ['run', '--rm', '-v', 'data:/data:ro', 'busybox', 'sh', '-c', 'echo no > /data/f']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    const v = JSON.parse(await ok(d, ['volume', 'inspect', 'data']))[0];
    assert.equal(v.Mountpoint, join(d.dataRoot, 'volumes', 'data', '_data'));
    assert.deepEqual(v.Labels, { k: 'v' });
    assert.equal(v.Driver, 'local');
    assert.equal(readFileSync(join(v.Mountpoint, 'f'), 'utf8'), 'kept\n');
    assert.equal(await ok(d, ['volume', 'ls', '-q', '--filter', 'label=k=v']), 'data\n');
    // A bind inside a volume's path is mounted after the volume, whatever the order asked.
    assert.equal(await ok(d, ['run', '--rm', '-v', `${d.dir}:/data/sub:ro`, '-v', 'data:/data', 'busybox', 'test', '-d', '/data/sub/data']), '');
  });

  await t.test('--read-only with a writable volume, and Mounts in inspect', async () => {
    await ok(d, ['create', '--name', 'ro', '--read-only', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo w > /data/w && ! touch /x 2>/dev/null']);
    await ok(d, ['start', '-a', 'ro']);
    const c = JSON.parse(await ok(d, ['inspect', 'ro']))[0];
    assert.deepEqual(c.Mounts, [
      { Type: 'volume', Name: 'data', Source: join(d.dataRoot, 'volumes', 'data', '_data'), Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
    ]);
  });

  await t.test('volume rm of a volume in use is refused with dockerd words', async () => {
    const id = JSON.parse(await ok(d, ['inspect', 'ro']))[0].Id;
    const r = await docker(d, ['volume', 'rm', 'data']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: remove data: volume is in use - [${id}]\n`);
    await ok(d, ['rm', 'ro']);
    assert.equal(await ok(d, ['volume', 'rm', 'data']), 'data\n');
    const gone = await docker(d, ['volume', 'inspect', 'data']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no such volume/);
  });

  await t.test('an image VOLUME gets an anonymous volume filled from the image; --volumes-from; rm -v', async () => {
    const tar = await makeTar([
      { name: 'data/', type: 'directory', mode: 0o750, uid: 1234, gid: 5678 },
      { name: 'data/file', data: 'from the image\n', mode: 0o640, uid: 1234, gid: 5678 },
    ]);
    await ok(d, ['import', '--change', 'VOLUME /data', '-', 'withvol:latest'], tar);
    const hostDir = join(d.dir, 'bound');
    mkdirSync(hostDir);
    writeFileSync(join(hostDir, 'h'), 'from the host\n');
    await ok(d, ['create', '--name', 'holder', '-v', `${hostDir}:/hb`, 'withvol', '/none']);
    const holder = JSON.parse(await ok(d, ['inspect', 'holder']))[0];
    const m = holder.Mounts.find((x: { Type: string }) => x.Type === 'volume');
    assert.equal(m.Type, 'volume');
    assert.match(m.Name, /^[0-9a-f]{64}$/);
    assert.equal(m.Destination, '/data');
    assert.equal(m.Mode, '');
    // --volumes-from takes the holder's volumes and its binds, here read-only.
    const out = await ok(d, ['run', '--rm', '--volumes-from', 'holder:ro', 'busybox', 'sh', '-c', 'cat /data/file /hb/h; stat -c "%u:%g %a" /data/file /data; touch /data/x 2>&1 || true; touch /hb/x 2>&1 || true']);
    assert.match(out, /^from the image\nfrom the host\n1234:5678 640\n1234:5678 750\n.*Read-only file system.*Read-only file system/s);
    const vol = JSON.parse(await ok(d, ['volume', 'inspect', m.Name]))[0];
    assert.deepEqual(vol.Labels, { 'com.docker.volume.anonymous': '' });
    const missing = await docker(d, ['create', '--volumes-from', 'nope', 'busybox']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: No such container: nope\n']);
    await ok(d, ['rm', '-v', 'holder']);
    assert.equal((await docker(d, ['volume', 'inspect', m.Name])).code, 1);
  });

  await t.test('-v /path and --rm: the anonymous volume goes with the container; nocopy', async () => {
    await ok(d, ['run', '--rm', '-v', '/etc', 'busybox', 'test', '-f', '/etc/passwd']);
    await ok(d, ['run', '--rm', '--mount', 'type=volume,target=/etc,volume-nocopy', 'busybox', 'sh', '-c', 'test ! -e /etc/passwd']);
    assert.equal(await ok(d, ['volume', 'ls', '-q']), '');
  });

  await t.test('-o type=tmpfs,device=tmpfs mounts a tmpfs at first use and unmounts it after', async () => {
    await ok(d, ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'tmp']);
    const path = join(d.dataRoot, 'volumes', 'tmp', '_data');
    assert.equal(mountedAt(path), undefined);
    const out = await ok(d, ['run', '--rm', '-v', 'tmp:/t', 'busybox', 'sh', '-c', 'grep " /t " /proc/mounts']);
    assert.match(out, /^tmpfs \/t tmpfs .*size=1024k/);
    assert.equal(mountedAt(path), undefined);
    const bad = await docker(d, ['volume', 'create', '-o', 'foo=bar', 'bad']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Error response from daemon: create bad: invalid option: "foo"\n');
  });

  await t.test('system df -v counts volumes; prune takes anonymous ones unless --all', async () => {
    await ok(d, ['create', '--name', 'user', '-v', 'tmp:/t:ro', '-v', '/anon', 'busybox']);
    const modes = JSON.parse(await ok(d, ['inspect', '-f', '{{json .Mounts}}', 'user'])).map((m: { Destination: string; Mode: string; RW: boolean }) => [m.Destination, m.Mode, m.RW]);
    // The docker CLI sends -v /anon as Config.Volumes, as an image VOLUME: no mode.
    assert.deepEqual(modes, [['/t', 'ro', false], ['/anon', '', true]]);
    const df = await ok(d, ['system', 'df', '-v']);
    assert.match(df, /Local Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\n/);
    assert.match(df, /\ntmp\s+1\s+0B\n/);
    await ok(d, ['rm', 'user']);
    const pruned = await ok(d, ['volume', 'prune', '-f']);
    assert.match(pruned, /Deleted Volumes:\n[0-9a-f]{64}\n/);
    assert.equal(await ok(d, ['volume', 'ls', '-q']), 'tmp\n');
    assert.match(await ok(d, ['volume', 'prune', '-f', '--all']), /Deleted Volumes:\ntmp\n/);
    // docker system prune --volumes goes through the same route.
    await ok(d, ['rm', (await ok(d, ['create', '-v', '/x', 'busybox'])).trim()]);
    assert.match(await ok(d, ['system', 'prune', '-f', '--volumes']), /Deleted Volumes:\n[0-9a-f]{64}\n/);
  });

  await t.test('the berth CLI against berthd: create, ls, inspect, run -v, rm', async () => {
    assert.deepEqual(await berth(d, ['volume', 'create', '--label', 'by=berth', 'bv']).then((r) => [r.code, r.stdout]), [0, 'bv\n']);
    assert.equal((await berth(d, ['volume', 'ls', '--filter', 'label=by=berth', '--format', '{{.Name}} {{.Driver}}'])).stdout, 'bv local\n');
    assert.equal((await berth(d, ['volume', 'inspect', '-f', '{{.Mountpoint}}', 'bv'])).stdout, `${join(d.dataRoot, 'volumes', 'bv', '_data')}\n`);
    assert.equal((await berth(d, ['run', '--rm', '-v', 'bv:/d', 'busybox', 'sh', '-c', 'echo via berth > /d/f'])).code, 0);
    assert.equal(readFileSync(join(d.dataRoot, 'volumes', 'bv', '_data', 'f'), 'utf8'), 'via berth\n');
    assert.deepEqual(await berth(d, ['volume', 'rm', 'bv', 'bv']).then((r) => [r.code, r.stdout, r.stderr]), [1, 'bv\n', 'Error response from daemon: get bv: no such volume\n']);
  });

  // The event log is in memory: this comes before the daemon restart below.
  await t.test('events: create, mount, unmount, destroy', async () => {
    const out = await ok(d, ['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=volume', '--format', '{{.Action}} {{.Actor.ID}}']);
    assert.match(out, /^create data\n/);
    assert.match(out, /\nmount data\n/);
    assert.match(out, /\nunmount data\n/);
    assert.match(out, /\ndestroy data\n/);
  });

  await t.test('--mount: volume-subpath, volume-opt; a restarted daemon still unmounts at the last exit', async () => {
    await ok(d, ['run', '--rm', '--mount', 'type=volume,source=sub,target=/s', 'busybox', 'mkdir', '-p', '/s/inner/x']);
    assert.equal(await ok(d, ['run', '--rm', '--mount', 'type=volume,source=sub,target=/in,volume-subpath=inner', 'busybox', 'ls', '/in']), 'x\n');
    // A symlink in the volume does not lead a subpath mount out to the host.
    await ok(d, ['run', '--rm', '-v', 'sub:/s', 'busybox', 'ln', '-s', '/', '/s/esc']);
    const esc = await docker(d, ['run', '--rm', '--mount', 'type=volume,source=sub,target=/in,volume-subpath=esc/etc', 'busybox', 'true']);
    assert.notEqual(esc.code, 0);
    assert.match(esc.stderr, /no such file or directory inside the volume/);
    await ok(d, ['run', '-d', '--name', 'long', '--mount', 'type=volume,source=vt,target=/t,volume-opt=type=tmpfs,volume-opt=device=tmpfs', 'busybox', 'sleep', '60']);
    const path = join(d.dataRoot, 'volumes', 'vt', '_data');
    assert.equal(mountedAt(path), 'tmpfs');
    assert.deepEqual(JSON.parse(await ok(d, ['volume', 'inspect', '-f', '{{json .Options}}', 'vt'])), { type: 'tmpfs', device: 'tmpfs' });
    await d.kill9();
    await d.start();
    assert.equal(mountedAt(path), 'tmpfs');
    await ok(d, ['rm', '-f', 'long']);
    assert.equal(mountedAt(path), undefined);
    await ok(d, ['volume', 'rm', 'sub', 'vt']);
  });
});
