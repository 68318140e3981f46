// moby's stdcopy.StdCopy: splits a multiplexed stream (engine-api.md §2.1) into stdout and
// stderr. Each frame is an 8-byte header `[stream, 0, 0, 0, size (uint32 BE)]` and `size`
// bytes; stream 0 (stdin) and 1 go to stdout, 2 to stderr, 3 is an error from the daemon and
// ends the copy. A partial frame at the end of the stream is dropped, as StdCopy does.

import { once } from 'node:events';
import type { Writable } from 'node:stream';

export class StdCopyError extends Error {
  override readonly name = 'StdCopyError';
}

export async function stdCopy(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, stdout: Writable | undefined, stderr: Writable | undefined): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
    while (buf.length >= 8) {
      const kind = buf[0];
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const payload = buf.subarray(8, 8 + size);
      buf = buf.subarray(8 + size);
      switch (kind) {
        case 0:
        case 1:
          await writeTo(stdout, payload);
          break;
        case 2:
          await writeTo(stderr, payload);
          break;
        case 3:
          throw new StdCopyError(`error from daemon in stream: ${payload.toString('utf8')}`);
        default:
          throw new StdCopyError(`Unrecognized input header: ${kind}`);
      }
    }
  }
}

/** Writes with backpressure: waits for 'drain' when the destination asks for it. */
export async function writeTo(out: Writable | undefined, data: Buffer): Promise<void> {
  if (!out || data.length === 0) return;
  if (!out.write(data)) await once(out, 'drain');
}
