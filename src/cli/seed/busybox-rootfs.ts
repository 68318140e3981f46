// The root filesystem of berth's built-in base image, made from the host's static busybox
// (Debian package busybox-static): /bin/busybox, a link for every applet it lists, minimal
// /etc/passwd and /etc/group (root and nobody), and the usual empty directories. Every entry
// gets the binary's mtime, so one busybox binary always gives the same layer.

import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { pack as tarPack } from 'tar-stream';

export const DEFAULT_BUSYBOX = '/bin/busybox';

export interface BusyboxRootfs {
  /** The first line of `busybox` (its version). */
  version: string;
  applets: number;
  tar: Readable;
}

const DIRS: [string, number][] = [
  ['bin', 0o755],
  ['dev', 0o755],
  ['etc', 0o755],
  ['home', 0o755],
  ['proc', 0o755],
  ['root', 0o700],
  ['sbin', 0o755],
  ['sys', 0o755],
  ['tmp', 0o1777],
  ['usr', 0o755],
  ['usr/bin', 0o755],
  ['usr/sbin', 0o755],
  ['var', 0o755],
  ['var/spool', 0o755],
  ['var/spool/mail', 0o755],
  ['var/www', 0o755],
];

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

export async function busyboxRootfs(busybox = DEFAULT_BUSYBOX): Promise<BusyboxRootfs> {
  const st = await stat(busybox);
  const run = promisify(execFile);
  const { stdout: list } = await run(busybox, ['--list-full']);
  const { stdout: banner } = await run(busybox, [], { encoding: 'utf8' }).catch((err: { stdout?: string }) => ({
    stdout: err.stdout ?? '',
  }));
  const version = banner.split('\n')[0]?.trim() ?? 'BusyBox';
  const applets = [...new Set(list.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== 'bin/busybox'))].sort();

  const mtime = st.mtime;
  const pack = tarPack();
  const entry = (header: Parameters<typeof pack.entry>[0], data?: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data === undefined) pack.entry(header, cb);
      else pack.entry(header, data, cb);
    });

  const write = async (): Promise<void> => {
    const dirs = new Map(DIRS);
    for (const a of applets) {
      const parts = a.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (!dirs.has(d)) dirs.set(d, 0o755);
      }
    }
    for (const [name, mode] of [...dirs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      await entry({ name: `${name}/`, type: 'directory', mode, mtime, uid: 0, gid: 0 });
    }
    const body = pack.entry({ name: 'bin/busybox', type: 'file', mode: 0o755, size: st.size, mtime, uid: 0, gid: 0 });
    await new Promise<void>((resolve, reject) => {
      const src = createReadStream(busybox);
      src.on('error', reject);
      body.on('error', reject);
      body.on('finish', resolve);
      src.pipe(body as unknown as NodeJS.WritableStream);
    });
    for (const a of applets) {
      await entry({ name: a, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime, uid: 0, gid: 0 });
    }
    await entry({ name: 'etc/passwd', mode: 0o644, mtime, uid: 0, gid: 0 }, PASSWD);
    await entry({ name: 'etc/group', mode: 0o644, mtime, uid: 0, gid: 0 }, GROUP);
    pack.finalize();
  };
  write().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  return { version, applets: applets.length, tar: pack as unknown as Readable };
}
