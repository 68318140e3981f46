// sha256 of an uncompressed layer, beside the apply worker: hashing costs about half as much
// as writing the files, so doing it on the same thread would make applying ~1.5× slower.
// Speaks the protocol of worker-protocol.ts: 'data'… 'end' in; 'ack' per batch, then 'done'.

import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('hash-worker must run in a worker thread');
const hash = createHash('sha256');
let size = 0;

port.on('message', (m: ToWorker) => {
  let reply: FromWorker;
  if (m.type === 'data') {
    hash.update(new Uint8Array(m.buf, 0, m.length));
    size += m.length;
    reply = { type: 'ack', id: m.id, uncompressed: size };
  } else {
    reply = { type: 'done', diffId: `sha256:${hash.digest('hex')}`, size };
  }
  port.postMessage(reply);
  if (m.type === 'end') port.close();
});
