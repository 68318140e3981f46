// dockerode (npm) against berthd: bare API paths and dockerode's strict success codes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { busyboxRootfs } from '../../src/cli/seed/busybox-rootfs.js';
import { startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

async function drain(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString();
}

test('dockerode drives the image and system endpoints', { skip: needsRoot() }, async (t) => {
  const d = await startDaemon(t);
  const docker = new Docker({ socketPath: d.socket });

  assert.equal(String(await docker.ping()), 'OK');
  const version = await docker.version();
  assert.equal(version.ApiVersion, '1.44');
  const info = (await docker.info()) as { Images: number; Driver: string; Swarm: { LocalNodeState: string } };
  assert.equal(info.Images, 0);
  assert.equal(info.Swarm.LocalNodeState, 'inactive');

  // import: createImage with fromSrc '-' and the tarball as the body.
  const rootfs = (await busyboxRootfs()).tar as Readable;
  // @types/dockerode lags dockerode 5: these calls return promises of streams there.
  const importStream = (await (docker.importImage as unknown as (s: Readable, o: object) => Promise<NodeJS.ReadableStream>)(
    rootfs,
    { repo: 'dk', tag: 'one', changes: ['CMD ["sh"]'] },
  )) as NodeJS.ReadableStream;
  const importOut = await drain(importStream);
  const id = /"status":"(sha256:[a-f0-9]{64})"/.exec(importOut)?.[1];
  assert.ok(id, importOut);

  const list = await docker.listImages();
  assert.equal(list.length, 1);
  assert.deepEqual(list[0]?.RepoTags, ['dk:one']);

  const image = docker.getImage('dk:one');
  const inspect = await image.inspect();
  assert.equal(inspect.Id, id);
  assert.deepEqual(inspect.Config.Cmd, ['sh']);
  assert.ok('ContainerConfig' in inspect);
  const history = await image.history();
  assert.equal(history.length, 1);

  await image.tag({ repo: 'dk', tag: 'two' });
  assert.deepEqual((await docker.getImage(id!).inspect()).RepoTags.sort(), ['dk:one', 'dk:two']);

  // save (one image, then by names) and load
  const single = Buffer.from(await drain(await docker.getImage('dk:two').get()), 'binary');
  assert.ok(single.length > 1_000_000);
  const getImages = docker as unknown as { getImages(o: { names: string[] }): Promise<NodeJS.ReadableStream> };
  const chunks: Buffer[] = [];
  for await (const c of await getImages.getImages({ names: ['dk:one'] })) chunks.push(c as Buffer);
  const archive = Buffer.concat(chunks);
  assert.ok(archive.length > 1_000_000);

  const removed = (await docker.getImage('dk:two').remove()) as { Untagged?: string; Deleted?: string }[];
  assert.deepEqual(removed, [{ Untagged: 'dk:two' }]);
  const deleted = (await docker.getImage('dk:one').remove()) as { Untagged?: string; Deleted?: string }[];
  assert.ok(deleted.some((x) => x.Deleted === id));

  const { Readable: NodeReadable } = await import('node:stream');
  const loadOut = await drain(await docker.loadImage(NodeReadable.from([archive])));
  assert.match(loadOut, /Loaded image: dk:one/);

  const notFound = await docker.getImage('nope:1').inspect().catch((err: { statusCode?: number; message: string }) => err);
  assert.equal((notFound as { statusCode?: number }).statusCode, 404);
  assert.match((notFound as Error).message, /No such image: nope:1/);

  const pruned = (await docker.pruneImages()) as { ImagesDeleted: unknown; SpaceReclaimed: number };
  assert.equal(pruned.SpaceReclaimed, 0);
  const df = (await docker.df()) as { Images: unknown[]; LayersSize: number };
  assert.equal(df.Images.length, 1);
  assert.ok(df.LayersSize > 1_000_000);
});
