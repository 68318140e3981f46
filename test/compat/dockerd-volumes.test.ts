// Volumes side by side with a real dockerd (20.10): the same docker CLI commands against
// berthd and dockerd print the same, once their data roots, IDs, random names and times are
// taken out. This guards what inspect shows (Labels/Options null, Mode z, RW), the refusal
// words, an image VOLUME's copy-up, and the volume events of a container's life.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTar } from '../helpers/archives.js';
import { berth, docker, startDaemon } from '../helpers/daemon.js';
import { needsDockerd, startDockerd } from '../helpers/dockerd.js';

test('volumes: berthd prints what dockerd prints', { skip: needsDockerd(), timeout: 120_000 }, async (t) => {
  const d = await startDaemon(t);
  const dk = await startDockerd(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const tar = join(d.dir, 'busybox.tar');
  assert.equal((await berth(d, ['save', '-o', tar, 'busybox'])).code, 0);
  assert.equal((await dk.docker(['load', '-i', tar])).code, 0);

  // Paths, container IDs, anonymous names and times differ by nature.
  const norm = (s: string, root: string): string =>
    s
      .replaceAll(root, '<root>')
      .replace(/[0-9a-f]{64}/g, '<id>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<time>');
  const both = async (args: string[], sort = false): Promise<void> => {
    const a = await docker(d, args);
    const b = await dk.docker(args);
    const show = (r: { code: number | null; stdout: string; stderr: string }, root: string): string => {
      const out = norm(`${r.code}\n${r.stdout}${r.stderr}`, root);
      return sort ? out.split('\n').sort().join('\n') : out;
    };
    assert.equal(show(a, d.dataRoot), show(b, join(dk.dir, 'data')), args.join(' '));
  };
  const since = String(Math.floor(Date.now() / 1000) - 1);

  await both(['volume', 'create', 'plain']);
  await both(['volume', 'create', '--label', 'a=b', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'tv']);
  await both(['volume', 'inspect', 'plain', 'tv', 'nope']);
  await both(['volume', 'create', '-o', 'foo=bar', 'bad']);
  await both(['volume', 'create', 'x']);
  await both(['create', '--network', 'none', '-v', '/a:/s', '-v', '/b:/s', 'busybox']);
  await both(['create', '--name', 'c1', '--network', 'none', '-v', `${d.dir}:/host:ro`, '-v', 'plain:/p', '-v', 'n2:/n2:ro', '--mount', 'type=volume,source=m1,target=/m1,readonly', 'busybox', 'true']);
  // Go ranges over the mount map in no fixed order: one mount a line, sorted.
  await both(['inspect', '-f', '{{range .Mounts}}{{json .}}{{"\\n"}}{{end}}', 'c1'], true);
  await both(['create', '--name', 'c2', '--network', 'none', '--volumes-from', 'c1:rw', 'busybox', 'true']);
  await both(['inspect', '-f', '{{range .Mounts}}{{json .}}{{"\\n"}}{{end}}', 'c2'], true);
  await both(['create', '--network', 'none', '--volumes-from', 'nope', 'busybox']);
  await both(['ps', '-a', '--filter', 'volume=plain', '--format', '{{.Names}}'], true);
  await both(['ps', '-a', '--filter', 'volume=/m1', '--filter', 'volume=nope', '--format', '{{.Names}}'], true);
  await both(['start', '-a', 'c1']);
  await both(['rm', 'c1', 'c2']);
  await both(['volume', 'ls', '-f', 'dangling=true']);
  await both(['volume', 'rm', 'plain', 'tv', 'n2', 'm1']);
  // An image VOLUME: an anonymous volume filled from the image, owners and modes kept.
  const image = await makeTar([
    { name: 'data/', type: 'directory', mode: 0o750, uid: 1234, gid: 5678 },
    { name: 'data/sub/', type: 'directory', mode: 0o700, uid: 7, gid: 8 },
    { name: 'data/sub/f', data: 'x\n', mode: 0o604, uid: 9, gid: 10 },
  ]);
  for (const run of [(args: string[]) => docker(d, args, { input: image }), (args: string[]) => dk.docker(args, image as unknown as string)]) {
    assert.equal((await run(['import', '--change', 'VOLUME /data', '-', 'withvol:latest'])).code, 0);
  }
  await both(['create', '--name', 'holder', '--network', 'none', 'withvol', '/none']);
  await both(['run', '--rm', '--network', 'none', '--volumes-from', 'holder', 'busybox', 'sh', '-c', 'stat -c "%u:%g %a %n" /data /data/sub /data/sub/f; cat /data/sub/f']);
  await both(['rm', '-v', 'holder']);
  await both(['volume', 'ls', '-q']);

  // In dockerd's order within each container's start and exit, which is its map's: sorted.
  await both(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=volume', '--format', '{{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}'], true);
});
