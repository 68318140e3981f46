// The real docker CLI (28.x, client only) against berthd: the image and system commands of
// the foundation, end to end, with DOCKER_HOST pointing at a test daemon.

import assert from 'node:assert/strict';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { busyboxRootfs } from '../../src/cli/seed/busybox-rootfs.js';
import { type TestDaemon, docker, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[], input?: Buffer): Promise<string> {
  const r = await docker(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('docker CLI drives the image and system commands', { skip }, async (t) => {
  const d = await startDaemon(t);
  const rootfs = join(d.dir, 'busybox-rootfs.tar');
  await pipeline((await busyboxRootfs()).tar, createWriteStream(rootfs));

  await t.test('version and info', async () => {
    const v = await ok(d, ['version']);
    assert.match(v, /Server: berth/);
    assert.match(v, /API version:\s+1\.44 \(minimum version 1\.24\)/);
    const info = await ok(d, ['info']);
    assert.match(info, /Storage Driver: overlay2/);
    assert.match(info, /Images: 0/);
    assert.match(info, /Cgroup Version: [12]/);
    assert.match(info, new RegExp(`Docker Root Dir: ${d.dataRoot}`));
  });

  let id = '';
  await t.test('import with --change and --message', async () => {
    const out = await ok(d, ['import', '-c', 'CMD ["sh"]', '-c', 'ENV A=1', '-m', 'from the test', rootfs, 'bb:latest']);
    assert.match(out.trim(), /^sha256:[a-f0-9]{64}$/);
    id = out.trim();
    const cmd = await ok(d, ['image', 'inspect', '--format', '{{json .Config.Cmd}} {{json .Config.Env}}', 'bb']);
    assert.equal(cmd.trim(), '["sh"] ["A=1"]');
  });

  await t.test('images: table, format, quiet, filters', async () => {
    const table = await ok(d, ['images']);
    const [header, row] = table.split('\n');
    assert.match(header ?? '', /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.match(row ?? '', new RegExp(`^bb\\s+latest\\s+${id.slice(7, 19)}\\s+.+ago\\s+1\\.99MB$`));
    assert.equal((await ok(d, ['images', '-q'])).trim(), id.slice(7, 19));
    assert.equal((await ok(d, ['images', '--no-trunc', '-q'])).trim(), id);
    assert.equal((await ok(d, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).trim(), 'bb:latest');
    assert.equal((await ok(d, ['images', '--filter', 'reference=b*', '-q'])).trim(), id.slice(7, 19));
    assert.equal((await ok(d, ['images', '--filter', 'dangling=true', '-q'])).trim(), '');
    assert.equal((await ok(d, ['images', 'nothing-here', '-q'])).trim(), '');
  });

  await t.test('tag, inspect, history', async () => {
    await ok(d, ['tag', 'bb', 'reg.local:5000/team/bb:v1']);
    const repos = await ok(d, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.deepEqual(repos.trim().split('\n').sort(), ['bb:latest', 'reg.local:5000/team/bb:v1']);
    const inspect = JSON.parse(await ok(d, ['image', 'inspect', 'reg.local:5000/team/bb:v1'])) as { Id: string; RepoTags: string[] }[];
    assert.equal(inspect[0]?.Id, id);
    assert.deepEqual(inspect[0]?.RepoTags.sort(), ['bb:latest', 'reg.local:5000/team/bb:v1']);
    const history = await ok(d, ['history', 'bb']);
    assert.match(history, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/);
    assert.match(history, /from the test/);
    // By ID prefix too.
    assert.equal((await ok(d, ['image', 'inspect', '--format', '{{.Id}}', id.slice(7, 15)])).trim(), id);
  });

  const saved = join(d.dir, 'saved.tar');
  await t.test('save -o makes a docker-archive and an OCI layout', async () => {
    await ok(d, ['save', '-o', saved, 'bb', 'reg.local:5000/team/bb:v1']);
    const list = await run('tar', ['-tf', saved]);
    for (const name of ['manifest.json', 'index.json', 'oci-layout']) assert.match(list.stdout, new RegExp(`^${name}$`, 'm'));
    const manifest = JSON.parse((await run('tar', ['-xOf', saved, 'manifest.json'])).stdout) as { RepoTags: string[] }[];
    assert.deepEqual(manifest[0]?.RepoTags.sort(), ['bb:latest', 'reg.local:5000/team/bb:v1']);
  });

  await t.test('rmi untags, then deletes; forced by ID', async () => {
    const byId = await docker(d, ['rmi', id.slice(7, 19)]);
    assert.equal(byId.code, 1);
    assert.match(byId.stderr, /unable to delete [a-f0-9]{12} \(must be forced\) - image is referenced in multiple repositories/);
    assert.equal((await ok(d, ['rmi', 'reg.local:5000/team/bb:v1'])).trim(), 'Untagged: reg.local:5000/team/bb:v1');
    const out = await ok(d, ['rmi', 'bb']);
    assert.match(out, /^Untagged: bb:latest$/m);
    assert.match(out, new RegExp(`^Deleted: ${id}$`, 'm'));
    assert.equal((await ok(d, ['images', '-aq'])).trim(), '');
  });

  await t.test('load -i and load from stdin', async () => {
    const out = await ok(d, ['load', '-i', saved]);
    assert.match(out, /Loaded image: bb:latest/);
    assert.match(out, /Loaded image: reg\.local:5000\/team\/bb:v1/);
    await ok(d, ['rmi', '-f', id]);
    const viaStdin = await ok(d, ['load'], readFileSync(saved));
    assert.match(viaStdin, /Loaded image: bb:latest/);
    assert.equal((await ok(d, ['image', 'inspect', '--format', '{{.Id}}', 'bb'])).trim(), id);
  });

  await t.test('image prune removes a dangling image', async () => {
    // A second import under the same tag leaves the first one dangling.
    await ok(d, ['rmi', 'reg.local:5000/team/bb:v1']);
    const second = (await ok(d, ['import', '-c', 'CMD ["true"]', rootfs, 'bb:latest'])).trim();
    assert.notEqual(second, id);
    assert.equal((await ok(d, ['images', '--filter', 'dangling=true', '-q', '--no-trunc'])).trim(), id);
    const out = await ok(d, ['image', 'prune', '-f']);
    assert.match(out, /Deleted Images:/);
    assert.match(out, new RegExp(`deleted: ${id}`));
    assert.match(out, /Total reclaimed space:/);
    assert.equal((await ok(d, ['images', '-q', '--no-trunc'])).trim(), second);
  });

  await t.test('system df', async () => {
    const out = await ok(d, ['system', 'df']);
    assert.match(out, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
    assert.match(out, /^Images\s+1\s+0\s+1\.986MB/m);
  });

  await t.test('errors in Docker words', async () => {
    const missing = await docker(d, ['image', 'inspect', 'nosuch']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: nosuch/);
    const rm = await docker(d, ['rmi', 'nosuch:v9']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /Error response from daemon: No such image: nosuch:v9/);
    const badRef = await docker(d, ['tag', 'bb', 'Upper']);
    assert.notEqual(badRef.code, 0);
  });

  await t.test('events replay image events', async () => {
    const since = Math.floor(Date.now() / 1000) - 120;
    const until = Math.floor(Date.now() / 1000) + 1;
    const out = await ok(d, ['events', '--since', String(since), '--until', String(until), '--filter', 'type=image']);
    for (const action of ['import', 'tag', 'untag', 'delete', 'load']) {
      assert.match(out, new RegExp(` image ${action} `), `no ${action} event in:\n${out}`);
    }
  });
});
