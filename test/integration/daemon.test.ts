// berthd as a process: its lock, pid file, socket, configuration file, storage driver choice,
// graceful shutdown and live events.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { DAEMON_JS, api, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot, tempDir } from '../helpers/env.js';
import { makeDockerArchive, makeTar } from '../helpers/archives.js';

test('berthd: lock, pid file, socket mode, clean shutdown', { skip: needsRoot() }, async (t) => {
  const d = await startDaemon(t);
  const pidfile = join(d.execRoot, 'berthd.pid');
  assert.equal(readFileSync(pidfile, 'utf8').trim(), String(d.pid()));
  assert.equal(statSync(d.socket).mode & 0o777, 0o660);

  // A second daemon on the same data root is refused, whatever its socket.
  const second = await run(process.execPath, [
    DAEMON_JS,
    '--data-root', d.dataRoot,
    '--exec-root', join(d.dir, 'exec2'),
    '-H', `unix://${join(d.dir, 'second.sock')}`,
    '--config-file', join(d.dir, 'daemon.json'),
  ]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another berthd is using data root/);
  assert.equal((await api(d, 'GET', '/_ping')).text, 'OK', 'the first daemon was disturbed');

  assert.equal(await d.stop(), 0);
  assert.equal(existsSync(pidfile), false, 'pid file left');
  assert.equal(existsSync(d.socket), false, 'socket left');
  assert.match(d.log(), /shutdown complete/);

  // A crash leaves the socket and pid file; the next start takes over.
  await d.start();
  await d.kill9();
  assert.ok(existsSync(d.socket));
  await d.start();
  assert.equal((await api(d, 'GET', '/_ping')).text, 'OK');
});

test('berthd: configuration file errors are refused in dockerd words', async (t) => {
  const dir = tempDir(t);
  const cfg = join(dir, 'daemon.json');
  const start = (config: unknown, extra: string[] = []): ReturnType<typeof run> => {
    writeFileSync(cfg, JSON.stringify(config));
    return run(process.execPath, [DAEMON_JS, '--config-file', cfg, '--data-root', join(dir, 'data'), '--validate', ...extra]);
  };
  const unknown = await start({ 'no-such-key': true });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /the following directives don't match any configuration option: no-such-key/);
  const both = await start({ debug: true }, ['--debug']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /the following directives are specified both as a flag and in the configuration file: debug/);
  const fine = await start({ debug: true, 'storage-driver': 'vfs', 'insecure-registries': ['127.0.0.1:5000'] });
  assert.equal(fine.code, 0, fine.stderr);
  writeFileSync(cfg, '{ not json');
  const broken = await run(process.execPath, [DAEMON_JS, '--config-file', cfg, '--validate']);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /unable to configure the daemon with file/);
});

test('berthd: the vfs driver works, and a data root keeps its driver', { skip: needsRoot() }, async (t) => {
  const d = await startDaemon(t, { args: ['--storage-driver', 'vfs'] });
  const info = (await api(d, 'GET', '/info')).json<{ Driver: string }>();
  assert.equal(info.Driver, 'vfs');
  const layer = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/x', data: 'x' }]);
  const res = await api(d, 'POST', '/images/load?quiet=1', {
    body: await makeDockerArchive([{ layers: [layer, await makeTar([{ name: 'etc/.wh.x', data: '' }])], repoTags: ['v:1'] }]),
    headers: { 'Content-Type': 'application/x-tar' },
  });
  assert.equal(res.status, 200, res.text);
  await d.stop();
  const other = await run(process.execPath, [
    DAEMON_JS,
    '--data-root', d.dataRoot,
    '--exec-root', d.execRoot,
    '-H', d.host,
    '--config-file', join(d.dir, 'daemon.json'),
    '--storage-driver', 'overlay2',
  ]);
  assert.equal(other.code, 1);
  assert.match(other.stderr + other.stdout, /was created with storage driver vfs/);
  await d.start();
});

test('berthd: /events streams image events as they happen', { skip: needsRoot() }, async (t) => {
  const d = await startDaemon(t);
  const layer = await makeTar([{ name: 'f', data: 'x' }]);
  const archive = await makeDockerArchive([{ layers: [layer], repoTags: ['ev:1'] }]);
  const lines: string[] = [];
  const ac = new AbortController();
  const got = new Promise<void>((resolve, reject) => {
    const req = request(
      { socketPath: d.socket, path: '/events?filters=%7B%22type%22%3A%5B%22image%22%5D%7D', signal: ac.signal },
      (res) => {
        assert.equal(res.statusCode, 200);
        res.on('data', (c: Buffer) => {
          lines.push(...c.toString().split('\n').filter(Boolean));
          if (lines.some((l) => l.includes('"Action":"tag"'))) resolve();
        });
      },
    );
    req.on('error', (err) => (ac.signal.aborted ? resolve() : reject(err)));
    req.end();
  });
  // The stream's headers arrive before any event (clients wait for them).
  await new Promise((r) => setTimeout(r, 100));
  await api(d, 'POST', '/images/load?quiet=1', { body: archive, headers: { 'Content-Type': 'application/x-tar' } });
  await api(d, 'POST', '/images/ev:1/tag?repo=ev&tag=2');
  await got;
  ac.abort();
  const events = lines.map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { Attributes: { name: string } } });
  assert.ok(events.some((e) => e.Action === 'load'));
  const tag = events.find((e) => e.Action === 'tag');
  assert.equal(tag?.Actor.Attributes.name, 'ev:2');
  assert.ok(events.every((e) => e.Type === 'image'));
});
