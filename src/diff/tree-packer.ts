// Writing a directory tree on the host into a tar stream (tar-stream's pack): `cp` out of a
// container, `export`, and the layer `commit` makes from an upper directory.
//
// Entries carry what `lstat` says: mode, owner, times, symlink targets, device numbers; a file
// seen again under another name (same inode) becomes a hardlink to its first name. Sockets are
// skipped, as Docker skips them. Symlinks are never followed: the walk stays in the tree given.
//
// Example (a container's /etc as `etc/…`):
//   const p = new TreePacker();
//   void p.addTree('/…/rootfs/etc', 'etc').then(() => p.finalize(), (err) => p.destroy(err));
//   p.stream.pipe(res);

import { createReadStream, type Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Header, Pack } from 'tar-stream';
import { tarStream } from './tar-stream-lazy.js';

/** Files up to this size are read whole. */
const SMALL_FILE = 1 << 20;

export type EntryHeader = Partial<Header> & { name: string };

/** What a walk does with a path: 'skip' leaves it (and, for a directory, all below) out. */
export type Visit = (hostPath: string, name: string, st: Stats) => Promise<'keep' | 'skip'> | 'keep' | 'skip';

export class TreePacker {
  private readonly pack: Pack = tarStream().pack();
  private readonly links = new Map<string, string>();
  /** Bytes of file content written so far. */
  contentBytes = 0;

  get stream(): Readable {
    // streamx, not node:stream, underneath; it pipes and iterates like one.
    return this.pack as unknown as Readable;
  }

  /** Adds `hostPath` under `name` ('' for the root of an export: only its children go in). */
  async addTree(hostPath: string, name: string, visit?: Visit): Promise<void> {
    const st = await lstat(hostPath);
    if (visit && (await visit(hostPath, name, st)) === 'skip') return;
    if (name !== '') await this.addPath(hostPath, name, st);
    if (!st.isDirectory()) return;
    const children = (await readdir(hostPath)).sort();
    for (const c of children) await this.addTree(join(hostPath, c), name === '' ? c : `${name}/${c}`, visit);
  }

  /** One path, not what is below it. */
  async addPath(hostPath: string, name: string, st: Stats): Promise<void> {
    if (st.isSocket()) return;
    const header: EntryHeader = {
      name,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: st.mtime,
    };
    if (!st.isDirectory() && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.links.get(key);
      if (first !== undefined) {
        await this.entry({ ...header, type: 'link', linkname: first, size: 0 });
        return;
      }
      this.links.set(key, name);
    }
    if (st.isDirectory()) {
      // Docker names directories with a trailing slash, and GNU tar lists them so.
      await this.entry({ ...header, name: name.endsWith('/') ? name : `${name}/`, type: 'directory' });
    } else if (st.isSymbolicLink()) {
      await this.entry({ ...header, type: 'symlink', linkname: await readlink(hostPath) });
    } else if (st.isFile()) {
      await this.file(hostPath, { ...header, type: 'file', size: st.size });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const type = st.isCharacterDevice() ? 'character-device' : 'block-device';
      await this.entry({ ...header, type, devmajor: major(st.rdev), devminor: minor(st.rdev) });
    } else if (st.isFIFO()) {
      await this.entry({ ...header, type: 'fifo' });
    }
  }

  /** An entry without content (directories, links, whiteouts), or with a small buffer. */
  entry(header: EntryHeader, data?: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data === undefined) this.pack.entry(header, cb);
      else this.pack.entry(header, data, cb);
    });
  }

  private async file(hostPath: string, header: EntryHeader): Promise<void> {
    const size = header.size ?? 0;
    if (size <= SMALL_FILE) {
      // One read and one entry: most files are small, and a stream per file costs more than
      // the copy (opens, reads and closes through the thread pool, and many small chunks).
      const data = await readFile(hostPath);
      if (data.length !== size) throw new Error(`${hostPath} changed size while it was read`);
      await this.entry(header, data);
      this.contentBytes += size;
      return;
    }
    const sink = this.pack.entry(header);
    // A file that changes size while it is read (a running container) fails the entry.
    await pipeline(createReadStream(hostPath, { highWaterMark: 1 << 20 }), sink);
    this.contentBytes += header.size ?? 0;
  }

  finalize(): void {
    this.pack.finalize();
  }

  destroy(err: unknown): void {
    this.pack.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

/** Linux's encoding of device numbers (glibc gnu_dev_major/minor). */
function major(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | Math.floor(rdev / 2 ** 32) & ~0xfff;
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >>> 12) & ~0xff);
}
