// tar-stream, with the stream library under it, holds ~4 MiB of the daemon's memory once
// loaded; most daemons rarely make or read a tar in-process (cp, export, commit do), so it is
// loaded on first use instead of at start (docs/performance.md, idle RSS).

import { createRequire } from 'node:module';
import type * as TarStream from 'tar-stream';

let loaded: typeof TarStream | undefined;

export function tarStream(): typeof TarStream {
  loaded ??= createRequire(import.meta.url)('tar-stream') as typeof TarStream;
  return loaded;
}
