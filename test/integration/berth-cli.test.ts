// The berth CLI against a real berthd: the image and system commands end to end, and the same
// text as the docker CLI 28 for the same daemon wherever both can print it.

import assert from 'node:assert/strict';
import { createWriteStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { busyboxRootfs } from '../../src/cli/seed/busybox-rootfs.js';
import { type RunResult, type TestDaemon, berth, docker, hasDocker, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

const skip =
  needsRoot() ||
  (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker') ||
  (existsSync('/bin/busybox') ? false : 'needs /bin/busybox (apt-get install busybox-static)');

async function ok(d: TestDaemon, args: string[], input?: Buffer | string): Promise<string> {
  const r = await berth(d, args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `berth ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function dok(d: TestDaemon, args: string[]): Promise<string> {
  const r = await docker(d, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * A table with its relative times made equal (the two CLIs run a moment apart) and the column
 * padding, which follows the widest cell, collapsed.
 */
function normalise(table: string): string {
  return table
    .replace(/(Less than a second|About an? \w+|\d+ \w+) ago/g, 'SOME TIME ago')
    .replace(/ {2,}/g, '  ');
}

function same(a: RunResult, b: RunResult, what: string): void {
  assert.deepEqual({ code: a.code, stdout: a.stdout, stderr: a.stderr }, { code: b.code, stdout: b.stdout, stderr: b.stderr }, what);
}

test('berth CLI: image and system commands against berthd', { skip }, async (t) => {
  const d = await startDaemon(t);
  const since = String(Math.floor(Date.now() / 1000) - 1);

  let id = '';
  let dangling = '';
  await t.test('image seed builds busybox:latest once', async () => {
    const out = await ok(d, ['image', 'seed']);
    const m = /^Seeded busybox:latest from \/bin\/busybox: (sha256:[0-9a-f]{64})\n$/.exec(out);
    assert.ok(m, out);
    id = m[1] ?? '';
    assert.match(await ok(d, ['images']), new RegExp(`^busybox +latest +${id.slice(7, 19)} +\\S.* ago +1\\.99MB$`, 'm'));
    assert.equal(await ok(d, ['image', 'seed']), `busybox:latest is already present (${id.slice(7, 19)})\n`);
    assert.equal((await ok(d, ['image', 'inspect', '--format', '{{json .Config.Cmd}} {{.Comment}}', 'busybox'])).replace(/BusyBox v\S+ .*? from/, 'BusyBox from'), '["sh"] BusyBox from /bin/busybox (berth image seed)\n');
  });

  await t.test('tag, history and inspect print what docker prints', async () => {
    assert.equal(await ok(d, ['tag', 'busybox', 'reg.local:5000/team/bb:v1']), '');
    assert.equal(await ok(d, ['images', '--format', '{{.Repository}}:{{.Tag}}']), 'busybox:latest\nreg.local:5000/team/bb:v1\n');
    same(await berth(d, ['image', 'inspect', 'busybox', 'reg.local:5000/team/bb:v1']), await docker(d, ['image', 'inspect', 'busybox', 'reg.local:5000/team/bb:v1']), 'inspect');
    same(await berth(d, ['image', 'inspect', '-f', '{{.Id}} {{.Os}}', 'nope', 'busybox']), await docker(d, ['image', 'inspect', '-f', '{{.Id}} {{.Os}}', 'nope', 'busybox']), 'inspect -f with a missing image');
    assert.equal(await ok(d, ['image', 'inspect', '--format', '{{.Id}}', 'reg.local:5000/team/bb:v1']), `${id}\n`);
    for (const args of [['history', 'busybox'], ['history', '--no-trunc', 'busybox'], ['history', '-q', 'busybox'], ['image', 'history', '-H=false', 'busybox']]) {
      const [b, k] = [await berth(d, args), await docker(d, args)];
      assert.equal(b.code, 0, b.stderr);
      assert.equal(normalise(b.stdout), normalise(k.stdout), args.join(' '));
    }
  });

  const saved = join(d.dir, 'saved.tar');
  await t.test('save -o, rmi, load -i: a round trip', async () => {
    assert.equal(await ok(d, ['save', '-o', saved, 'busybox', 'reg.local:5000/team/bb:v1']), '');
    assert.equal(statSync(saved).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(d.dir).filter((f) => f.startsWith('.tmp-')), []);
    // The same bytes as docker's save, to stdout.
    const viaStdout = await berth(d, ['save', 'busybox']);
    assert.equal(viaStdout.code, 0);
    assert.equal(viaStdout.stdout, (await docker(d, ['save', 'busybox'])).stdout);

    assert.equal(await ok(d, ['rmi', 'reg.local:5000/team/bb:v1']), 'Untagged: reg.local:5000/team/bb:v1\n');
    // The image, then its layer.
    assert.match(await ok(d, ['rmi', 'busybox']), new RegExp(`^Untagged: busybox:latest\nDeleted: ${id}\nDeleted: sha256:[0-9a-f]{64}\n$`));
    assert.equal(await ok(d, ['images', '-aq']), '');
    const loaded = await ok(d, ['load', '-i', saved]);
    assert.equal(loaded.split('\n').sort().join('\n'), '\nLoaded image: busybox:latest\nLoaded image: reg.local:5000/team/bb:v1');
    assert.equal(await ok(d, ['image', 'inspect', '-f', '{{.Id}}', 'busybox']), `${id}\n`);
    await ok(d, ['rmi', 'reg.local:5000/team/bb:v1']);
  });

  await t.test('rmi of a missing image: docker words, exit 1', async () => {
    const b = await berth(d, ['rmi', 'nope']);
    assert.deepEqual(b, { code: 1, stdout: '', stderr: 'Error response from daemon: No such image: nope:latest\n' });
    same(b, await docker(d, ['rmi', 'nope']), 'rmi nope');
    same(await berth(d, ['rmi', '-f', 'nope']), await docker(d, ['rmi', '-f', 'nope']), 'rmi -f nope');
  });

  await t.test('import with -c and -m, from a file and from stdin', async () => {
    const rootfs = join(d.dir, 'rootfs.tar');
    await pipeline((await busyboxRootfs()).tar, createWriteStream(rootfs));
    const out = await ok(d, ['import', '-c', 'CMD ["echo","hi"]', '-c', 'ENV A=1', '-m', 'from the test', rootfs, 'imp:1']);
    assert.match(out, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal(await ok(d, ['image', 'inspect', '-f', '{{json .Config.Cmd}} {{json .Config.Env}} {{.Comment}}', 'imp:1']), '["echo","hi"] ["A=1"] from the test\n');
    const fromStdin = await ok(d, ['import', '-', 'imp:2'], readFileSync(rootfs));
    assert.match(fromStdin, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal(await ok(d, ['image', 'inspect', '-f', '{{.Id}}', 'imp:2']), fromStdin);
    // Untagged: dangling, for the prune below.
    dangling = (await ok(d, ['import', rootfs])).trim();
  });

  await t.test('image prune -f removes the dangling image', async () => {
    const out = await ok(d, ['image', 'prune', '-f']);
    assert.match(out, new RegExp(`^Deleted Images:\ndeleted: ${dangling}\n\nTotal reclaimed space: \\d.*B\n$`));
    assert.equal(await ok(d, ['images', '-q', '--filter', 'dangling=true']), '');
    // Asked and answered no: nothing happens, exit 0.
    assert.equal(await ok(d, ['image', 'prune'], 'n\n'), 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
    same(await berth(d, ['image', 'prune', '-f']), await docker(d, ['image', 'prune', '-f']), 'image prune -f with nothing to prune');
  });

  await t.test('images, system df: the same tables as docker', async () => {
    for (const args of [['images'], ['images', '-a', '--no-trunc'], ['image', 'ls', '--digests'], ['system', 'df', '-v']]) {
      const [b, k] = [await berth(d, args), await docker(d, args)];
      assert.equal(b.code, 0, b.stderr);
      assert.equal(normalise(b.stdout), normalise(k.stdout), args.join(' '));
    }
    for (const args of [['system', 'df'], ['system', 'df', '--format', 'json'], ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}']]) {
      same(await berth(d, args), await docker(d, args), args.join(' '));
    }
    assert.match(await ok(d, ['system', 'df']), /^Images +3 +0 +1\.986MB/m);
  });

  await t.test('version and info: the Server sections docker prints', async () => {
    const server = (s: string): string => s.slice(s.indexOf('\nServer:'));
    const v = await ok(d, ['version']);
    assert.match(v, /^Client:\n Version: +\d+\.\d+\.\d+\n API version: +1\.44\n/);
    assert.equal(server(v), server(await dok(d, ['version'])));
    assert.equal(await ok(d, ['version', '-f', '{{.Server.Version}}']), await dok(d, ['version', '-f', '{{.Server.Version}}']));
    const time = (s: string): string => s.replace(/^( {2}System Time:) .*$/m, '$1 T');
    const info = await berth(d, ['info']);
    const dinfo = await docker(d, ['info']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(time(server(info.stdout)), time(server(dinfo.stdout)));
    assert.equal(info.stderr, dinfo.stderr);
    assert.equal(await ok(d, ['info', '-f', '{{.Images}} {{.Driver}}']), await dok(d, ['info', '-f', '{{.Images}} {{.Driver}}']));
  });

  await t.test('events --since --until replays the image events as docker prints them', async () => {
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const args = ['events', '--since', since, '--until', until];
    const out = await ok(d, args);
    for (const action of ['import', 'tag', 'untag', 'delete', 'save', 'load']) {
      assert.match(out, new RegExp(`^\\S+ image ${action} sha256:[0-9a-f]{64} \\(name=`, 'm'), `no ${action} event in:\n${out}`);
    }
    assert.equal(out, await dok(d, args));
    const filtered = ['events', '--since', since, '--until', until, '--filter', 'event=tag', '--format', '{{.Action}} {{.Actor.Attributes.name}}'];
    assert.equal(await ok(d, filtered), 'tag reg.local:5000/team/bb:v1\n');
    assert.equal(await ok(d, filtered), await dok(d, filtered));
  });
});
