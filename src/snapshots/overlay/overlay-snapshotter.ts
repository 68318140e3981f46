// The overlay snapshotter: each snapshot's directory holds `fs` (its own changes: the whole
// tree for a base layer, an overlay upper dir otherwise) and, for active snapshots, `work`
// (overlayfs's work dir). Mounts stack the committed parents' `fs` dirs as `lowerdir=`, nearest
// first. Nothing here mounts anything: mounts are returned as data for diff/ and the runtime.
//
// Mount shapes:
//   active, no parent        bind rw of its fs
//   active on a parent       overlay lowerdir=<parent fs>:<grandparent fs>:…,upperdir=<fs>,workdir=<work>
//   view, no parent          bind ro of its own (empty) fs
//   view on one layer        bind ro of the parent's fs (overlay refuses a single lowerdir alone)
//   view on several layers   overlay with only lowerdir= (read-only by construction)
//
// Length: the mount(2) data page is 4096 bytes. With the default root
// /var/lib/berth/snapshots a layer costs about 40 bytes of `lowerdir=`, so about 95 layers fit
// into one option string; consumers that mount deeper chains must shorten the paths (chdir to
// `<root>/snapshots` and use relative paths, as containerd does).

import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorMessage, invalidArgument } from '../../core/errors.js';
import type { Mount } from '../../core/mount.js';
import { MetastoreSnapshotter, type SnapshotLayout } from '../metastore-snapshotter.js';
import { mountPointsUnder } from '../../util/mounts.js';
import { SnapshotMetastore, type SnapshotRecord } from '../snapshot-metastore.js';

const execFileAsync = promisify(execFile);

/** Prefix of the scratch directory supported() makes under the root (a temp name). */
const CHECK_PREFIX = '.tmp-overlay-check-';

export const OverlaySnapshotter = {
  /** Creates the layout under `root` if needed and loads the metadata. */
  async open(root: string): Promise<MetastoreSnapshotter> {
    const store = await SnapshotMetastore.open(root);
    // ':' separates lowerdirs and ',' separates options: such a root cannot be expressed.
    if (/[:,]/.test(store.root)) {
      await store.close();
      throw invalidArgument(`overlay snapshotter root ${store.root} must not contain ':' or ','`);
    }
    await removeStaleChecks(store.root);
    return new MetastoreSnapshotter(store, overlayLayout(store));
  },

  /**
   * Whether overlayfs works on the filesystem of `root`: mounts a small overlay in a scratch
   * directory under `root`, writes through it, checks that deleting a lower file leaves a
   * whiteout and that a `trusted.overlay.opaque` directory hides the lower one, then unmounts
   * and removes everything. Fails e.g. on overlayfs-on-overlayfs, without root, or on
   * filesystems without trusted xattrs; the daemon then falls back to the native snapshotter.
   */
  async supported(root: string): Promise<{ ok: boolean; reason?: string }> {
    let dir: string;
    try {
      await mkdir(root, { recursive: true, mode: 0o700 });
      dir = await mkdtemp(join(root, CHECK_PREFIX));
    } catch (err) {
      return { ok: false, reason: `cannot make a scratch directory under ${root}: ${errorMessage(err)}` };
    }
    try {
      const failure = await checkOverlay(dir);
      return failure === undefined ? { ok: true } : { ok: false, reason: `overlay under ${root}: ${failure}` };
    } catch (err) {
      return { ok: false, reason: `overlay check under ${root} failed: ${errorMessage(err)}` };
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  },
};

function overlayLayout(store: SnapshotMetastore): SnapshotLayout {
  const fsOf = (r: SnapshotRecord): string => store.fsDir(r.id);
  return {
    async populate(_key: string, dir: string): Promise<void> {
      await mkdir(join(dir, 'fs'), { mode: 0o755 });
      await mkdir(join(dir, 'work'), { mode: 0o700 });
    },

    mounts(r: SnapshotRecord, parents: readonly SnapshotRecord[]): Mount[] {
      const lowers = parents.map(fsOf);
      if (r.kind === 'active') {
        if (lowers.length === 0) return [{ type: 'bind', source: fsOf(r), options: ['rbind', 'rw'] }];
        return [
          {
            type: 'overlay',
            source: 'overlay',
            options: [
              'index=off',
              `lowerdir=${lowers.join(':')}`,
              `upperdir=${fsOf(r)}`,
              `workdir=${join(store.snapshotDir(r.id), 'work')}`,
            ],
          },
        ];
      }
      const [only] = lowers;
      if (only === undefined) return [{ type: 'bind', source: fsOf(r), options: ['rbind', 'ro'] }];
      if (lowers.length === 1) return [{ type: 'bind', source: only, options: ['rbind', 'ro'] }];
      return [{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lowers.join(':')}`] }];
    },
  };
}

// The body of supported(): returns why overlay does not work in `dir`, or undefined if it does.
async function checkOverlay(dir: string): Promise<string | undefined> {
  const lower = join(dir, 'lower');
  const upper = join(dir, 'upper');
  const work = join(dir, 'work');
  const merged = join(dir, 'merged');
  await mkdir(join(lower, 'dir'), { recursive: true });
  await mkdir(join(upper, 'dir'), { recursive: true });
  await mkdir(work);
  await mkdir(merged);
  await writeFile(join(lower, 'file'), 'lower');
  await writeFile(join(lower, 'dir', 'hidden'), 'lower');
  try {
    // diff/ marks opaque directories this way when it applies a layer.
    // Loaded here only: the native module costs memory for the daemon's whole life otherwise.
    const { setAttribute } = await import('@napi-rs/xattr');
    await setAttribute(join(upper, 'dir'), 'trusted.overlay.opaque', 'y');
  } catch (err) {
    return `cannot set trusted.overlay.opaque: ${errorMessage(err)}`;
  }
  try {
    const options = `index=off,lowerdir=${lower},upperdir=${upper},workdir=${work}`;
    await execFileAsync('mount', ['-t', 'overlay', 'overlay', '-o', options, merged]);
  } catch (err) {
    return `mount -t overlay failed: ${toolError(err)}`;
  }
  try {
    await writeFile(join(merged, 'new'), 'upper');
    if ((await readFile(join(upper, 'new'), 'utf8')) !== 'upper') return 'a write did not reach the upper dir';
    if ((await readFile(join(merged, 'file'), 'utf8')) !== 'lower') return 'the lower dir does not show';
    await rm(join(merged, 'file'));
    const wh = await lstat(join(upper, 'file'));
    if (!wh.isCharacterDevice() || wh.rdev !== 0) return 'deleting a lower file did not leave a whiteout';
    if ((await readdir(join(merged, 'dir'))).length !== 0) return 'trusted.overlay.opaque does not hide the lower dir';
    return undefined;
  } catch (err) {
    return `reading and writing through the mount failed: ${errorMessage(err)}`;
  } finally {
    await unmount(merged);
  }
}

async function unmount(target: string): Promise<void> {
  try {
    await execFileAsync('umount', [target]);
  } catch {
    // Busy (someone looked inside): detach it so the scratch directory can go.
    await execFileAsync('umount', ['-l', target]).catch(() => undefined);
  }
}

// A crash during supported() can leave its scratch directory, possibly still mounted.
async function removeStaleChecks(root: string): Promise<void> {
  for (const entry of await readdir(root)) {
    if (!entry.startsWith(CHECK_PREFIX)) continue;
    const dir = join(root, entry);
    for (const mp of (await mountPointsUnder(dir)).reverse()) await unmount(mp);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function toolError(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : errorMessage(err);
  return text.replace(/\s+/g, ' ').trim();
}
