import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/env.js';
import { isEngineError } from '../core/errors.js';
import { connectAttach, MAX_STDIN_PACKET } from './attach.js';

// node-unix-socket's server side stands in for conmon's attach socket.
interface ServerSocket {
  on(event: 'data', fn: (b: Buffer) => void): void;
  on(event: 'end', fn: () => void): void;
  write(b: Buffer): void;
  end(): void;
  destroy(): void;
}
interface Server {
  listen(path: string): void;
  close(): void;
  on(event: 'connection', fn: (s: ServerSocket) => void): void;
}
const { SeqpacketServer } = createRequire(import.meta.url)('node-unix-socket') as { SeqpacketServer: new () => Server };

describe('attach over a SOCK_SEQPACKET socket', () => {
  it('demultiplexes output, cuts stdin into packets and half-closes', async (t) => {
    const path = join(tempDir(t), 'attach');
    const server = new SeqpacketServer();
    server.listen(path);
    t.after(() => server.close());
    const received: Buffer[] = [];
    const peer = new Promise<ServerSocket>((resolve) => server.on('connection', resolve));
    const io = await connectAttach(path);
    const sock = await peer;
    const inputEnded = new Promise<void>((resolve) => sock.on('end', resolve));
    sock.on('data', (b) => received.push(b));
    sock.write(Buffer.from('\x02out'));
    sock.write(Buffer.from('\x03err'));
    sock.write(Buffer.from('\x09ignored'));
    const big = Buffer.alloc(MAX_STDIN_PACKET * 2 + 10, 'a');
    await io.write(big);
    await io.closeStdin();
    await inputEnded;
    assert.deepEqual(received.map((b) => b.length), [MAX_STDIN_PACKET, MAX_STDIN_PACKET, 10]);
    sock.end();
    const chunks: string[] = [];
    for await (const c of io.output) chunks.push(`${c.stream}:${c.data.toString()}`);
    assert.deepEqual(chunks, ['stdout:out', 'stderr:err']);
    await assert.rejects(io.write(Buffer.from('x')), (err: unknown) => isEngineError(err) && err.kind === 'conflict');
    sock.destroy();
  });

  it('detaches without waiting for the process', async (t) => {
    const path = join(tempDir(t), 'attach');
    const server = new SeqpacketServer();
    server.listen(path);
    t.after(() => server.close());
    const peer = new Promise<ServerSocket>((resolve) => server.on('connection', resolve));
    const io = await connectAttach(path);
    const sock = await peer;
    io.close();
    const chunks = [];
    for await (const c of io.output) chunks.push(c);
    assert.deepEqual(chunks, []);
    sock.destroy();
  });

  it('says conflict when nobody listens', async (t) => {
    const path = join(tempDir(t), 'attach');
    await assert.rejects(connectAttach(path), (err: unknown) => isEngineError(err) && err.kind === 'conflict');
  });
});
