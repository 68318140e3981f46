// Reads a whole tar in memory (test helper): names, types, link targets and data.

import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { TarEntrySpec } from './archives.js';

export async function extractEntries(tar: Buffer): Promise<TarEntrySpec[]> {
  const ex = extract();
  Readable.from([tar]).pipe(ex as unknown as NodeJS.WritableStream);
  const out: TarEntrySpec[] = [];
  for await (const e of ex) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    const h = e.header;
    const spec: TarEntrySpec = { name: h.name, type: h.type as TarEntrySpec['type'], mode: h.mode };
    if (h.type === 'file') spec.data = Buffer.concat(chunks);
    if (h.linkname) spec.linkname = h.linkname;
    out.push(spec);
  }
  return out;
}
