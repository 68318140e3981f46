// Applies tar entries to a snapshot directory with synchronous file system calls. It runs inside
// the layer worker (apply-layer-worker.ts), where sync calls skip the thread-pool round trip
// that async fs pays per call.
//
// Two targets:
//   bind     `root` holds the full tree; whiteouts delete.
//   overlay  `root` is the upperdir over `lowers` (read only, topmost first); whiteouts become
//            char devices 0:0 and opaque directories get trusted.overlay.opaque=y.
// Either way the result must look the same through the mount.
//
// Parent directories are resolved by `resolveDir` like a lookup in a chroot: every component is
// looked up in the merged view (upper, then the lowers, honouring whiteouts and opaque dirs),
// symlinks are followed with absolute targets restarting at the root and `..` stopping there,
// and a directory found only in a lower layer is copied up (mkdir with its owner, mode, xattrs
// and times). So no entry is ever written through a symlink to outside the root. Resolved
// parents are cached; anything that can change an answer (removing or replacing a cached dir
// or a followed symlink, whiteouts, opaque dirs) clears the caches.
//
// Device nodes, fifos and whiteout devices cannot be made from Node: they are kept in `pending`
// (which lookups consult as if they existed) and made by one process in `finish()`, followed by
// hardlinks to them, their metadata, and finally all directory times (after every child).
//
// Hardlinks take the target's inode and apply no metadata of their own. A hardlink whose target
// lives only in a lower layer copies the target up first (regular files and symlinks; devices
// and fifos there are refused as not-implemented).

import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { createRequire } from 'node:module';
import { EngineError, errorMessage, invalidArgument, type ErrorKind } from '../core/errors.js';
import { cleanEntryName, joinName, splitName, symlinkEscapes } from './layer-path.js';
import { makeNodes, type NodeSpec } from './make-nodes.js';
import type { TarEntry, TarSink } from './tar-reader.js';
import { isOverlayXattr, OVERLAY_OPAQUE_XATTR, parseWhiteout, type Whiteout } from './whiteout.js';

export interface LayerTarget {
  /** The directory written: a bind mount's source or an overlay upperdir. Absolute. */
  root: string;
  /** Overlay lowerdirs, topmost first; empty for a bind mount. Never written. */
  lowers: string[];
  /** Overlay form for whiteouts (devices and xattrs) instead of removing files. */
  overlay: boolean;
  /** Refuse entries that would replace a directory with a non-directory or the reverse (cp). */
  noOverwriteDirNonDir?: boolean;
}

type Pending = { kind: 'whiteout'; uid: number; gid: number } | { kind: 'node'; entry: TarEntry };

/** A directory present in layer 0: the layers it is merged from (0 first) and its group,
 *  -1 when unknown. The group decides whether new files in it need a chown (see `needsChown`). */
interface DirState {
  layers: readonly number[];
  gid: number;
}

type Lookup =
  | { kind: 'missing' }
  | { kind: 'dir'; layers: readonly number[]; gid: number }
  | { kind: 'symlink'; layer: number }
  | { kind: 'other' };

type Times = readonly [atime: number, mtime: number];
type Xattr = typeof import('@napi-rs/xattr');

const FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Linux gives up after 40; Docker's scoped resolver after 255. */
const MAX_LINKS = 255;
const MISSING: Lookup = { kind: 'missing' };
const OTHER: Lookup = { kind: 'other' };

export class LayerWriter implements TarSink {
  private readonly overlay: boolean;
  private readonly noOverwriteDirNonDir: boolean;
  /** Absolute roots: index 0 is the directory written, then the lowers. */
  private readonly layers: readonly string[];
  /** Parent name as in the archive → real path (relative to the roots) of a dir in layer 0. */
  private readonly nameCache = new Map<string, string>();
  private readonly dirStates = new Map<string, DirState>();
  private readonly rootState: DirState;
  private readonly euid: number;
  private readonly egid: number;
  private readonly followedLinks = new Set<string>();
  /** Real paths of this layer's entries, and every directory above them. */
  private readonly created = new Set<string>();
  private readonly createdAncestors = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  /** Hardlinks to pending nodes: link path → target path. */
  private readonly deferredLinks = new Map<string, string>();
  private readonly dirTimes = new Map<string, Times>();
  private file: { fd: number; path: string; entry: TarEntry; chown: boolean } | undefined;
  /** Loaded on first use: most layers need no xattrs, and loading the addon costs ~6 ms. */
  private xattrModule: Xattr | undefined;
  /** The archive name of the entry being applied, for error messages. */
  current = '';

  constructor(target: LayerTarget) {
    this.overlay = target.overlay;
    this.noOverwriteDirNonDir = target.noOverwriteDirNonDir === true;
    this.layers = [target.root, ...target.lowers];
    this.rootState = { layers: this.layers.map((_, i) => i), gid: lstatSync(target.root).gid };
    this.euid = process.geteuid?.() ?? -1;
    this.egid = process.getegid?.() ?? -1;
  }

  /**
   * Bytes of file content and symlink targets this layer brings (hardlinks count once):
   * the figure Docker reports as a layer's size.
   */
  contentSize = 0;

  entry(e: TarEntry): void {
    this.current = e.name;
    const clean = cleanEntryName(e.name);
    if (clean === '') {
      // Only a directory entry may name the root, and then only its metadata changes.
      if (e.type === 'dir') this.applyRootMeta(e);
      return;
    }
    const [parentName, base] = splitName(clean);
    const wh = parseWhiteout(base);
    if (wh !== undefined) {
      this.whiteout(e, parentName, wh);
      return;
    }
    this.validate(e, parentName);
    const parent = this.resolveDir(parentName);
    const rel = joinName(parent, base);
    if (e.type === 'file') this.contentSize += e.size;
    else if (e.type === 'symlink') this.contentSize += Buffer.byteLength(e.linkname);
    if (this.noOverwriteDirNonDir) this.checkOverwrite(e, rel);
    switch (e.type) {
      case 'file':
        this.createFile(e, rel, parent);
        break;
      case 'dir':
        this.createDir(e, rel, parent);
        break;
      case 'symlink':
        this.createSymlink(e, rel, parent);
        break;
      case 'hardlink':
        this.createHardlink(e, rel);
        break;
      default:
        this.createNode(e, rel);
        break;
    }
  }

  data(buf: Buffer, start: number, end: number): void {
    const f = this.file;
    if (f === undefined) return; // a file entry that was skipped (the root, a whiteout)
    let off = start;
    while (off < end) off += writeSync(f.fd, buf, off, end - off);
  }

  endData(): void {
    const f = this.file;
    if (f === undefined) return;
    this.file = undefined;
    const e = f.entry;
    try {
      // chown clears setuid/setgid and security.capability, so mode and xattrs come after it.
      if (f.chown) fchownSync(f.fd, e.uid, e.gid);
      fchmodSync(f.fd, e.mode);
      if (e.xattrs !== undefined) this.setXattrs(f.path, e);
      futimesSync(f.fd, atimeOf(e), e.mtime);
    } finally {
      closeSync(f.fd);
    }
  }

  /** After the last entry: make pending nodes, then links to them, then all metadata that
   *  later writes would have disturbed (directory times last). */
  finish(): void {
    this.current = '';
    const nodes: NodeSpec[] = [];
    for (const [rel, p] of this.pending) {
      const path = this.abs(rel);
      if (p.kind === 'whiteout') {
        nodes.push({ path, type: 'char', major: 0, minor: 0 });
      } else {
        const type = p.entry.type === 'fifo' || p.entry.type === 'block' ? p.entry.type : 'char';
        nodes.push({ path, type, major: p.entry.devmajor, minor: p.entry.devminor });
      }
    }
    makeNodes(nodes);
    for (const [rel, target] of this.deferredLinks) linkSync(this.abs(target), this.abs(rel));
    for (const [rel, p] of this.pending) {
      const path = this.abs(rel);
      if (p.kind === 'whiteout') {
        lchownSync(path, p.uid, p.gid);
        continue;
      }
      const e = p.entry;
      this.current = e.name;
      lchownSync(path, e.uid, e.gid);
      chmodSync(path, e.mode);
      this.setXattrs(path, e);
      lutimesSync(path, atimeOf(e), e.mtime);
    }
    for (const [rel, [atime, mtime]] of this.dirTimes) lutimesSync(this.abs(rel), atime, mtime);
  }

  // --- entries ---------------------------------------------------------------------------

  private validate(e: TarEntry, parentName: string): void {
    if (e.type === 'symlink' && (e.linkname === '' || symlinkEscapes(parentName, e.linkname))) {
      throw invalidArgument(`invalid symlink ${q(e.name)} -> ${q(e.linkname)}`);
    }
    if (e.type === 'char' && e.devmajor === 0 && e.devminor === 0) {
      // In overlay form this would silently act as a whiteout.
      throw invalidArgument(`invalid device node ${q(e.name)}: whiteout devices are not allowed in layers`);
    }
  }

  /** moby's untar with NoOverwriteDirNonDir, in its words. */
  private checkOverwrite(e: TarEntry, rel: string): void {
    const st = lstatSync(this.abs(rel), { throwIfNoEntry: false });
    if (st === undefined) return;
    if (st.isDirectory() && e.type !== 'dir') {
      throw invalidArgument(`cannot overwrite directory ${q(`/${rel}`)} with non-directory ${q(e.name)}`);
    }
    if (!st.isDirectory() && e.type === 'dir') {
      throw invalidArgument(`cannot overwrite non-directory ${q(`/${rel}`)} with directory ${q(e.name)}`);
    }
  }

  private createFile(e: TarEntry, rel: string, parent: string): void {
    this.claim(rel);
    const path = this.abs(rel);
    let fd: number;
    try {
      fd = openSync(path, FILE_FLAGS, 0o600);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
      this.removeExisting(rel);
      fd = openSync(path, FILE_FLAGS, 0o600);
    }
    this.file = { fd, path, entry: e, chown: this.needsChown(e, parent) };
    this.markCreated(rel);
  }

  private createDir(e: TarEntry, rel: string, parent: string): void {
    const wasWhiteout = this.claimPending(rel);
    const path = this.abs(rel);
    let fresh = true;
    try {
      mkdirSync(path, 0o700);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
      if (lstatSync(path).isDirectory()) {
        fresh = false; // dir over dir: merge, only the metadata changes
      } else {
        this.removePath(rel, false);
        mkdirSync(path, 0o700);
      }
    }
    if (fresh) {
      this.invalidate(rel);
      // A whiteout earlier in this layer removed the lower dir: the new one must not merge.
      if (wasWhiteout) this.setOpaque(path);
    }
    this.applyDirMeta(path, rel, e, !fresh || this.needsChown(e, parent));
    this.markCreated(rel);
  }

  private createSymlink(e: TarEntry, rel: string, parent: string): void {
    this.claim(rel);
    const path = this.abs(rel);
    try {
      symlinkSync(e.linkname, path);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
      this.removeExisting(rel);
      symlinkSync(e.linkname, path);
    }
    if (this.needsChown(e, parent)) lchownSync(path, e.uid, e.gid);
    this.setXattrs(path, e);
    lutimesSync(path, atimeOf(e), e.mtime);
    this.markCreated(rel);
  }

  private createHardlink(e: TarEntry, rel: string): void {
    const bad = (why?: string): EngineError =>
      invalidArgument(`invalid hardlink ${q(e.name)} -> ${q(e.linkname)}${why === undefined ? '' : `: ${why}`}`);
    let target: string;
    try {
      target = cleanEntryName(e.linkname);
    } catch {
      throw bad();
    }
    if (target === '') throw bad('target is the root directory');
    const [tParentName, tBase] = splitName(target);
    const tParent = this.resolveDir(tParentName);
    let tRel = joinName(tParent, tBase);
    if (tRel === rel) {
      this.markCreated(rel); // a link to itself: it is already there
      return;
    }
    tRel = this.deferredLinks.get(tRel) ?? tRel;
    const p = this.pending.get(tRel);
    if (p !== undefined) {
      if (p.kind === 'whiteout') throw bad('target does not exist');
      // The target is a device or fifo made at the end: link to it then.
      this.claim(rel);
      this.removeExisting(rel);
      this.deferredLinks.set(rel, tRel);
      this.markCreated(rel);
      return;
    }
    const tPath = this.abs(tRel);
    let st = lstatSync(tPath, { throwIfNoEntry: false });
    if (st === undefined && this.overlay) st = this.copyUp(tRel, tParent, e);
    if (st === undefined) throw bad('target does not exist');
    if (st.isDirectory()) throw bad('target is a directory');
    this.claim(rel);
    const path = this.abs(rel);
    try {
      linkSync(tPath, path);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw err;
      this.removeExisting(rel);
      linkSync(tPath, path);
    }
    this.markCreated(rel);
  }

  private createNode(e: TarEntry, rel: string): void {
    this.claim(rel);
    this.removeExisting(rel);
    this.pending.set(rel, { kind: 'node', entry: e });
    this.markCreated(rel);
  }

  private whiteout(e: TarEntry, parentName: string, wh: Whiteout): void {
    switch (wh.kind) {
      case 'aufs-meta':
        return;
      case 'invalid':
        throw invalidArgument(`invalid whiteout ${q(e.name)}`);
      case 'opaque':
        this.opaque(this.resolveDir(parentName));
        return;
      case 'remove': {
        const rel = joinName(this.resolveDir(parentName), wh.name);
        // Whiteouts hide lower layers only, never this layer's own entries.
        if (this.created.has(rel)) return;
        this.removeExisting(rel);
        if (this.overlay) {
          this.pending.set(rel, { kind: 'whiteout', uid: e.uid, gid: e.gid });
          this.invalidate(rel);
        }
        return;
      }
    }
  }

  /** `.wh..wh..opq` in `dir`: only this layer's entries stay visible in it. */
  private opaque(dir: string): void {
    this.removeOld(dir);
    if (this.overlay) {
      if (dir === '') this.opaqueRoot();
      else this.setOpaque(this.abs(dir));
    }
    this.clearCaches();
  }

  /** Removes what this layer did not create from `dir`, keeping the dirs above its entries
   *  (and emptying those of older content). In overlay form this only touches copied-up dirs,
   *  copied-up link targets and implicit dirs: the upper holds nothing older. */
  private removeOld(dir: string): void {
    for (const d of readdirSync(this.abs(dir), { withFileTypes: true })) {
      const rel = joinName(dir, d.name);
      if (this.created.has(rel) || this.createdAncestors.has(rel)) {
        if (d.isDirectory()) this.removeOld(rel);
        continue;
      }
      this.removePath(rel, d.isDirectory());
    }
  }

  /** overlayfs ignores the opaque xattr on the upper root, so hide each lower root entry:
   *  dirs in the upper become opaque and everything else gets a whiteout. */
  private opaqueRoot(): void {
    const names = new Set<string>();
    for (let li = 1; li < this.layers.length; li++) {
      for (const n of readdirSync(this.layers[li] as string)) names.add(n);
    }
    for (const n of names) {
      const st = lstatSync(this.abs(n), { throwIfNoEntry: false });
      if (st === undefined) {
        if (!this.pending.has(n) && !this.deferredLinks.has(n)) {
          this.pending.set(n, { kind: 'whiteout', uid: 0, gid: 0 });
        }
      } else if (st.isDirectory()) {
        this.setOpaque(this.abs(n));
      }
    }
  }

  private applyRootMeta(e: TarEntry): void {
    this.applyDirMeta(this.layers[0] as string, '', e, true);
  }

  private applyDirMeta(path: string, rel: string, e: TarEntry, chown: boolean): void {
    if (chown) lchownSync(path, e.uid, e.gid);
    chmodSync(path, e.mode);
    this.setXattrs(path, e);
    this.dirTimes.set(rel, [atimeOf(e), e.mtime]);
    const state = rel === '' ? this.rootState : this.dirStates.get(rel);
    if (state !== undefined) state.gid = e.gid;
  }

  /**
   * Whether a new file or symlink in `parent` needs a chown. It does not when the owner wanted
   * is the one it was created with: uid is always ours, and the group is ours unless the parent
   * passes its own down (setgid dir, or a `grpid` mount), which cannot matter when the
   * parent's group is ours too. Saves one syscall for nearly every file of a typical layer.
   */
  private needsChown(e: TarEntry, parent: string): boolean {
    if (e.uid !== this.euid || e.gid !== this.egid) return true;
    const state = parent === '' ? this.rootState : this.dirStates.get(parent);
    return state === undefined || state.gid !== this.egid;
  }

  /** A new entry takes `rel`: forget what was pending there; returns whether it was a whiteout. */
  private claimPending(rel: string): boolean {
    this.deferredLinks.delete(rel);
    const p = this.pending.get(rel);
    if (p === undefined) return false;
    this.pending.delete(rel);
    return p.kind === 'whiteout';
  }

  /** claimPending for a non-directory, which also hides whatever a lower layer has at `rel`. */
  private claim(rel: string): void {
    this.claimPending(rel);
    this.dirTimes.delete(rel);
    this.invalidate(rel);
  }

  private markCreated(rel: string): void {
    this.created.add(rel);
    let i = rel.lastIndexOf('/');
    while (i > 0) {
      const a = rel.slice(0, i);
      if (this.createdAncestors.has(a)) break;
      this.createdAncestors.add(a);
      i = a.lastIndexOf('/');
    }
  }

  private removeExisting(rel: string): void {
    const st = lstatSync(this.abs(rel), { throwIfNoEntry: false });
    if (st !== undefined) this.removePath(rel, st.isDirectory());
  }

  private removePath(rel: string, isDir: boolean): void {
    const path = this.abs(rel);
    if (isDir) {
      // rmSync never follows symlinks: it lstats and unlinks them.
      rmSync(path, { recursive: true, force: true });
      const prefix = `${rel}/`;
      for (const m of [this.pending, this.deferredLinks, this.dirTimes]) {
        for (const k of m.keys()) if (k.startsWith(prefix)) m.delete(k);
      }
    } else {
      unlinkSync(path);
    }
    this.dirTimes.delete(rel);
    this.invalidate(rel);
  }

  // --- parent resolution -----------------------------------------------------------------

  /** The real path of the directory named `name` (cleaned, relative), made to exist in layer 0. */
  private resolveDir(name: string): string {
    if (name === '') return '';
    const hit = this.nameCache.get(name);
    if (hit !== undefined) return hit;
    const real = this.walk(name);
    this.nameCache.set(name, real);
    return real;
  }

  private walk(name: string): string {
    const todo = name.split('/').reverse();
    let cur = '';
    let state = this.rootState;
    let links = 0;
    while (todo.length > 0) {
      const c = todo.pop() as string;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        const i = cur.lastIndexOf('/');
        cur = i < 0 ? '' : cur.slice(0, i);
        state = this.stateOf(cur);
        continue;
      }
      const rel = joinName(cur, c);
      const known = this.dirStates.get(rel);
      if (known !== undefined) {
        cur = rel;
        state = known;
        continue;
      }
      const found = this.lookup(state.layers, rel);
      switch (found.kind) {
        case 'dir':
          state = found.layers[0] === 0 ? { layers: found.layers, gid: found.gid } : this.copyUpDir(rel, found.layers);
          break;
        case 'missing':
          state = this.makeImplicitDir(rel);
          break;
        case 'symlink': {
          if (++links > MAX_LINKS) throw invalidArgument(`${q(this.current)}: too many levels of symbolic links`);
          const target = readlinkSync(this.layerPath(found.layer, rel));
          this.followedLinks.add(rel);
          const parts = target.split('/');
          for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i] as string);
          // Chroot semantics: an absolute target starts again at the layer root.
          if (target.startsWith('/')) {
            cur = '';
            state = this.rootState;
          }
          continue;
        }
        case 'other':
          throw invalidArgument(`cannot create ${q(this.current)}: ${q(rel)} is not a directory`);
      }
      this.dirStates.set(rel, state);
      cur = rel;
    }
    return cur;
  }

  private stateOf(real: string): DirState {
    if (real === '') return this.rootState;
    const s = this.dirStates.get(real);
    if (s !== undefined) return s;
    this.walk(real); // a real path has no symlinks left: this only refills the cache
    return this.dirStates.get(real) ?? { layers: [0], gid: -1 };
  }

  /** What the merged view has at `rel`, given the layers its parent dir is merged from. */
  private lookup(layers: readonly number[], rel: string): Lookup {
    for (let k = 0; k < layers.length; k++) {
      const li = layers[k] as number;
      if (li === 0) {
        const p = this.pending.get(rel);
        if (p !== undefined) return p.kind === 'whiteout' ? MISSING : OTHER;
        if (this.deferredLinks.has(rel)) return OTHER;
      }
      const st = lstatSync(this.layerPath(li, rel), { throwIfNoEntry: false });
      if (st === undefined) continue;
      if (st.isDirectory()) {
        const dirs = [li];
        if (k + 1 < layers.length && !this.isOpaque(li, rel)) {
          for (let k2 = k + 1; k2 < layers.length; k2++) {
            const lj = layers[k2] as number;
            const st2 = lstatSync(this.layerPath(lj, rel), { throwIfNoEntry: false });
            if (st2 === undefined) continue;
            if (!st2.isDirectory()) break; // a whiteout or a file hides the rest
            dirs.push(lj);
            if (this.isOpaque(lj, rel)) break;
          }
        }
        return { kind: 'dir', layers: dirs, gid: st.gid };
      }
      if (this.overlay && isWhiteout(st)) return MISSING;
      if (st.isSymbolicLink()) return { kind: 'symlink', layer: li };
      return OTHER;
    }
    return MISSING;
  }

  private isOpaque(li: number, rel: string): boolean {
    if (!this.overlay) return false;
    try {
      return this.xattr().getAttributeSync(this.layerPath(li, rel), OVERLAY_OPAQUE_XATTR)?.toString() === 'y';
    } catch {
      return false;
    }
  }

  /** A parent dir missing from the merged view: made like `mkdir -p` does (0755). */
  private makeImplicitDir(rel: string): DirState {
    const path = this.abs(rel);
    mkdirSync(path, 0o755);
    chmodSync(path, 0o755); // exact, whatever the umask
    if (this.claimPending(rel)) this.setOpaque(path); // it replaces a whited-out lower dir
    return { layers: [0], gid: -1 }; // inherited or ours: not worth a stat
  }

  /** A dir only in lower layers, copied up so entries can be written below it. */
  private copyUpDir(rel: string, layers: readonly number[]): DirState {
    const src = this.layerPath(layers[0] as number, rel);
    const path = this.abs(rel);
    const st = lstatSync(src);
    mkdirSync(path, 0o700);
    lchownSync(path, st.uid, st.gid);
    chmodSync(path, st.mode & 0o7777);
    this.copyXattrs(src, path);
    this.dirTimes.set(rel, [st.atimeMs / 1000, st.mtimeMs / 1000]);
    return { layers: [0, ...layers], gid: st.gid };
  }

  /** A hardlink target found only in a lower layer: copy it into the upper so it can be linked. */
  private copyUp(tRel: string, tParent: string, e: TarEntry): Stats | undefined {
    for (const li of this.stateOf(tParent).layers) {
      if (li === 0) continue;
      const src = this.layerPath(li, tRel);
      const st = lstatSync(src, { throwIfNoEntry: false });
      if (st === undefined) continue;
      if (isWhiteout(st)) return undefined;
      if (st.isDirectory()) return st;
      const dst = this.abs(tRel);
      if (st.isFile()) {
        copyFileSync(src, dst, constants.COPYFILE_EXCL);
        lchownSync(dst, st.uid, st.gid);
        chmodSync(dst, st.mode & 0o7777);
      } else if (st.isSymbolicLink()) {
        symlinkSync(readlinkSync(src), dst);
        lchownSync(dst, st.uid, st.gid);
      } else {
        throw new EngineError(
          'not-implemented',
          `hardlink ${q(e.name)} -> ${q(e.linkname)}: ` +
            'the target is a device or fifo in a lower layer; copying it up is not supported',
        );
      }
      this.copyXattrs(src, dst);
      lutimesSync(dst, st.atimeMs / 1000, st.mtimeMs / 1000);
      return lstatSync(dst);
    }
    return undefined;
  }

  private invalidate(rel: string): void {
    if (this.dirStates.has(rel) || this.followedLinks.has(rel)) this.clearCaches();
  }

  private clearCaches(): void {
    this.nameCache.clear();
    this.dirStates.clear();
    this.followedLinks.clear();
  }

  // --- helpers -----------------------------------------------------------------------------

  private abs(rel: string): string {
    return rel === '' ? (this.layers[0] as string) : `${this.layers[0] as string}/${rel}`;
  }

  private layerPath(li: number, rel: string): string {
    return `${this.layers[li] as string}/${rel}`;
  }

  private xattr(): Xattr {
    return (this.xattrModule ??= createRequire(import.meta.url)('@napi-rs/xattr') as Xattr);
  }

  private setOpaque(path: string): void {
    this.xattr().setAttributeSync(path, OVERLAY_OPAQUE_XATTR, 'y');
  }

  private setXattrs(path: string, e: TarEntry): void {
    if (e.xattrs === undefined) return;
    for (const [name, value] of e.xattrs) {
      if (isOverlayXattr(name)) continue;
      try {
        this.xattr().setAttributeSync(path, name, value);
      } catch (err) {
        throw xattrError(`setting xattr ${name} on ${q(e.name)}`, err);
      }
    }
  }

  private copyXattrs(src: string, dst: string): void {
    const x = this.xattr();
    try {
      for (const name of x.listAttributesSync(src)) {
        if (isOverlayXattr(name)) continue;
        const value = x.getAttributeSync(src, name);
        if (value !== null) x.setAttributeSync(dst, name, value);
      }
    } catch (err) {
      throw xattrError(`copying xattrs of ${q(src)}`, err);
    }
  }
}

function atimeOf(e: TarEntry): number {
  // As Docker: atime is the later of the two (an archive usually has only mtime).
  return e.atime !== undefined && e.atime > e.mtime ? e.atime : e.mtime;
}

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function codeOf(err: unknown): string | undefined {
  return err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
}

function q(s: string): string {
  return JSON.stringify(s);
}

/** @napi-rs/xattr reports errno only inside the message ("… (os error 95)"). */
function xattrError(what: string, err: unknown): EngineError {
  const msg = errorMessage(err);
  const errno = Number(/os error (\d+)/.exec(msg)?.[1]);
  let kind: ErrorKind = 'internal';
  if (errno === 1 || errno === 13) kind = 'permission-denied';
  else if (errno === 95) kind = 'not-implemented';
  return new EngineError(kind, `${what}: ${msg}`, { cause: err });
}
