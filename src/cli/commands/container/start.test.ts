// `berth start` (with and without -a) and `berth attach` against a stub daemon.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StubServer, frame } from '../testing/container-stub.js';
import { berth, eventually } from '../testing/run-berth.js';

const ID = 'a'.repeat(64);

function daemon(opts: { autoRemove?: boolean; running?: boolean; tty?: boolean; openStdin?: boolean } = {}): StubServer {
  return new StubServer()
    .on('GET', /^\/containers\/[^/]+\/json$/, (_req, res) =>
      res.json(200, {
        Id: ID,
        Config: { Tty: opts.tty === true, OpenStdin: opts.openStdin === true },
        State: { Running: opts.running !== false, Paused: false, Restarting: false },
        HostConfig: { AutoRemove: opts.autoRemove === true },
      }),
    )
    .on('POST', /^\/containers\/[^/]+\/attach$/, (_req, res) => {
      const s = res.upgrade();
      setTimeout(() => s.end(Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n')])), 30);
    })
    .on('POST', /^\/containers\/[^/]+\/wait$/, (_req, res) => {
      const r = res.stream();
      setTimeout(() => r.end(JSON.stringify({ StatusCode: 4, Error: null })), 60);
    })
    .on('POST', /^\/containers\/[^/]+\/start$/, (_req, res) => res.empty(204))
    .on('POST', '/containers/missing/start', (_req, res) => res.error(404, 'No such container: missing'))
    .on('POST', /^\/containers\/[^/]+\/resize$/, (_req, res) => res.empty(200));
}

test('start: each name printed; failures printed as they come, then the summary (exit 1)', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['start', 'web', 'missing', 'db']);
  assert.deepEqual(
    { code: r.code, out: r.out, err: r.err },
    { code: 1, out: 'web\ndb\n', err: 'Error response from daemon: No such container: missing\nError: failed to start containers: missing\n' },
  );
  assert.deepEqual(stub.paths(), ['POST /containers/web/start', 'POST /containers/missing/start', 'POST /containers/db/start']);
});

test('start -a: inspect, attach, wait (removed for --rm containers), start, the exit code', async (t) => {
  const stub = daemon({ autoRemove: true });
  const r = await berth(t, stub, ['start', '-a', 'web']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 4, out: 'hello\n', err: 'oops\n' });
  assert.deepEqual(stub.paths(), [
    'GET /containers/web/json',
    `POST /containers/${ID}/attach?stderr=1&stdout=1&stream=1`,
    `POST /containers/${ID}/wait?condition=removed`,
    `POST /containers/${ID}/start`,
  ]);
  const two = await berth(t, daemon(), ['start', '-a', 'a', 'b']);
  assert.deepEqual({ code: two.code, err: two.err }, { code: 1, err: 'you cannot start and attach multiple containers at once\n' });
});

test('start -i attaches stdin only for an OpenStdin container', async (t) => {
  const open = daemon({ openStdin: true });
  await berth(t, open, ['start', '-ai', 'web'], { stdin: 'x' });
  assert.equal(open.find('POST', `/containers/${ID}/attach`)[0]?.query.stdin, '1');
  const closed = daemon({ openStdin: false });
  await berth(t, closed, ['start', '-ai', 'web'], { stdin: 'x' });
  assert.equal(closed.find('POST', `/containers/${ID}/attach`)[0]?.query.stdin, undefined);
});

test('attach: wait first, inspect, attach, inspect again, the stream, the exit code', async (t) => {
  const stub = daemon({ openStdin: true });
  const r = await berth(t, stub, ['attach', 'web']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 4, out: 'hello\n', err: 'oops\n' });
  assert.deepEqual(stub.paths().sort(), [
    'GET /containers/web/json',
    'GET /containers/web/json',
    'POST /containers/web/attach?stderr=1&stdin=1&stdout=1&stream=1',
    'POST /containers/web/wait',
  ]);
  const attach = stub.find('POST', '/containers/web/attach')[0];
  await eventually(() => attach?.fin === true);
  assert.equal(attach?.fin, true);
  const noStdin = daemon({ openStdin: true });
  await berth(t, noStdin, ['attach', '--no-stdin', '--detach-keys', 'ctrl-x', 'web']);
  assert.deepEqual(noStdin.find('POST', '/containers/web/attach')[0]?.query, { detachKeys: 'ctrl-x', stderr: '1', stdout: '1', stream: '1' });
});

test('attach refuses a stopped container in docker’s words', async (t) => {
  const r = await berth(t, daemon({ running: false }), ['attach', 'web']);
  assert.deepEqual({ code: r.code, err: r.err }, { code: 1, err: 'You cannot attach to a stopped container, start it first\n' });
});

test('attach with a TTY on a terminal: resize to rows+1, cols+1, then the real size', async (t) => {
  const stub = daemon({ tty: true });
  const { PassThrough } = await import('node:stream');
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  setTimeout(() => input.end(), 20);
  await berth(t, stub, ['attach', 'web'], { stdinStream: input, outTty: true });
  await eventually(() => stub.find('POST', '/containers/web/resize').length >= 2);
  assert.deepEqual(
    stub.find('POST', '/containers/web/resize').map((r) => r.query),
    [
      { h: '31', w: '121' },
      { h: '30', w: '120' },
    ],
  );
});
