// The real docker CLI moves files in and out of containers on berthd: cp both ways (modes,
// owners, symlinks; created and running containers; `-` tar streams), diff, export, commit,
// and paths and archives that try to leave the container's root.

import assert from 'node:assert/strict';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTar } from '../../src/diff/fixture-tar.js';
import { type TestDaemon, berth, docker, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[], input?: string | Buffer): Promise<string> {
  const r = await docker(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

test('docker CLI copies files in and out of containers on berthd', { skip, timeout: 180_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const host = mkdtempSync(join(tmpdir(), 'berth-files-'));
  t.after(() => rmSync(host, { recursive: true, force: true }));
  // What a container must never reach: a directory on the host with a known file.
  const secret = join(host, 'secret');
  mkdirSync(secret);
  writeFileSync(join(secret, 'passwd'), 'host secret\n');
  const secretBefore = readdirSync(secret).sort();

  await ok(d, ['run', '-d', '--name', 'live', 'busybox', 'sleep', '600']);

  await t.test('cp round trip keeps modes, owners and symlinks', async () => {
    const src = join(host, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a'), 'alpha\n', { mode: 0o640 });
    writeFileSync(join(src, 'sub', 'x'), 'x\n', { mode: 0o755 });
    chownSync(join(src, 'a'), 1234, 5678);
    symlinkSync('a', join(src, 'link'));
    await ok(d, ['cp', src, 'live:/data']);
    const st = await ok(d, ['exec', 'live', 'stat', '-c', '%n %a %u:%g', '/data/a', '/data/sub/x']);
    assert.equal(st, '/data/a 640 1234:5678\n/data/sub/x 755 0:0\n');
    assert.equal((await ok(d, ['exec', 'live', 'readlink', '/data/link'])).trim(), 'a');

    const out = join(host, 'out');
    await ok(d, ['cp', 'live:/data', out]);
    assert.equal(readFileSync(join(out, 'a'), 'utf8'), 'alpha\n');
    assert.equal(statSync(join(out, 'a')).mode & 0o777, 0o640);
    assert.equal(statSync(join(out, 'sub', 'x')).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(out, 'link')), 'a');
    // -L follows the link to its target's contents; without it the link itself comes out.
    await ok(d, ['cp', '-L', 'live:/data/link', join(host, 'followed')]);
    assert.equal(readFileSync(join(host, 'followed'), 'utf8'), 'alpha\n');
    assert.ok(!lstatSync(join(host, 'followed')).isSymbolicLink());
  });

  await t.test('cp into a created container, then run it', async () => {
    await ok(d, ['create', '--name', 'cold', 'busybox', 'cat', '/in']);
    writeFileSync(join(host, 'in'), 'copied before start\n');
    await ok(d, ['cp', join(host, 'in'), 'cold:/in']);
    assert.equal(await ok(d, ['start', '-a', 'cold']), 'copied before start\n');
    // And out of the stopped one.
    await ok(d, ['cp', 'cold:/in', join(host, 'back')]);
    assert.equal(readFileSync(join(host, 'back'), 'utf8'), 'copied before start\n');
    // The whole root, as a directory of its own.
    await ok(d, ['cp', 'cold:/', join(host, 'root-copy')]);
    assert.equal(readFileSync(join(host, 'root-copy', 'in'), 'utf8'), 'copied before start\n');
    assert.ok(statSync(join(host, 'root-copy', 'bin', 'busybox')).isFile());
  });

  await t.test('cp with - streams tars in and out', async () => {
    const tar = await makeTar([{ name: 'streamed/', type: 'directory', mode: 0o755 }, { name: 'streamed/f', mode: 0o600, data: 'via stdin\n' }]);
    await ok(d, ['cp', '-', 'live:/tmp'], tar);
    assert.equal(await ok(d, ['exec', 'live', 'cat', '/tmp/streamed/f']), 'via stdin\n');
    const listed = await run('bash', ['-c', 'DOCKER_HOST="$0" DOCKER_CONFIG="$1" docker cp live:/tmp/streamed - | tar -tvf -', d.host, join(d.dir, 'docker-config')]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^drwxr-xr-x .* streamed\/$/m);
    assert.match(listed.stdout, /^-rw------- .* streamed\/f$/m);
  });

  await t.test('errors: a missing path, a file as extraction point', async () => {
    const missing = await docker(d, ['cp', 'live:/nosuch', join(host, 'x')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not find the file \/nosuch in container live/);
    const tar = await makeTar([{ name: 'f', data: 'x' }]);
    const notDir = await docker(d, ['cp', '-', 'live:/data/a'], { input: tar });
    assert.notEqual(notDir.code, 0);
    assert.match(notDir.stderr, /must be a directory/);
    // The CLI asks noOverwriteDirNonDir: a file may not replace a directory, nor the reverse.
    const fileOverDir = await docker(d, ['cp', '-', 'live:/'], { input: await makeTar([{ name: 'data', data: 'x' }]) });
    assert.notEqual(fileOverDir.code, 0);
    assert.match(fileOverDir.stderr, /cannot overwrite directory "\/data" with non-directory "data"/);
    const dirOverFile = await docker(d, ['cp', '-', 'live:/data'], { input: await makeTar([{ name: 'a/', type: 'directory' }]) });
    assert.match(dirOverFile.stderr, /cannot overwrite non-directory "\/a" with directory "a\/?"/);
    assert.equal(await ok(d, ['exec', 'live', 'cat', '/data/a']), 'alpha\n');
  });

  await t.test('symlinks, .. and hostile tars stay inside the container', async () => {
    // Links inside the container that name the host's directory, absolutely and by climbing.
    await ok(d, ['exec', 'live', 'sh', '-c', `ln -s ${secret} /esc && ln -s ../../../../../../../..${secret} /climb && mkdir -p /box`]);
    for (const p of ['/esc/passwd', '/climb/passwd', `/../../../../..${secret}/passwd`]) {
      const r = await docker(d, ['cp', `live:${p}`, join(host, 'stolen')]);
      assert.notEqual(r.code, 0, `cp of ${p} must fail`);
      assert.match(r.stderr, /Could not find the file/);
    }
    assert.ok(!existsSync(join(host, 'stolen')));
    // Writing through the links: they resolve inside the container, where the path is missing.
    writeFileSync(join(host, 'pwned'), 'pwned\n');
    for (const p of ['/esc/', '/climb/']) {
      const r = await docker(d, ['cp', join(host, 'pwned'), `live:${p}`]);
      assert.notEqual(r.code, 0);
    }
    // Archives whose entries climb out, or go through a link they bring along.
    const hostile = [
      await makeTar([{ name: `../../../../../../..${secret}/pwned`, data: 'x' }]),
      await makeTar([{ name: 'l', type: 'symlink', linkname: secret }, { name: 'l/pwned', data: 'x' }]),
      await makeTar([{ name: 'up', type: 'symlink', linkname: '../../../../../../../..' }, { name: `up${secret}/pwned`, data: 'x' }]),
      await makeTar([{ name: 'h', type: 'link', linkname: `../../../../../..${secret}/passwd` }]),
    ];
    for (const tar of hostile) await docker(d, ['cp', '-', 'live:/box'], { input: tar });
    assert.deepEqual(readdirSync(secret).sort(), secretBefore);
    assert.equal(readFileSync(join(secret, 'passwd'), 'utf8'), 'host secret\n');
    // A layer may not hold a link climbing above its root (Docker refuses it too): not in the commit below.
    await ok(d, ['exec', 'live', 'rm', '-rf', '/climb', '/box']);
  });

  await t.test('cp reaches bind mounts: their host directory, read-only ones refused', async () => {
    const rw = join(host, 'bind-rw');
    const ro = join(host, 'bind-ro');
    mkdirSync(rw);
    mkdirSync(ro);
    writeFileSync(join(rw, 'from-host'), 'host side\n');
    await ok(d, ['run', '-d', '--name', 'bound', '-v', `${rw}:/mnt/rw`, '-v', `${ro}:/mnt/ro:ro`, 'busybox', 'sleep', '600']);
    await ok(d, ['cp', join(host, 'in'), 'bound:/mnt/rw/']);
    assert.equal(readFileSync(join(rw, 'in'), 'utf8'), 'copied before start\n');
    await ok(d, ['cp', 'bound:/mnt/rw/from-host', join(host, 'from-bind')]);
    assert.equal(readFileSync(join(host, 'from-bind'), 'utf8'), 'host side\n');
    const refused = await docker(d, ['cp', join(host, 'in'), 'bound:/mnt/ro/']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /mounted volume is marked read-only/);
    assert.deepEqual(readdirSync(ro), []);
    await ok(d, ['rm', '-f', 'bound']);
  });

  await t.test('diff lists added, changed and deleted paths', async () => {
    await ok(d, ['exec', 'live', 'sh', '-c', 'mkdir /newdir && echo f > /newdir/f && echo extra:x:99: >> /etc/group && rm /etc/passwd']);
    const diff = (await ok(d, ['diff', 'live'])).split('\n');
    for (const line of ['A /newdir', 'A /newdir/f', 'C /etc', 'C /etc/group', 'D /etc/passwd', 'A /data', 'A /data/a']) {
      assert.ok(diff.includes(line), `diff has no "${line}":\n${diff.join('\n')}`);
    }
    assert.ok(!diff.some((l) => /\/etc\/hosts|\/proc|\/sys/.test(l)), diff.join('\n'));
  });

  await t.test('export writes the whole filesystem', async () => {
    const file = join(host, 'live.tar');
    await ok(d, ['export', '-o', file, 'live']);
    const names = (await run('tar', ['-tf', file])).stdout.split('\n');
    for (const n of ['bin/busybox', 'newdir/f', 'etc/group', 'data/a']) assert.ok(names.includes(n), `export has no ${n}`);
    assert.ok(!names.includes('etc/passwd'));
  });

  await t.test('commit makes an image of the changes, deletions and --change included', async () => {
    const id = (await ok(d, ['commit', '-c', 'CMD ["cat", "/etc/group"]', '-m', 'my change', '-a', 'me', 'live', 'committed:1'])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.match(await ok(d, ['run', '--rm', 'committed:1']), /extra:x:99:/);
    const gone = await docker(d, ['run', '--rm', 'committed:1', 'test', '-e', '/etc/passwd']);
    assert.equal(gone.code, 1, 'the deleted file must stay deleted in the image');
    assert.equal(await ok(d, ['run', '--rm', 'committed:1', 'cat', '/newdir/f']), 'f\n');
    const inspect = JSON.parse(await ok(d, ['image', 'inspect', 'committed:1'])) as { Comment: string; Author: string; Config: { Cmd: string[] } }[];
    assert.equal(inspect[0]?.Comment, 'my change');
    assert.equal(inspect[0]?.Author, 'me');
    assert.deepEqual(inspect[0]?.Config.Cmd, ['cat', '/etc/group']);
  });

  await t.test('berth cp, diff, export and commit do what docker does', async () => {
    const b = async (args: string[], input?: string): Promise<string> => {
      const r = await berth(d, args, input === undefined ? {} : { input });
      assert.equal(r.code, 0, `berth ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    };
    await b(['cp', join(host, 'src'), 'live:/bsrc']);
    assert.equal(await ok(d, ['exec', 'live', 'stat', '-c', '%a %u:%g', '/bsrc/a']), '640 1234:5678\n');
    await b(['cp', 'live:/bsrc', join(host, 'bout')]);
    assert.equal(readFileSync(join(host, 'bout', 'a'), 'utf8'), 'alpha\n');
    assert.equal(readlinkSync(join(host, 'bout', 'link')), 'a');
    await b(['cp', join(host, 'in'), 'live:/tmp/renamed']);
    assert.equal(await ok(d, ['exec', 'live', 'cat', '/tmp/renamed']), 'copied before start\n');
    await b(['cp', '-L', 'live:/bsrc/link', join(host, 'bfollowed')]);
    assert.equal(readFileSync(join(host, 'bfollowed'), 'utf8'), 'alpha\n');
    const missing = await berth(d, ['cp', 'live:/nosuch', join(host, 'x')]);
    assert.equal(missing.stderr, 'Error response from daemon: Could not find the file /nosuch in container live\n');
    assert.equal(await b(['diff', 'live']), await ok(d, ['diff', 'live']));
    await b(['export', '-o', join(host, 'b.tar'), 'live']);
    assert.ok((await run('tar', ['-tf', join(host, 'b.tar')])).stdout.split('\n').includes('bsrc/a'));
    const id = (await b(['commit', '-c', 'CMD ["cat", "/bsrc/a"]', '--pause=false', 'live', 'bcommitted'])).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await ok(d, ['run', '--rm', 'bcommitted']), 'alpha\n');
  });

  await t.test('a reader that goes away mid-archive releases the container', async () => {
    await ok(d, ['exec', 'live', 'sh', '-c', 'mkdir /big && for i in $(seq 1 64); do head -c 1048576 /dev/urandom > /big/$i; done']);
    const cut = await run('bash', ['-c', 'curl -sN --unix-socket "$0" "http://d/containers/live/archive?path=/big" | head -c 100000 > /dev/null', d.socket]);
    assert.equal(cut.code, 0, cut.stderr);
    // pause takes the container's lock, which the archive held.
    const paused = await run('timeout', ['20', '/usr/local/bin/docker', 'pause', 'live'], { env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'docker-config') } });
    assert.equal(paused.code, 0, `pause after a cut archive: ${paused.stderr}`);
    await ok(d, ['unpause', 'live']);
    await ok(d, ['exec', 'live', 'rm', '-rf', '/big']);
  });

  await t.test('container events: archive-path, extract-to-dir, export, commit', async () => {
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const actions = (await ok(d, ['events', '--since', '0', '--until', until, '--filter', 'container=live', '--format', '{{.Action}}'])).split('\n');
    for (const a of ['archive-path', 'extract-to-dir', 'export', 'commit']) assert.ok(actions.includes(a), `no ${a} event: ${actions.join(' ')}`);
  });

  await ok(d, ['rm', '-f', 'live', 'cold']);
});
