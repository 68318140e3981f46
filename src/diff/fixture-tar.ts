// Test fixtures: tar archives built in memory. Ordinary entries come from tar-stream's pack();
// what it cannot express (binary PAX values such as security.capability, broken headers) is
// spliced in as raw blocks.

import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

export type FixtureEntry = (Partial<Header> & { name: string; data?: string | Uint8Array }) | { raw: Uint8Array };

const END = Buffer.alloc(1024);

/** A whole archive. `end: false` leaves off the two zero blocks that end it. */
export async function makeTar(entries: readonly FixtureEntry[], opts: { end?: boolean } = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if ('raw' in e) {
      parts.push(Buffer.from(e.raw));
      continue;
    }
    // One entry per pack() so raw blocks can go anywhere; its end marker is cut off.
    const p = pack();
    const { data: given, ...header } = e;
    // A file entry without a buffer would wait for data to be written to it.
    const data = given ?? (header.type === undefined || header.type === 'file' ? '' : undefined);
    if (data === undefined) p.entry({ mtime: new Date(0), ...header });
    else p.entry({ mtime: new Date(0), ...header }, data);
    p.finalize();
    const one = await buffer(p);
    parts.push(one.subarray(0, one.length - END.length));
  }
  if (opts.end !== false) parts.push(END);
  return Buffer.concat(parts);
}

/** A ustar header block with a valid checksum (for PAX headers and hand-made oddities). */
export interface RawHeader {
  name: string;
  typeflag: string;
  size?: number;
  mode?: number;
  linkname?: string;
}

export function rawHeader(h: RawHeader): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, 'utf8');
  b.write(`${(h.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(`${(h.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write(h.typeflag, 156, 1, 'latin1');
  if (h.linkname !== undefined) b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\0' + '00', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** PAX records ("<len> <key>=<value>\n") with byte values kept as bytes. */
export function paxRecords(records: Record<string, string | Uint8Array>): Buffer {
  const out: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    out.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(out);
}

/** A PAX extended header ('x') for the next entry, as a raw fixture entry. */
export function paxHeader(records: Record<string, string | Uint8Array>): FixtureEntry {
  const body = paxRecords(records);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return { raw: Buffer.concat([rawHeader({ name: 'PaxHeader', typeflag: 'x', size: body.length }), padded]) };
}

export function gzip(buf: Uint8Array): Buffer {
  return gzipSync(buf);
}

/** A stream of `buf` in chunks of `chunk` bytes (to cross every boundary the reader has). */
export function streamOf(buf: Uint8Array, chunk = 65536): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(Buffer.from(buf.subarray(i, i + chunk)));
  return Readable.from(parts, { objectMode: false });
}
