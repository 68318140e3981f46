// Small stream helpers: look at the first bytes of a stream without losing them, and detect
// the compression of a stream from its magic bytes.

import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Resolves with up to `n` leading bytes and a stream that still yields everything. */
export async function peek(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let got = 0;
  let ended = false;
  while (got < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(r.value);
    got += r.value.length;
  }
  const first = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head: first.subarray(0, n), stream: Readable.from(all(), { objectMode: false }) };
}

export type StreamCompression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): StreamCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** A stream of the uncompressed bytes of `input` (plain or gzip); other formats are refused. */
export async function decompressed(input: Readable): Promise<Readable> {
  const { head, stream } = await peek(input, 6);
  const kind = detectCompression(head);
  if (kind === 'none') return stream;
  if (kind === 'gzip') {
    const gunzip = createGunzip();
    stream.on('error', (err) => gunzip.destroy(err));
    // Corrupt input makes zlib fail at once, possibly before the caller has attached its
    // listeners; without one an 'error' event throws. The error is kept on the stream
    // (`errored`), so a later pipe or iteration still sees it.
    gunzip.on('error', () => undefined);
    return stream.pipe(gunzip);
  }
  throw new UnsupportedCompressionError(kind);
}

export class UnsupportedCompressionError extends Error {
  constructor(readonly compression: StreamCompression) {
    super(`unsupported compression format ${compression}`);
    this.name = 'UnsupportedCompressionError';
  }
}
