// The hijack client and the wait call against plain node:http servers on a Unix socket.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { containerWait } from './containers.js';
import { ApiError, ConnectError, EngineClient } from './engine-client.js';
import { hijack } from './hijack.js';

type TestContext = { after(fn: () => void | Promise<void>): void };

async function serve(t: TestContext, server: Server): Promise<EngineClient> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hijack-'));
  const socketPath = join(dir, 's.sock');
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(socketPath, r));
  const client = new EngineClient({ socketPath, userAgent: 'test' });
  t.after(async () => {
    client.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  return client;
}

async function readAll(s: Duplex): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

test('hijack: Upgrade headers, body bytes after the 101 kept, half-close while reading', async (t) => {
  let seen: IncomingMessage | undefined;
  let body = '';
  const server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    seen = req;
    body = head.toString();
    // The first output arrives in the same packet as the 101.
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nfirst ');
    const stdin: Buffer[] = [];
    socket.on('data', (d: Buffer) => stdin.push(d));
    // After the client's FIN the daemon still writes, then closes.
    socket.on('end', () => socket.end(`got ${Buffer.concat(stdin).toString()}`));
  });
  const c = await serve(t, server);
  const h = await hijack(c, '/exec/x/start', { query: { a: true }, body: { Detach: false, Tty: true } });
  t.after(() => void h.stream.destroy());
  assert.equal(h.upgraded, true);
  assert.equal(h.contentType, 'application/vnd.docker.raw-stream');
  assert.equal(seen?.headers.connection, 'Upgrade');
  assert.equal(seen?.headers.upgrade, 'tcp');
  assert.equal(seen?.url, '/exec/x/start?a=1');
  assert.equal(seen?.headers['content-length'], '28');
  h.stream.write('input');
  h.stream.end();
  assert.equal(await readAll(h.stream), 'first got input');
  // Exactly the docker CLI's body, newline included.
  assert.ok(body === '' || body === '{"Detach":false,"Tty":true}\n');
});

test('hijack: a plain 200 answer is read as the stream; errors are ApiErrors; no daemon is a ConnectError', async (t) => {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/missing')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'No such container: missing' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
    res.end('plain body');
  });
  const c = await serve(t, server);
  const plain = await hijack(c, '/containers/x/attach');
  t.after(() => void plain.stream.destroy());
  assert.equal(plain.upgraded, false);
  assert.equal(await readAll(plain.stream), 'plain body');
  await assert.rejects(hijack(c, '/missing/attach'), (err: unknown) => err instanceof ApiError && err.status === 404 && err.message === 'No such container: missing');
  const gone = new EngineClient({ socketPath: join(tmpdir(), 'berth-no-such-socket.sock') });
  await assert.rejects(hijack(gone, '/x'), ConnectError);
});

test('containerWait resolves when the headers arrive; the status comes later', async (t) => {
  let finish: (() => void) | undefined;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    finish = () => res.end('{"StatusCode":5,"Error":null}\n');
  });
  const c = await serve(t, server);
  const pending = await containerWait(c, 'web', { condition: 'next-exit' });
  assert.ok(finish, 'headers before the body');
  finish?.();
  assert.deepEqual(await pending.result, { StatusCode: 5, Error: null });
});
