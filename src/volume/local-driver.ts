// Docker's `local` volume driver: a directory `<root>/<name>/_data`, or, with options, a
// filesystem mounted there at first use (`mount -t TYPE -o O DEVICE _data`: a tmpfs, an NFS
// share, a bind with `o=bind`). Mounts are counted per container and undone by the last one.

import { execFile } from 'node:child_process';
import { lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EngineError, invalidArgument } from '../core/errors.js';
import type { DriverVolume, VolumeDriver } from './volume-driver.js';

const execFileAsync = promisify(execFile);

/** moby's local driver options (size needs a quota-capable filesystem: not offered). */
const VALID_OPTIONS = new Set(['type', 'device', 'o']);

export class LocalDriver implements VolumeDriver {
  readonly name = 'local';
  private readonly refs = new Map<string, Set<string>>();

  constructor(private readonly root: string) {}

  path(name: string): string {
    return join(this.root, name, '_data');
  }

  async create(v: DriverVolume): Promise<void> {
    checkOptions(v.options);
    await mkdir(this.path(v.name), { recursive: true, mode: 0o755 });
  }

  async mount(v: DriverVolume, ref: string): Promise<string> {
    const path = this.path(v.name);
    const users = this.refs.get(v.name) ?? new Set<string>();
    // Whether it is mounted is read from the kernel, not from the count: a count taken back
    // after a reboot (adopt) names users of a mount that is gone.
    if (needsMount(v.options) && !(await isMountPoint(path))) {
      const o = v.options;
      const args = [...(o.type ? ['-t', o.type] : []), ...(o.o ? ['-o', o.o] : []), o.device ?? 'none', path];
      try {
        await execFileAsync('mount', args);
      } catch (err) {
        const stderr = ((err as { stderr?: string }).stderr ?? String(err)).trim();
        throw new EngineError('internal', `error while mounting volume '${path}': failed to mount local volume: mount ${o.device ?? ''}:${path}, flags: ${o.o ?? ''}: ${stderr}`, { cause: err });
      }
    }
    users.add(ref);
    this.refs.set(v.name, users);
    return path;
  }

  async unmount(v: DriverVolume, ref: string): Promise<void> {
    const users = this.refs.get(v.name);
    if (!users?.delete(ref)) return;
    if (users.size > 0) return;
    this.refs.delete(v.name);
    if (needsMount(v.options)) await unmountPath(this.path(v.name));
  }

  async adopt(v: DriverVolume, ref: string): Promise<void> {
    const users = this.refs.get(v.name) ?? new Set<string>();
    users.add(ref);
    this.refs.set(v.name, users);
  }

  async remove(v: DriverVolume): Promise<void> {
    this.refs.delete(v.name);
    if (needsMount(v.options)) await unmountPath(this.path(v.name));
    // A volume's data may hold another mount (a bind from elsewhere): never descend into it.
    if (await isMountPoint(this.path(v.name))) throw new EngineError('internal', `volume ${v.name} is still mounted at ${this.path(v.name)}`);
    await rm(join(this.root, v.name), { recursive: true, force: true });
  }

  async size(name: string): Promise<number> {
    return dirSize(this.path(name), new Set());
  }
}

export function checkOptions(options: Record<string, string>): void {
  for (const key of Object.keys(options)) {
    if (!VALID_OPTIONS.has(key)) throw invalidArgument(`invalid option: ${JSON.stringify(key)}`);
  }
  if (options.type && !options.device) throw invalidArgument('missing required option: "device"');
  if (!options.type && options.device && !/(^|,)bind(,|$)/.test(options.o ?? '')) throw invalidArgument('missing required option: "type"');
}

function needsMount(o: Record<string, string>): boolean {
  return Boolean(o.type || o.device);
}

async function isMountPoint(path: string): Promise<boolean> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text.split('\n').some((line) => line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) === path);
}

async function unmountPath(path: string): Promise<void> {
  while (await isMountPoint(path)) {
    try {
      await execFileAsync('umount', [path]);
    } catch {
      // Busy: detach it, it goes when the last file there is closed.
      await execFileAsync('umount', ['-l', path]);
    }
  }
}

async function dirSize(dir: string, seen: Set<string>): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    const st = await lstat(p).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) {
      total += await dirSize(p, seen);
      continue;
    }
    if (st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    total += st.size;
  }
  return total;
}
