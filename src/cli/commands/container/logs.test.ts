// `berth logs` against a stub daemon: demultiplexed without a TTY, raw with one, and the query
// docker sends (tail always, since/until as Unix seconds).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StubServer, frame } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';

const ID = 'a'.repeat(64);

function daemon(tty: boolean, body: Buffer): StubServer {
  return new StubServer()
    .on('GET', '/containers/web/json', (_req, res) => res.json(200, { Id: ID, Config: { Tty: tty } }))
    .on('GET', `/containers/${ID}/logs`, (_req, res) => {
      const s = res.stream(200, tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
      // Split a frame across writes: the demultiplexer must join them.
      s.write(body.subarray(0, 5));
      setTimeout(() => s.end(body.subarray(5)), 10);
    });
}

test('logs: inspect for the ID and Tty, then stdout and stderr demultiplexed', async (t) => {
  const stub = daemon(false, Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more\n')]));
  const r = await berth(t, stub, ['logs', 'web']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 0, out: 'out\nmore\n', err: 'err\n' });
  assert.deepEqual(stub.paths(), ['GET /containers/web/json', `GET /containers/${ID}/logs?stderr=1&stdout=1&tail=all`]);
});

test('logs of a TTY container: the bytes as they are', async (t) => {
  const raw = Buffer.from('\x01\x00\x00\x00plain tty text\r\n');
  const r = await berth(t, daemon(true, raw), ['logs', 'web']);
  assert.equal(r.out, raw.toString());
});

test('logs -f --tail -t --details --since --until: docker’s query', async (t) => {
  const stub = daemon(false, frame(1, 'x\n'));
  const before = Math.floor(Date.now() / 1000) - 600;
  const r = await berth(t, stub, ['logs', '-f', '--tail', '5', '-t', '--details', '--since', '10m', '--until', '2024-01-02T10:00:00Z', 'web']);
  assert.equal(r.code, 0);
  const q = stub.requests[1]?.query ?? {};
  assert.deepEqual({ ...q, since: undefined }, {
    details: '1',
    follow: '1',
    since: undefined,
    stderr: '1',
    stdout: '1',
    tail: '5',
    timestamps: '1',
    until: '1704189600.000000000',
  });
  assert.ok(Math.abs(Number(q.since) - before) <= 2, q.since);
  assert.deepEqual(Object.keys(q), ['details', 'follow', 'since', 'stderr', 'stdout', 'tail', 'timestamps', 'until']);
});

test('logs: an error frame from the daemon ends the copy (exit 1)', async (t) => {
  const r = await berth(t, daemon(false, Buffer.concat([frame(1, 'a\n'), frame(3, 'boom')])), ['logs', 'web']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 1, out: 'a\n', err: 'error from daemon in stream: boom\n' });
});
