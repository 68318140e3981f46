// Images cross between berth and a real Docker (Debian's dockerd 20.10, when installed): an
// image berth saves loads into dockerd and runs there; an image dockerd saves (its legacy
// docker-archive layout) loads into berth with the same image ID.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { berth, run, startDaemon } from '../helpers/daemon.js';
import { needsDockerd, startDockerd } from '../helpers/dockerd.js';

test('berth save → docker load and run; docker save → berth load', { skip: needsDockerd(), timeout: 180_000 }, async (t) => {
  const d = await startDaemon(t);
  const { docker: dk } = await startDockerd(t);

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
