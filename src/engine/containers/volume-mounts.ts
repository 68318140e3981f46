// A container's volumes: resolved at create from `-v`, `--mount type=volume`, `--volumes-from`
// and the image's VOLUMEs (in that order of precedence: a destination already taken by a bind,
// tmpfs or an earlier volume keeps it), mounted at start, released at exit.
//
// At create, as in moby, a volume that is empty gets the image's content at its destination,
// owners and modes kept (Docker's copy-up), unless the mount says nocopy.

import { execFile } from 'node:child_process';
import { mkdir, readdir, realpath, rmdir, stat, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { invalidArgument, kindOf } from '../../core/errors.js';
import type { Mount } from '../../core/mount.js';
import type { OciMount } from '../../oci/runtime-spec.js';
import { mountAll, unmountAll } from '../../runtime/rootfs-mount.js';
import type { VolumeService } from '../volumes/volume-service.js';
import type { ContainerRecord, VolumeMount } from './container-record.js';
import type { ContainerSpec } from './spec/container-spec.js';
import { type MountPoint, planMounts } from './spec/binds.js';

const execFileAsync = promisify(execFile);

export interface ResolvedVolumes {
  mounts: VolumeMount[];
  /** The bind mounts --volumes-from takes along. */
  binds: MountPoint[];
  /** Anonymous volumes made for this container (removed again if its create fails). */
  created: string[];
}

/**
 * Finds or makes every volume the container names, each taken for it at once (the caller ends
 * that with forgetCreating once its record is saved); `find` resolves --volumes-from sources.
 */
export async function resolveVolumes(
  id: string,
  spec: ContainerSpec,
  volumes: VolumeService,
  find: (ref: string) => ContainerRecord,
): Promise<ResolvedVolumes> {
  const plan = planMounts(spec.host.binds, spec.host.mounts);
  const taken = new Set([...plan.points.map((p) => clean(p.destination)), ...Object.keys(spec.host.tmpfs).map(clean)]);
  const out: ResolvedVolumes = { mounts: [], binds: [], created: [] };
  try {
    for (const v of plan.volumes) {
      const d = v.name === ''
        ? await volumes.createAnonymous({ createdFor: id })
        : await volumes.create({ name: v.name, driver: v.driver ?? 'local', options: v.driverOptions ?? {}, labels: v.labels ?? {} }, { createdFor: id });
      if (v.name === '') out.created.push(d.name);
      taken.add(v.destination);
      out.mounts.push({
        name: d.name,
        driver: d.driver,
        source: d.mountpoint,
        destination: v.destination,
        readOnly: v.readOnly,
        // dockerd's setBindModeIfNull: a local volume from -v or --mount without a mode shows
        // the SELinux relabel mode.
        mode: v.mode === '' ? 'z' : v.mode,
        noCopy: v.noCopy,
        ...(v.subpath ? { subpath: v.subpath } : {}),
        anonymous: v.name === '',
      });
    }
    for (const entry of spec.host.volumesFrom) {
      const [ref, mode = '', ...rest] = entry.split(':');
      if (!ref || rest.length > 0 || (mode !== '' && mode !== 'ro' && mode !== 'rw')) throw invalidArgument(`invalid mode: ${mode}`);
      let source: ContainerRecord;
      try {
        source = find(ref);
      } catch (err) {
        // dockerd answers 400 here: a 404 would make `docker run` try to pull the image.
        if (kindOf(err) === 'not-found') throw invalidArgument((err as Error).message, err);
        throw err;
      }
      // As moby copies a mount point for --volumes-from: writable only if it was and the mode
      // says so (`:rw` does not make a read-only mount writable), no mode, no copy-up.
      for (const m of source.volumes ?? []) {
        if (taken.has(m.destination)) continue;
        taken.add(m.destination);
        out.mounts.push({ ...m, readOnly: m.readOnly || mode === 'ro', mode: '', noCopy: true });
      }
      const ownBinds = planMounts(source.spec.host.binds, source.spec.host.mounts).points.filter((p) => p.type === 'bind');
      for (const p of [...ownBinds, ...(source.inheritedBinds ?? [])]) {
        const dest = clean(p.destination);
        if (taken.has(dest)) continue;
        taken.add(dest);
        out.binds.push({ ...p, destination: dest, mode: '', rw: p.rw && mode !== 'ro' });
      }
    }
    for (const dest of Object.keys(spec.volumes).map(clean)) {
      if (taken.has(dest)) continue;
      taken.add(dest);
      const d = await volumes.createAnonymous({ createdFor: id });
      out.created.push(d.name);
      out.mounts.push({ name: d.name, driver: d.driver, source: d.mountpoint, destination: dest, readOnly: false, mode: '', noCopy: false, anonymous: true });
    }
  } catch (err) {
    volumes.forgetCreating(id);
    for (const name of out.created) await volumes.removeAnonymous(name);
    throw err;
  }
  return out;
}

/**
 * Copies the container's root filesystem content at each volume's destination into the volume
 * when the volume is empty (mounted for the copy alone when its driver mounts something).
 */
export async function populateVolumes(
  id: string,
  list: readonly VolumeMount[],
  volumes: VolumeService,
  rootfs: { mounts: Mount[]; scratch: string },
): Promise<void> {
  const wanted = list.filter((m) => !m.noCopy && !m.subpath);
  if (wanted.length === 0) return;
  // Only paths the image has are copied; the root filesystem is mounted once for all of them.
  let mounted = false;
  try {
    for (const m of wanted) {
      await volumes.populate(m.name, id, async (path) => {
        if (!(await isEmptyDir(path))) return;
        if (!mounted) {
          await mkdir(rootfs.scratch, { recursive: true, mode: 0o700 });
          await mountAll(rootfs.mounts, rootfs.scratch);
          mounted = true;
        }
        // Symlinks on the way are followed only while they stay inside the root filesystem: an
        // image's `/data -> /` would otherwise copy the host's files into the volume.
        const src = await resolveBeneath(rootfs.scratch, m.destination);
        if (!src || !(await stat(src)).isDirectory()) return;
        await execFileAsync('cp', ['-a', '--', `${src}/.`, `${path}/`]);
        // moby copies the directory's owner and mode onto the volume, not its times.
        const now = new Date();
        await utimes(path, now, now);
      });
    }
  } finally {
    if (mounted) await unmountAll(rootfs.scratch);
    await rmdir(rootfs.scratch).catch(() => undefined);
  }
}

/** Parents before children (moby's sortMounts): a volume at /data must not hide a bind at /data/sub. */
export function byDepth(mounts: OciMount[]): OciMount[] {
  const depth = (m: OciMount): number => m.destination.split('/').filter(Boolean).length;
  return [...mounts].sort((a, b) => depth(a) - depth(b));
}

/** The OCI mounts of the binds --volumes-from took from other containers. */
export function inheritedBindMounts(rec: ContainerRecord): OciMount[] {
  return (rec.inheritedBinds ?? []).map((p) => ({
    destination: p.destination,
    type: 'bind',
    source: p.source,
    options: ['rbind', p.propagation || 'rprivate', ...(p.rw ? [] : ['ro'])],
  }));
}

/** Mounts the container's volumes (the driver's part) and returns the OCI bind mounts; on failure what was mounted is released again. */
export async function mountVolumes(rec: ContainerRecord, volumes: VolumeService): Promise<OciMount[]> {
  const list = rec.volumes ?? [];
  const done: VolumeMount[] = [];
  const out: OciMount[] = [];
  try {
    for (const m of list) {
      const path = await volumes.mount(m.name, rec.id, m);
      done.push(m);
      let source = path;
      if (m.subpath) {
        // A symlink inside the volume must not lead the mount out of it.
        const inside = await resolveBeneath(path, m.subpath);
        const st = inside ? await stat(inside) : undefined;
        if (!inside || (!st?.isDirectory() && !st?.isFile())) throw invalidArgument(`cannot access path ${join(path, m.subpath)}: no such file or directory inside the volume`);
        source = inside;
      }
      out.push({ destination: m.destination, type: 'bind', source, options: ['rbind', 'rprivate', ...(m.readOnly ? ['ro'] : [])] });
    }
  } catch (err) {
    for (const m of done) await volumes.unmount(m.name, rec.id).catch(() => undefined);
    throw err;
  }
  return out;
}

export async function releaseVolumes(rec: ContainerRecord, volumes: VolumeService): Promise<void> {
  for (const m of rec.volumes ?? []) await volumes.unmount(m.name, rec.id);
}

/** `rel` below `root` with its symlinks resolved, if that exists and stays below `root`. */
export async function resolveBeneath(root: string, rel: string): Promise<string | undefined> {
  const [base, found] = await Promise.all([realpath(root), realpath(join(root, rel)).catch(() => undefined)]);
  if (found === undefined) return undefined;
  return found === base || found.startsWith(`${base}/`) ? found : undefined;
}

async function isEmptyDir(path: string): Promise<boolean> {
  return (await readdir(path).catch(() => ['?'])).length === 0;
}

function clean(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
