// dockerode drives containers: its run() helper (attach without Upgrade, wait, start), create,
// start, logs, exec without hijack, inspect, top, stats, pause, stop, remove, with its strict
// success codes.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import Docker from 'dockerode';
import { berth, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
}

test('dockerode drives containers on berthd', { skip: needsRoot(), timeout: 120_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);
  const docker = new Docker({ socketPath: d.socket });

  // run(): create, attach (no Upgrade: a raw 200 stream), wait, start.
  const out = new PassThrough();
  const err = new PassThrough();
  const outText = collect(out);
  const errText = collect(err);
  const [result, ran] = (await docker.run('busybox', ['sh', '-c', 'echo to-out; echo to-err >&2; exit 5'], [out, err], { Tty: false })) as [
    { StatusCode: number },
    Docker.Container,
  ];
  assert.equal(result.StatusCode, 5);
  assert.equal(outText(), 'to-out\n');
  assert.equal(errText(), 'to-err\n');
  await ran.remove();

  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo ready; sleep 600'], name: 'dk', Labels: { app: 'x' } });
  await c.start();
  await assert.rejects(c.start(), (e: { statusCode?: number }) => e.statusCode === 304);
  const info = await c.inspect();
  assert.equal(info.State.Running, true);
  assert.equal(info.Name, '/dk');
  assert.equal(info.Config.Labels.app, 'x');

  const list = await docker.listContainers({ filters: { label: ['app=x'] } });
  assert.equal(list.length, 1);
  assert.deepEqual(list[0]?.Names, ['/dk']);

  await new Promise((r) => setTimeout(r, 200));
  const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  // Multiplexed: one stdout frame with "ready\n".
  assert.equal(logs[0], 1);
  assert.equal(logs.subarray(8).toString(), 'ready\n');

  // exec without hijack: dockerode reads the raw 200 stream to EOF, then inspects.
  const exec = await c.exec({ Cmd: ['sh', '-c', 'echo from-exec; exit 2'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: false, stdin: false });
  const execOut = new PassThrough();
  const execText = collect(execOut);
  docker.modem.demuxStream(stream, execOut, execOut);
  await new Promise<void>((resolve) => stream.on('end', () => resolve()));
  assert.equal(execText(), 'from-exec\n');
  const execInfo = await exec.inspect();
  assert.equal(execInfo.Running, false);
  assert.equal(execInfo.ExitCode, 2);

  const top = await c.top();
  assert.ok((top.Processes as string[][]).some((p) => p.join(' ').includes('sleep 600')));
  const stats = (await c.stats({ stream: false })) as { memory_stats: { usage: number }; precpu_stats: { system_cpu_usage?: number } };
  assert.ok(stats.memory_stats.usage > 0);
  assert.ok((stats.precpu_stats.system_cpu_usage ?? 0) > 0, 'precpu_stats must hold an earlier sample');

  await c.pause();
  assert.equal((await c.inspect()).State.Paused, true);
  await c.unpause();
  await c.stop({ t: 1 });
  await assert.rejects(c.stop(), (e: { statusCode?: number }) => e.statusCode === 304);
  const waited = (await c.wait()) as { StatusCode: number };
  assert.equal(waited.StatusCode, 137);
  await c.remove();
  await assert.rejects(c.inspect(), (e: { statusCode?: number; message: string }) => e.statusCode === 404 && /No such container/.test(e.message));
  await assert.rejects(
    docker.createContainer({ Image: 'nosuch:image' }),
    (e: { statusCode?: number; message: string }) => e.statusCode === 404 && /No such image: nosuch:image/.test(e.message),
  );
});
