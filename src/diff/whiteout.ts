// Whiteouts: how a layer says "this path from a lower layer is gone".
//
// In the tar (OCI image spec, from AUFS): `.wh.<name>` removes <name> from the layers below, and
// `.wh..wh..opq` in a directory hides everything the lower layers have in it. On an overlayfs
// upper directory the same facts are a character device 0:0 named <name> and the xattr
// `trusted.overlay.opaque=y` on the directory. Whiteouts only ever hide lower layers: a path this
// same layer creates is never removed by its own whiteout (OCI image spec, "Whiteouts").

export const WHITEOUT_PREFIX = '.wh.';
/** AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`, …); Docker skips these entries. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';

export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

export type Whiteout =
  | { kind: 'remove'; name: string }
  | { kind: 'opaque' }
  | { kind: 'aufs-meta' }
  | { kind: 'invalid' };

/** Classifies the last component of a cleaned entry name; undefined when it is no whiteout. */
export function parseWhiteout(base: string): Whiteout | undefined {
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === WHITEOUT_OPAQUE) return { kind: 'opaque' };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'aufs-meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  // `base` is one component already, so only these can fail to name a sibling.
  if (name === '' || name === '.' || name === '..') return { kind: 'invalid' };
  return { kind: 'remove', name };
}

/**
 * Extended attributes a layer must not set: overlayfs reads `trusted.overlay.*` (and, with the
 * userxattr option, `user.overlay.*`) as instructions (opaque, redirect, metacopy), so a layer
 * carrying them could hide or redirect files below it.
 */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.');
}
