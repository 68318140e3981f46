// Mounting a snapshot's Mount[] at <bundle>/rootfs, and unmounting it, with mount(8): one
// process per mount (usually one). Bind mounts with `ro` are made with `-o bind,ro`, which
// mount(8) turns into the bind plus the read-only remount it needs.
//
// Overlay options longer than a page are refused by the kernel, and a deep chain of layers
// under a long data root gets there (~95 layers with /var/lib/berth). Then the layer
// directories are given relative to their common parent and mount(8) runs there, as Docker's
// overlay2 driver does; relative paths are resolved against the working directory of the
// mounting process.

import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { EngineError, invalidArgument } from '../core/errors.js';
import type { Mount } from '../core/mount.js';
import { unescapeMountPath } from './cgroups.js';

const execFileAsync = promisify(execFile);

/** The kernel copies mount options into one page; keep clear of it. */
export const MAX_MOUNT_OPTIONS = 4000;

/** Options whose value is a path (overlay's layer dirs). */
const PATH_LIST_OPTIONS = ['lowerdir'];
const PATH_OPTIONS = ['upperdir', 'workdir'];

export interface MountCommand {
  args: string[];
  cwd?: string;
}

/** The mount(8) arguments for one Mount onto `target`. */
export function mountCommand(m: Mount, target: string): MountCommand {
  const bind = m.type === 'bind' || m.type === 'rbind' || m.options.includes('bind') || m.options.includes('rbind');
  if (bind) {
    const opts = m.options.filter((o) => o !== 'bind' && o !== 'rbind');
    const kind = m.type === 'rbind' || m.options.includes('rbind') ? 'rbind' : 'bind';
    return { args: ['-o', [kind, ...opts].join(','), m.source, target] };
  }
  let options = m.options;
  let cwd: string | undefined;
  if (m.type === 'overlay' && options.join(',').length > MAX_MOUNT_OPTIONS) {
    ({ options, cwd } = relativeOverlayOptions(options));
    if (options.join(',').length > MAX_MOUNT_OPTIONS) {
      throw invalidArgument(`overlay mount options are ${options.join(',').length} bytes even with relative layer paths`);
    }
  }
  const args = ['-t', m.type, m.source, ...(options.length > 0 ? ['-o', options.join(',')] : []), target];
  return cwd === undefined ? { args } : { args, cwd };
}

/** Overlay options with the layer paths made relative to their deepest common directory. */
export function relativeOverlayOptions(options: string[]): { options: string[]; cwd: string } {
  const paths: string[] = [];
  for (const o of options) {
    const [key, value] = splitOption(o);
    if (value === undefined) continue;
    if (PATH_LIST_OPTIONS.includes(key)) paths.push(...value.split(':'));
    else if (PATH_OPTIONS.includes(key)) paths.push(value);
  }
  const cwd = commonDir(paths.filter((p) => isAbsolute(p)));
  const rel = (p: string): string => (isAbsolute(p) ? relative(cwd, p) || '.' : p);
  return {
    cwd,
    options: options.map((o) => {
      const [key, value] = splitOption(o);
      if (value === undefined) return o;
      if (PATH_LIST_OPTIONS.includes(key)) return `${key}=${value.split(':').map(rel).join(':')}`;
      if (PATH_OPTIONS.includes(key)) return `${key}=${rel(value)}`;
      return o;
    }),
  };
}

function splitOption(o: string): [string, string | undefined] {
  const i = o.indexOf('=');
  return i < 0 ? [o, undefined] : [o.slice(0, i), o.slice(i + 1)];
}

/** The deepest directory containing every path (all absolute). */
export function commonDir(paths: string[]): string {
  if (paths.length === 0) return sep;
  let parts = (paths[0] as string).split(sep).slice(0, -1);
  for (const p of paths.slice(1)) {
    const q = p.split(sep);
    let i = 0;
    while (i < parts.length && i < q.length - 1 && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

/** Mounts each Mount in order at `rootfs` (or at its `target` below it); undoes them on failure. */
export async function mountAll(mounts: Mount[], rootfs: string): Promise<void> {
  const done: string[] = [];
  try {
    for (const m of mounts) {
      const target = m.target === undefined ? rootfs : join(rootfs, m.target);
      if (m.target !== undefined) await mkdir(target, { recursive: true });
      const cmd = mountCommand(m, target);
      try {
        await execFileAsync('mount', cmd.args, cmd.cwd === undefined ? {} : { cwd: cmd.cwd });
      } catch (err) {
        throw new EngineError('internal', `mount ${m.type} at ${target}: ${stderrOf(err)}`, { cause: err });
      }
      done.push(target);
    }
  } catch (err) {
    for (const t of done.reverse()) await execFileAsync('umount', ['-R', t]).catch(() => undefined);
    throw err;
  }
}

/** How many mounts are stacked at `dir` (0: not a mount point). */
export async function mountCount(dir: string): Promise<number> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  let n = 0;
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field !== undefined && unescapeMountPath(field) === dir) n++;
  }
  return n;
}

/** Unmounts everything at and below `dir`; nothing mounted is no error. */
export async function unmountAll(dir: string): Promise<void> {
  // Usually exactly one mount is there: try it first, and read the mount table only if that fails.
  try {
    await execFileAsync('umount', ['-R', dir]);
  } catch {
    // not mounted, stacked mounts or busy: sorted out below
  }
  for (let n = await mountCount(dir); n > 0; n--) {
    try {
      await execFileAsync('umount', ['-R', dir]);
    } catch (err) {
      if ((await mountCount(dir)) === 0) return;
      // Busy (a process still has a file open there): detach it; it goes when released.
      try {
        await execFileAsync('umount', ['-R', '-l', dir]);
      } catch {
        throw new EngineError('internal', `umount ${dir}: ${stderrOf(err)}`, { cause: err });
      }
    }
  }
}

function stderrOf(err: unknown): string {
  const e = err as { stderr?: unknown; message?: unknown };
  const s = typeof e.stderr === 'string' ? e.stderr.trim() : '';
  return s !== '' ? s : typeof e.message === 'string' ? e.message : String(err);
}
