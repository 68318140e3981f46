// Volumes side by side with a real dockerd (20.10): the same docker CLI commands against
// berthd and dockerd print the same, once their data roots, IDs, random names and times are
// taken out. This guards what inspect shows (Labels/Options null, Mode z, RW), the refusal
// words, and the volume events of a container's life.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
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
  await both(['create', '--name', 'c1', '--network', 'none', '-v', 'plain:/p', '-v', 'n2:/n2:ro', '--mount', 'type=volume,source=m1,target=/m1,readonly', 'busybox', 'true']);
  // Go ranges over the mount map in no fixed order: one mount a line, sorted.
  await both(['inspect', '-f', '{{range .Mounts}}{{json .}}{{"\\n"}}{{end}}', 'c1'], true);
  await both(['create', '--name', 'c2', '--network', 'none', '--volumes-from', 'c1:rw', 'busybox', 'true']);
  await both(['inspect', '-f', '{{range .Mounts}}{{json .}}{{"\\n"}}{{end}}', 'c2'], true);
  await both(['create', '--network', 'none', '--volumes-from', 'nope', 'busybox']);
  await both(['start', '-a', 'c1']);
  await both(['rm', 'c1', 'c2']);
  await both(['volume', 'ls', '-f', 'dangling=true']);
  await both(['volume', 'rm', 'plain', 'tv', 'n2', 'm1']);
  // In dockerd's order within each container's start and exit, which is its map's: sorted.
  await both(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=volume', '--format', '{{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}'], true);
});
