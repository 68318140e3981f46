// Reading a container's files before its rootfs is mounted: /etc/passwd and /etc/group, to
// resolve `--user` into the uid and gids written to config.json. For an overlay snapshot the
// file is looked up layer by layer (upper first), honouring overlay whiteouts (0:0 character
// devices) and opaque directories; for a bind snapshot it is read directly.

import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Mount, mountOption } from '../../core/mount.js';

const MAX_SIZE = 4 << 20;

export async function readRootfsFile(mounts: readonly Mount[], path: string): Promise<string | undefined> {
  const layers = layerDirs(mounts);
  const parts = path.split('/').filter(Boolean);
  for (const dir of layers) {
    const found = await lookupInLayer(dir, parts);
    if (found === 'whiteout') return undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Upper first, then lowers (nearest first), as overlayfs stacks them. */
function layerDirs(mounts: readonly Mount[]): string[] {
  const m = mounts[0];
  if (!m) return [];
  if (m.type === 'bind') return [m.source];
  if (m.type !== 'overlay') return [];
  const dirs: string[] = [];
  const upper = mountOption(m, 'upperdir');
  if (upper) dirs.push(upper);
  const lower = mountOption(m, 'lowerdir');
  if (lower) dirs.push(...lower.split(/(?<!\\):/).map((p) => p.replaceAll('\\:', ':')));
  return dirs;
}

async function lookupInLayer(dir: string, parts: string[]): Promise<string | 'whiteout' | undefined> {
  let cur = dir;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    const st = await lstat(cur).catch(() => undefined);
    if (!st) return undefined;
    if (st.isCharacterDevice() && st.rdev === 0) return 'whiteout';
    if (i < parts.length - 1) {
      if (!st.isDirectory()) return undefined;
      if (await isOpaque(cur)) {
        // An opaque directory hides the layers below: the answer is in this layer or nowhere.
        const rest = await lookupInLayer(cur, parts.slice(i + 1));
        return rest ?? 'whiteout';
      }
      continue;
    }
    if (!st.isFile() || st.size > MAX_SIZE) return undefined;
    return readFile(cur, 'utf8');
  }
  return undefined;
}

async function isOpaque(dir: string): Promise<boolean> {
  // Loaded on use: most lookups never reach an opaque directory check worth the module.
  const { getAttribute } = await import('@napi-rs/xattr');
  const v = await getAttribute(dir, 'trusted.overlay.opaque').catch(() => null);
  return v !== null && v.toString() === 'y';
}
