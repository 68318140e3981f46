// Files in and out of containers: the archive endpoints behind `docker cp` (stat, read a path
// as a tar, extract a tar into a directory), `diff` and `export`. Each call runs with the
// container's root filesystem mounted (ContainerService.withRootfs: the running container's
// own mount, or a temporary one for a created or stopped container) and under its lock.
//
// Every container path is resolved inside that root (diff/scoped-path.ts), so a symlink to the
// host's /etc or a `../..` never leads out of it, and extraction goes through the layer writer,
// which refuses entries and links that climb out of the destination directory.
//
// Bind mounts (`-v /host:/data`) live only in the container's mount namespace, so a path at
// or below one is mapped to the bind's source here (resolveContainerPath); tmpfs mounts are not
// reachable from the host and read the container's own directory under them (docs/files.md).

import { lstat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError, notFound } from '../../core/errors.js';
import { type Mount, mountOption } from '../../core/mount.js';
import { type Change, layerFromUpper, RUNTIME_PATHS, upperChanges } from '../../diff/layer-from-upper.js';
import { baseName, resolveInRoot } from '../../diff/scoped-path.js';
import { tarStream } from '../../diff/tar-stream-lazy.js';
import { TreePacker } from '../../diff/tree-packer.js';
import type { ImageRuntimeConfig } from '../../oci/image.js';
import { type CommitImageOptions, prepareCommit } from '../images/image-committer.js';
import type { LayerApplier } from '../images/unpacker.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { readRootfsFile } from './rootfs-files.js';
import { planMounts } from './spec/binds.js';
import { resolveUser } from './spec/user.js';

export type { Change };

/** What `HEAD …/archive` reports (X-Docker-Container-Path-Stat). */
export interface PathStat {
  name: string;
  size: number;
  /** Go os.FileMode bits, as the docker CLI reads them. */
  mode: number;
  /** RFC 3339 with nanoseconds, as Go writes a time. */
  mtime: string;
  /** For a symlink: where it leads, resolved inside the container. */
  linkTarget: string;
}

export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory or the reverse (the CLI always asks). */
  noOverwriteDirNonDir?: boolean;
  /** Own every extracted file by the container's user (`docker cp -a`). */
  copyUidGid?: boolean;
  signal?: AbortSignal;
}

export interface ContainerCommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  changes?: string[];
  /** Runtime config fields from the request body; set ones override the container's. */
  config?: ImageRuntimeConfig;
  /** Freeze a running container while its changes are read (default true, as Docker). */
  pause?: boolean;
}

export interface ContainerFilesystemDeps {
  containers: ContainerService;
  applyLayer: LayerApplier;
  /** A new image from a parent image and a layer (ImageTransfer.commit). */
  commitImage(parentId: string | undefined, layer: Readable, opts: CommitImageOptions): Promise<{ id: string }>;
}

export class ContainerFilesystem {
  constructor(private readonly d: ContainerFilesystemDeps) {}

  async stat(ref: string, path: string): Promise<PathStat> {
    return this.d.containers.withRootfs(ref, async (root, rec) => (await statIn(root, rec, ref, path)).stat);
  }

  /**
   * `GET …/archive`: the path (a symlink itself, unless the path ends in `/` or `/.`) as a tar
   * whose entries are named after its last component. The stat comes first, so an error is an
   * ordinary error response; `start` is called with it before the first tar byte.
   */
  async archive(ref: string, path: string, start: (stat: PathStat, tar: Readable) => void): Promise<void> {
    await this.d.containers.withRootfs(ref, async (root, rec) => {
      const found = await statIn(root, rec, ref, path);
      const packer = new TreePacker();
      this.d.containers.publish(rec, 'archive-path');
      start(found.stat, packer.stream);
      // The root itself goes as `/` with children `//bin`…, as moby's rebase of the root's own
      // name to "/" writes them; the CLI's rebase then turns the first `/` into its target.
      await this.packAll(packer, () => packer.addTree(found.hostPath, baseName(path)));
    });
  }

  /** `PUT …/archive`: extracts a tar into the directory at `path`. */
  async extract(ref: string, path: string, input: Readable, opts: ExtractOptions = {}): Promise<void> {
    try {
      await this.d.containers.withRootfs(ref, async (root, rec) => {
        if (rec.spec.host.readonlyRootfs) throw new EngineError('permission-denied', 'container rootfs is marked read-only');
        const { hostPath, readOnly } = await resolveContainerPath(root, rec, path, true);
        if (readOnly) throw new EngineError('permission-denied', 'mounted volume is marked read-only');
        const st = await lstat(hostPath).catch(() => undefined);
        if (!st) throw notFound(`Could not find the file ${path} in container ${ref}`);
        if (!st.isDirectory()) throw new EngineError('invalid-argument', 'extraction point is not a directory');
        let body: Readable = input;
        if (opts.copyUidGid) {
          const user = await containerUser(root, rec);
          body = rewriteOwners(input, user.uid, user.gid);
        }
        // The destination directory is the layer's root: entries, hardlinks and relative
        // symlink targets that climb above it are refused, as Docker's untar refuses them.
        const mounts: Mount[] = [{ type: 'bind', source: hostPath, options: ['rbind', 'rw'] }];
        await this.d.applyLayer(mounts, body, {
          compression: 'none',
          noOverwriteDirNonDir: opts.noOverwriteDirNonDir === true,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        this.d.containers.publish(rec, 'extract-to-dir');
      });
    } finally {
      if (!input.readableEnded) input.resume();
    }
  }

  /** `GET …/export`: the whole filesystem as a tar. */
  async export(ref: string, start: (tar: Readable) => void): Promise<void> {
    await this.d.containers.withRootfs(ref, async (root, rec) => {
      const packer = new TreePacker();
      this.d.containers.publish(rec, 'export');
      start(packer.stream);
      await this.packAll(packer, () => packer.addTree(root, ''));
    });
  }

  /** `GET …/changes`: what the container changed in its image's filesystem. */
  async changes(ref: string): Promise<Change[]> {
    const rec = this.d.containers.resolve(ref);
    return upperChanges(await this.upperDir(rec));
  }

  /**
   * The container's changes as a layer tar with OCI whiteouts (for commit). The caller holds
   * whatever keeps the container still (commit pauses it).
   */
  async changesLayer(rec: ContainerRecord): Promise<ReturnType<typeof layerFromUpper>> {
    return layerFromUpper(await this.upperDir(rec));
  }

  /** `POST /commit`: the container's changes as a new layer on its image. */
  async commit(ref: string, opts: ContainerCommitOptions = {}): Promise<string> {
    const rec = this.d.containers.resolve(ref);
    const base: ImageRuntimeConfig = {
      User: rec.spec.user,
      Env: rec.spec.env,
      Entrypoint: rec.spec.entrypoint.length > 0 ? rec.spec.entrypoint : null,
      Cmd: rec.spec.cmd,
      WorkingDir: rec.spec.workingDir,
      Labels: rec.spec.labels,
      ...(Object.keys(rec.spec.exposedPorts).length > 0 ? { ExposedPorts: rec.spec.exposedPorts } : {}),
    };
    const config = { ...base, ...definedFields(opts.config ?? {}) };
    const imageOpts: CommitImageOptions = {
      config,
      createdBy: [...rec.spec.entrypoint, ...rec.spec.cmd].join(' '),
      ...(opts.repo ? { repo: opts.repo } : {}),
      ...(opts.tag ? { tag: opts.tag } : {}),
      ...(opts.comment ? { comment: opts.comment } : {}),
      ...(opts.author ? { author: opts.author } : {}),
      ...(opts.changes ? { changes: opts.changes } : {}),
    };
    // Bad names and changes fail before the container is paused or anything is written.
    await prepareCommit(imageOpts);
    const image = await this.d.containers.withRootfs(
      ref,
      async (_root, cur) => {
        const layer = await this.changesLayer(cur);
        try {
          const [made] = await Promise.all([this.d.commitImage(cur.imageId, layer.stream, imageOpts), layer.done]);
          return made;
        } catch (err) {
          // Nobody reads the rest: end the walk rather than leave it waiting on a full stream.
          layer.stream.destroy();
          throw err;
        }
      },
      { pause: opts.pause ?? true },
    );
    this.d.containers.publish(rec, 'commit', { comment: opts.comment ?? '', imageID: image.id });
    return image.id;
  }

  private async upperDir(rec: ContainerRecord): Promise<{ upper: string; lowers: string[]; ignore: ReadonlySet<string> }> {
    const m = (await this.d.containers.rootfsMounts(rec))[0];
    const upper = m && m.type === 'overlay' ? mountOption(m, 'upperdir') : undefined;
    if (!m || upper === undefined) {
      throw new EngineError('not-implemented', 'listing a container\'s changes needs the overlay2 storage driver');
    }
    const lowers = (mountOption(m, 'lowerdir') ?? '').split(/(?<!\\):/).filter(Boolean).map((p) => p.replaceAll('\\:', ':'));
    return { upper, lowers, ignore: RUNTIME_PATHS };
  }

  /** Runs the walk to its end or error, waiting until the reader has taken every byte. */
  private async packAll(packer: TreePacker, walk: () => Promise<void>): Promise<void> {
    const consumed = new Promise<void>((resolve) => {
      packer.stream.once('end', resolve);
      packer.stream.once('close', resolve);
      packer.stream.once('error', () => resolve());
    });
    try {
      await walk();
      packer.finalize();
    } catch (err) {
      packer.destroy(err);
      throw err;
    }
    await consumed;
  }
}

/** Fields of the request's config that say something (moby's merge: empty means "keep"). */
function definedFields(c: ImageRuntimeConfig): ImageRuntimeConfig {
  return Object.fromEntries(
    Object.entries(c).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)),
  ) as ImageRuntimeConfig;
}

/**
 * A container path on the host: resolved inside the root, then, when it lands at or below the
 * destination of a bind mount, the rest resolved inside the bind's source instead (links there
 * stay inside the source; an absolute link target restarts at the source, not at the
 * container's root).
 */
async function resolveContainerPath(
  root: string,
  rec: ContainerRecord,
  path: string,
  followLast: boolean,
): Promise<{ hostPath: string; containerPath: string; readOnly: boolean }> {
  const inRoot = await resolveInRoot(root, path, { followLast });
  const cp = inRoot.containerPath;
  let best: { source: string; destination: string; rw: boolean } | undefined;
  for (const p of planMounts(rec.spec.host.binds, rec.spec.host.mounts).points) {
    if (p.type !== 'bind') continue;
    const dest = p.destination.replace(/\/+$/, '') || '/';
    if (cp !== dest && !cp.startsWith(`${dest}/`)) continue;
    if (!best || dest.length > best.destination.length) best = { source: p.source, destination: dest, rw: p.rw };
  }
  if (!best) return { ...inRoot, readOnly: false };
  const inBind = await resolveInRoot(best.source, cp.slice(best.destination.length), { followLast });
  const below = inBind.containerPath === '/' ? '' : inBind.containerPath;
  return { hostPath: inBind.hostPath, containerPath: `${best.destination === '/' ? '' : best.destination}${below}` || '/', readOnly: !best.rw };
}

async function statIn(root: string, rec: ContainerRecord, ref: string, path: string): Promise<{ stat: PathStat; hostPath: string }> {
  const followLast = /(\/|\/\.)$/.test(path);
  const { hostPath } = await resolveContainerPath(root, rec, path, followLast);
  const st = await lstat(hostPath, { bigint: true }).catch(() => undefined);
  if (!st) throw notFound(`Could not find the file ${path} in container ${ref}`);
  if (followLast && !st.isDirectory()) throw new EngineError('invalid-argument', 'not a directory');
  let linkTarget = '';
  if (st.isSymbolicLink()) linkTarget = (await resolveContainerPath(root, rec, path, true)).containerPath;
  return {
    hostPath,
    stat: {
      name: baseName(path) === '.' ? '.' : path === '/' ? '/' : baseName(path),
      size: Number(st.size),
      mode: goFileMode(Number(st.mode)),
      mtime: goTime(st.mtimeNs),
      linkTarget,
    },
  };
}

/** POSIX st_mode → Go os.FileMode. */
export function goFileMode(mode: number): number {
  let m = mode & 0o777;
  const fmt = mode & 0o170000;
  if (fmt === 0o040000) m += 2 ** 31;
  else if (fmt === 0o120000) m += 2 ** 27;
  else if (fmt === 0o060000) m += 2 ** 26;
  else if (fmt === 0o020000) m += 2 ** 26 + 2 ** 21;
  else if (fmt === 0o010000) m += 2 ** 25;
  else if (fmt === 0o140000) m += 2 ** 24;
  if (mode & 0o4000) m += 2 ** 23;
  if (mode & 0o2000) m += 2 ** 22;
  if (mode & 0o1000) m += 2 ** 20;
  return m;
}

/** Nanoseconds since the epoch → Go's RFC3339Nano (trailing zeros of the fraction dropped). */
export function goTime(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

async function containerUser(root: string, rec: ContainerRecord): Promise<{ uid: number; gid: number }> {
  const mounts: Mount[] = [{ type: 'bind', source: root, options: [] }];
  const [passwd, group] = await Promise.all([readRootfsFile(mounts, '/etc/passwd'), readRootfsFile(mounts, '/etc/group')]);
  return resolveUser(rec.spec.user, [], passwd ?? '', group ?? '');
}

/** The same tar with every entry owned by uid:gid. */
function rewriteOwners(input: Readable, uid: number, gid: number): Readable {
  const ex = tarStream().extract();
  const out = tarStream().pack();
  ex.on('entry', (header, stream, next) => {
    const sink = out.entry({ ...header, uid, gid }, (err) => (err ? ex.destroy(err) : next()));
    stream.pipe(sink);
  });
  ex.on('finish', () => out.finalize());
  pipeline(input, ex).catch((err: unknown) => out.destroy(err as Error));
  const through = new PassThrough();
  return out.pipe(through);
}
