// A push-mode tar reader. Feed it chunks as they arrive and it calls its sink synchronously for
// each entry and each piece of file data, with no stream or promise per entry: the layer worker
// does all its file system work inside that call stack (see apply-layer-worker.ts).
//
// Reads ustar, GNU (long names, base-256 numbers) and PAX (per-file records) archives the way
// Go's archive/tar does, because Docker's parser defines what a layer means: error words follow
// Go's ("archive/tar: invalid tar header", "unexpected EOF"); a stream ending cleanly between
// entries is accepted without the end marker; PAX global headers are ignored.
//
// Example:
//   const r = new TarReader({ entry: (e) => …, data: (buf, start, end) => …, endData: () => … });
//   for (const chunk of chunks) r.push(chunk);
//   r.end();   // throws "unexpected EOF" when the archive stopped inside an entry

import { EngineError, invalidArgument } from '../core/errors.js';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** The name as stored (PAX path, GNU long name, or ustar prefix + name), not yet cleaned. */
  name: string;
  type: TarEntryType;
  /** Permission bits with setuid, setgid and sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow; 0 for every type but 'file'. */
  size: number;
  /** Seconds since the epoch; fractional when a PAX record gave sub-second precision. */
  mtime: number;
  atime: number | undefined;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from PAX records (SCHILY.xattr.* raw, LIBARCHIVE.xattr.* base64). */
  xattrs: Map<string, Buffer> | undefined;
}

export interface TarSink {
  /** One entry. For a 'file', data() calls with exactly `size` bytes follow, then endData(). */
  entry(e: TarEntry): void;
  data(buf: Buffer, start: number, end: number): void;
  endData(): void;
}

const BLOCK = 512;
/** PAX per-file ('x') and global ('g') headers, GNU long name ('L') and long link ('K'). */
const META_TYPES = new Set([0x78, 0x67, 0x4c, 0x4b]);
/** Largest PAX or GNU long-name header accepted, as in Go (hostile archives could claim more). */
const MAX_META = 1 << 20;

type State = 'header' | 'data' | 'skip' | 'meta' | 'second-zero' | 'done';

interface PaxOverrides {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  atime?: number;
  xattrs?: Map<string, Buffer>;
}

export function badHeader(detail?: string): EngineError {
  const msg = 'archive/tar: invalid tar header';
  return invalidArgument(detail === undefined ? msg : `${msg}: ${detail}`);
}

export function unexpectedEof(): EngineError {
  return invalidArgument('unexpected EOF');
}

export class TarReader {
  private state: State = 'header';
  private readonly block = Buffer.alloc(BLOCK);
  private blockFill = 0;
  /** Bytes left in the current data, skipped region or metadata record. */
  private remaining = 0;
  /** Zero padding after the current data, to the next 512-byte boundary. */
  private padding = 0;
  private meta: Buffer | undefined;
  private metaFill = 0;
  private metaType = 0;
  private pax: PaxOverrides | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly sink: TarSink) {}

  push(buf: Buffer): void {
    let off = 0;
    const n = buf.length;
    while (off < n) {
      switch (this.state) {
        case 'header':
        case 'second-zero': {
          // Headers are read in place when whole in the chunk (no Buffer per header).
          let blk = buf;
          let at = off;
          if (this.blockFill === 0 && n - off >= BLOCK) {
            off += BLOCK;
          } else {
            const take = Math.min(BLOCK - this.blockFill, n - off);
            buf.copy(this.block, this.blockFill, off, off + take);
            this.blockFill += take;
            off += take;
            if (this.blockFill < BLOCK) return;
            this.blockFill = 0;
            blk = this.block;
            at = 0;
          }
          if (this.state === 'header') this.header(blk, at);
          else if (isZero(blk, at)) this.state = 'done';
          else throw badHeader('zero block followed by data');
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, n - off);
          this.sink.data(buf, off, off + take);
          off += take;
          this.remaining -= take;
          if (this.remaining === 0) this.endData();
          break;
        }
        case 'skip': {
          const take = Math.min(this.remaining, n - off);
          off += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = 'header';
          break;
        }
        case 'meta': {
          const meta = this.meta as Buffer;
          const take = Math.min(meta.length - this.metaFill, n - off);
          buf.copy(meta, this.metaFill, off, off + take);
          this.metaFill += take;
          off += take;
          if (this.metaFill === meta.length) this.endMeta();
          break;
        }
        case 'done':
          // Bytes after the end marker are hashed by the caller but mean nothing to the archive.
          return;
      }
    }
  }

  /** The input ended: fine between entries or after the end marker, an error anywhere else. */
  end(): void {
    if (this.state === 'done') return;
    if ((this.state === 'header' || this.state === 'second-zero') && this.blockFill === 0) {
      // A PAX or long-name header must be followed by the entry it describes.
      if (this.pax !== undefined || this.longName !== undefined || this.longLink !== undefined) throw unexpectedEof();
      this.state = 'done';
      return;
    }
    throw unexpectedEof();
  }

  private endData(): void {
    this.sink.endData();
    this.afterPayload();
  }

  private afterPayload(): void {
    if (this.padding > 0) {
      this.remaining = this.padding;
      this.padding = 0;
      this.state = 'skip';
    } else {
      this.state = 'header';
    }
  }

  private header(blk: Buffer, at: number): void {
    if (blk[at] === 0 && isZero(blk, at)) {
      this.state = 'second-zero';
      return;
    }
    verifyChecksum(blk, at);
    const typeflag = blk[at + 156] as number;
    let size = parseNumeric(blk, at + 124, 12);
    if (size < 0) throw badHeader('negative size');

    // Metadata records that describe the next entry.
    if (META_TYPES.has(typeflag)) {
      if (size > MAX_META) {
        throw invalidArgument(`archive/tar: ${String.fromCharCode(typeflag)} header of ${size} bytes is too large`);
      }
      this.metaType = typeflag;
      this.meta = Buffer.allocUnsafe(size);
      this.metaFill = 0;
      this.padding = padOf(size);
      this.state = 'meta';
      if (size === 0) this.endMeta();
      return;
    }

    const pax = this.pax;
    this.pax = undefined;
    let name = this.longName ?? pax?.path;
    if (name === undefined) {
      name = decodeField(blk, at + 0, 100);
      // ustar keeps a prefix; GNU uses that area for other fields.
      if (isUstar(blk, at) && blk[at + 345] !== 0) name = `${decodeField(blk, at + 345, 155)}/${name}`;
    }
    const linkname = this.longLink ?? pax?.linkpath ?? decodeField(blk, at + 157, 100);
    this.longName = undefined;
    this.longLink = undefined;
    if (pax?.size !== undefined) size = pax.size;

    let type: TarEntryType;
    switch (typeflag) {
      case 0x30: // '0'
      case 0x37: // '7' contiguous file
        type = 'file';
        break;
      case 0: // old (V7) archives mark directories only by a trailing slash
        type = name.endsWith('/') ? 'dir' : 'file';
        break;
      case 0x31:
        type = 'hardlink';
        break;
      case 0x32:
        type = 'symlink';
        break;
      case 0x33:
        type = 'char';
        break;
      case 0x34:
        type = 'block';
        break;
      case 0x35:
      case 0x44: // GNU dumpdir: a directory followed by a listing we do not need
        type = 'dir';
        break;
      case 0x36:
        type = 'fifo';
        break;
      case 0x56: // GNU volume label: not a file
        this.skipPayload(size);
        return;
      case 0x53: // 'S'
        throw new EngineError('not-implemented', `sparse file "${name}": GNU sparse entries are not supported`);
      default:
        throw invalidArgument(`unhandled tar header type ${typeflag}`);
    }

    const e: TarEntry = {
      name,
      type,
      mode: parseNumeric(blk, at + 100, 8) & 0o7777,
      uid: pax?.uid ?? parseNumeric(blk, at + 108, 8),
      gid: pax?.gid ?? parseNumeric(blk, at + 116, 8),
      size: type === 'file' ? size : 0,
      mtime: pax?.mtime ?? parseNumeric(blk, at + 136, 12),
      atime: pax?.atime,
      linkname,
      devmajor: type === 'char' || type === 'block' ? parseNumeric(blk, at + 329, 8) : 0,
      devminor: type === 'char' || type === 'block' ? parseNumeric(blk, at + 337, 8) : 0,
      xattrs: pax?.xattrs,
    };
    // uid_t is 32 bits and (uid_t)-1 means "leave unchanged" to chown.
    if (!(e.uid >= 0 && e.uid < 0xffffffff && e.gid >= 0 && e.gid < 0xffffffff)) {
      throw badHeader(`uid/gid ${e.uid}/${e.gid} out of range`);
    }
    this.sink.entry(e);

    if (type === 'file') {
      this.remaining = size;
      this.padding = padOf(size);
      if (size === 0) this.endData();
      else this.state = 'data';
    } else if (typeflag === 0x44) {
      this.skipPayload(size);
    }
    // Other header-only types carry no data whatever their size field says (as in Go).
  }

  private skipPayload(size: number): void {
    this.remaining = size + padOf(size);
    this.state = this.remaining > 0 ? 'skip' : 'header';
  }

  private endMeta(): void {
    const meta = this.meta as Buffer;
    this.meta = undefined;
    switch (this.metaType) {
      case 0x78:
        this.pax = parsePax(meta);
        break;
      case 0x67:
        // Global PAX headers are ignored, as Docker does.
        parsePax(meta);
        break;
      case 0x4c:
        this.longName = decodeField(meta, 0, meta.length);
        break;
      case 0x4b:
        this.longLink = decodeField(meta, 0, meta.length);
        break;
    }
    this.afterPayload();
  }
}

function padOf(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

function isZero(blk: Buffer, at: number): boolean {
  for (let i = at; i < at + BLOCK; i++) if (blk[i] !== 0) return false;
  return true;
}

function isUstar(blk: Buffer, at: number): boolean {
  // "ustar\0" then version "00"; GNU writes "ustar " + " \0" and has no prefix field.
  return blk[at + 262] === 0 && blk.toString('latin1', at + 257, at + 262) === 'ustar';
}

function verifyChecksum(blk: Buffer, at: number): void {
  // The checksum is computed with its own field read as spaces. Some old tars summed signed
  // bytes: that (rarer) sum is only computed when the usual one does not match.
  let sum = 8 * 0x20;
  for (let i = at; i < at + 148; i++) sum += blk[i] as number;
  for (let i = at + 156; i < at + BLOCK; i++) sum += blk[i] as number;
  const stored = parseNumeric(blk, at + 148, 8);
  if (stored === sum) return;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    const b = blk[at + i] as number;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== signed) throw badHeader();
}

/** An octal field (space/NUL padded) or a GNU base-256 field (high bit set). */
export function parseNumeric(blk: Buffer, off: number, len: number): number {
  const first = blk[off] as number;
  if (first & 0x80) {
    const inv = first & 0x40 ? 0xff : 0;
    let x = 0;
    for (let i = 0; i < len; i++) {
      let c = (blk[off + i] as number) ^ inv;
      if (i === 0) c &= 0x7f;
      x = x * 256 + c;
      if (x > Number.MAX_SAFE_INTEGER) throw badHeader('numeric field out of range');
    }
    return inv ? -x - 1 : x;
  }
  let start = off;
  let end = off + len;
  while (start < end && (blk[start] === 0x20 || blk[start] === 0)) start++;
  while (end > start && (blk[end - 1] === 0x20 || blk[end - 1] === 0)) end--;
  let x = 0;
  for (let i = start; i < end; i++) {
    const d = (blk[i] as number) - 0x30;
    if (d < 0 || d > 7) throw badHeader('bad octal number');
    x = x * 8 + d;
  }
  return x;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NON_ASCII_RE = /[^\x00-\x7f]/;

/** A NUL-terminated text field. Names must be UTF-8: Node paths are strings, so other bytes
 *  could not be written back faithfully, and two different names could collide. */
export function decodeField(buf: Buffer, off: number, len: number): string {
  // Native indexOf/toString/regex: this runs once or twice per entry, often before the JIT
  // has optimized anything (each layer starts a fresh worker).
  const nul = buf.indexOf(0, off);
  const end = nul < 0 || nul > off + len ? off + len : nul;
  const latin1 = buf.toString('latin1', off, end);
  if (!NON_ASCII_RE.test(latin1)) return latin1;
  try {
    return utf8.decode(buf.subarray(off, end));
  } catch (err) {
    const msg = `tar entry name is not valid UTF-8: ${JSON.stringify(latin1)}`;
    throw new EngineError('not-implemented', msg, { cause: err });
  }
}

const DECIMAL_RE = /^-?[0-9]+$/;
const TIME_RE = /^-?[0-9]+(\.[0-9]+)?$/;

function paxInt(key: string, v: string): number {
  if (!DECIMAL_RE.test(v)) throw badHeader(`PAX ${key}=${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw badHeader(`PAX ${key}=${v} out of range`);
  return n;
}

/** PAX records: "<length> <key>=<value>\n". Values stay bytes until the key says what they are:
 *  xattr values are binary (security.capability) and must not pass through a string. */
function parsePax(buf: Buffer): PaxOverrides {
  const out: PaxOverrides = {};
  let pos = 0;
  while (pos < buf.length) {
    // A record may be followed by NUL padding in some writers.
    if (buf[pos] === 0) break;
    const sp = buf.indexOf(0x20, pos);
    if (sp < 0 || sp - pos > 20) throw badHeader('bad PAX record');
    const lenText = buf.toString('latin1', pos, sp);
    if (!DECIMAL_RE.test(lenText)) throw badHeader('bad PAX record length');
    const len = Number(lenText);
    const end = pos + len;
    if (len <= sp - pos + 1 || end > buf.length || buf[end - 1] !== 0x0a) throw badHeader('bad PAX record length');
    const eq = buf.indexOf(0x3d, sp + 1);
    if (eq < 0 || eq >= end - 1) throw badHeader('bad PAX record');
    const key = decodeField(buf.subarray(sp + 1, eq), 0, eq - sp - 1);
    const raw = buf.subarray(eq + 1, end - 1);
    pos = end;
    if (key.startsWith('SCHILY.xattr.')) {
      (out.xattrs ??= new Map()).set(key.slice('SCHILY.xattr.'.length), Buffer.from(raw));
      continue;
    }
    if (key.startsWith('LIBARCHIVE.xattr.')) {
      let name: string;
      try {
        name = decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length));
      } catch {
        throw badHeader(`PAX ${key}`);
      }
      (out.xattrs ??= new Map()).set(name, Buffer.from(raw.toString('latin1'), 'base64'));
      continue;
    }
    if (key.startsWith('GNU.sparse.')) {
      throw new EngineError('not-implemented', 'sparse file: PAX sparse entries are not supported');
    }
    // An empty value deletes the record: the header field applies again.
    const value = raw.length === 0 ? undefined : decodeField(raw, 0, raw.length);
    if (raw.includes(0) && (key === 'path' || key === 'linkpath')) throw badHeader(`PAX ${key} contains NUL`);
    switch (key) {
      case 'path':
        out.path = value;
        break;
      case 'linkpath':
        out.linkpath = value;
        break;
      case 'size':
        out.size = value === undefined ? undefined : paxInt(key, value);
        if (out.size !== undefined && out.size < 0) throw badHeader('negative size');
        break;
      case 'uid':
        out.uid = value === undefined ? undefined : paxInt(key, value);
        break;
      case 'gid':
        out.gid = value === undefined ? undefined : paxInt(key, value);
        break;
      case 'mtime':
      case 'atime':
        if (value !== undefined && !TIME_RE.test(value)) throw badHeader(`PAX ${key}=${JSON.stringify(value)}`);
        out[key] = value === undefined ? undefined : Number(value);
        break;
      default:
        // uname, gname, ctime, comment, charset, …: nothing to apply.
        break;
    }
  }
  return out;
}
