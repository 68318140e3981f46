// Lexical checks on the names and link targets in a layer, before anything touches the disk.
// Symlinks already on disk are a separate matter: LayerWriter resolves parents inside the root.

import { invalidArgument } from '../core/errors.js';

/** Names that need no cleaning: no empty, `.` or `..` component and no leading/trailing slash. */
const NEEDS_CLEAN_RE = /(^|\/)\.{0,2}(\/|$)/;

/**
 * The entry name relative to the layer root, cleaned like Go's filepath.Clean: `.` and empty
 * components go, `..` removes the previous component, and a leading `/` only says "from the
 * root" (where `..` stops, as Clean("/../x") is "/x"). '' is the root itself.
 * A relative name that climbs above the root is refused with Docker's words.
 */
export function cleanEntryName(name: string): string {
  if (name.includes('\0')) throw invalidArgument(`invalid tar entry name ${JSON.stringify(name)}: contains NUL`);
  if (!NEEDS_CLEAN_RE.test(name)) return name;
  const absolute = name.startsWith('/');
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (out.length > 0) out.pop();
      else if (!absolute) throw invalidArgument(`${JSON.stringify(name)} is outside of the layer root`);
      continue;
    }
    out.push(c);
  }
  return out.join('/');
}

/** Parent and last component of a cleaned, non-root name. */
export function splitName(clean: string): [parent: string, base: string] {
  const i = clean.lastIndexOf('/');
  return i < 0 ? ['', clean] : [clean.slice(0, i), clean.slice(i + 1)];
}

/** `a/b` + `c` → `a/b/c`, with '' as the root. */
export function joinName(parent: string, base: string): string {
  return parent === '' ? base : `${parent}/${base}`;
}

/**
 * Whether a relative symlink target, read from the link's directory, climbs above the root at
 * any point (Docker refuses these: `invalid symlink`). Absolute targets are container paths and
 * always stay inside the container's root.
 */
export function symlinkEscapes(linkDir: string, target: string): boolean {
  if (target.startsWith('/')) return false;
  let depth = linkDir === '' ? 0 : linkDir.split('/').length;
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      depth--;
      if (depth < 0) return true;
    } else {
      depth++;
    }
  }
  return false;
}
