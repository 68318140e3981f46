// The apply worker: decompression, tar parsing and the file system work, off the daemon's main
// thread. Tar parsing and fs calls are synchronous here (see layer-writer.ts); gunzip runs on
// the thread pool, overlapping with them. It hashes the uncompressed stream itself only for
// gzip input, where decompression is the bottleneck anyway (see hash-worker.ts).
//
// Lifecycle: 'data' messages, then 'end'. Each 'data' is acknowledged once its bytes are no
// longer needed; at the end comes 'done' (and the thread exits) or, at the first failure,
// 'error' (everything after is ignored; the main thread terminates the worker).

import { parentPort, workerData } from 'node:worker_threads';
import { EngineError, errorMessage, kindOf } from '../core/errors.js';
import { LayerWriter } from './layer-writer.js';
import { TarReader } from './tar-reader.js';
import type { ApplyWorkerInit, FromWorker, ToWorker } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('apply-layer-worker must run in a worker thread');
const init = workerData as ApplyWorkerInit;

// Only gzip input is hashed here; loading crypto otherwise would only slow the worker's start.
const hash = init.hash ? (await import('node:crypto')).createHash('sha256') : undefined;
let size = 0;
let failed = false;
const writer = new LayerWriter(init.target);
const reader = new TarReader(writer);

function post(m: FromWorker): void {
  port?.postMessage(m);
}

function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  // Our own errors name the entry already; a bare fs error gets the entry it happened on.
  const context = err instanceof EngineError || writer.current === '' ? '' : `${JSON.stringify(writer.current)}: `;
  const message = `${context}${errorMessage(err)}`;
  post({ type: 'error', kind: kindOf(err), message });
}

function consume(buf: Buffer): void {
  hash?.update(buf);
  size += buf.length;
  reader.push(buf);
}

function finish(): void {
  reader.end();
  writer.finish();
  post({
    type: 'done',
    diffId: hash === undefined ? undefined : `sha256:${hash.digest('hex')}`,
    size,
    contentSize: writer.contentSize,
  });
  port?.close();
}

/** zlib's words mapped to Go's, which is what Docker prints for a bad layer. */
function gzipError(err: unknown): EngineError {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  const msg = errorMessage(err);
  let text: string;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(msg)) text = 'unexpected EOF';
  else if (/header/i.test(msg)) text = 'gzip: invalid header';
  else if (/data check|checksum/i.test(msg)) text = 'gzip: invalid checksum';
  else text = `flate: corrupt input (${msg})`;
  return new EngineError('invalid-argument', text, { cause: err });
}

if (init.compression === 'gzip') {
  const { createGunzip } = await import('node:zlib');
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  gunzip.on('data', (d: Buffer) => {
    if (failed) return;
    try {
      consume(d);
    } catch (err) {
      fail(err);
      gunzip.destroy();
    }
  });
  gunzip.on('error', (err) => fail(gzipError(err)));
  gunzip.on('end', () => {
    if (failed) return;
    try {
      finish();
    } catch (err) {
      fail(err);
    }
  });
  port.on('message', (m: ToWorker) => {
    if (failed) return;
    if (m.type === 'data') {
      // zlib reads the shared bytes on the thread pool: acknowledge only when it is done.
      gunzip.write(Buffer.from(m.buf, 0, m.length), () => {
        if (!failed) post({ type: 'ack', id: m.id, uncompressed: size });
      });
    } else {
      gunzip.end();
    }
  });
} else {
  port.on('message', (m: ToWorker) => {
    if (failed) return;
    try {
      if (m.type === 'data') {
        // TarReader copies what it keeps, so the batch is free once push() returns.
        consume(Buffer.from(m.buf, 0, m.length));
        post({ type: 'ack', id: m.id, uncompressed: size });
      } else {
        finish();
      }
    } catch (err) {
      fail(err);
    }
  });
}
