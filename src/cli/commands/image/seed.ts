// `berth image seed` (berth's own): makes the built-in base image from the host's static
// busybox (Debian package busybox-static), so that berth has an image to run without a
// registry. The rootfs is streamed into the import endpoint with `CMD ["sh"]`; a tag that is
// already present is left alone unless --force.
//
//   $ berth image seed
//   Seeded busybox:latest from /bin/busybox: sha256:3f…

import { open, stat } from 'node:fs/promises';
import { imageImport, imageInspect } from '../../../client/images.js';
import { errorMessage } from '../../../core/errors.js';
import { familiarString, parseNormalizedNamed, withDefaultTag } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { JsonMessageError } from '../../output/errors.js';
import { parseJsonLines } from '../../output/json-message.js';
import { CommandFailure } from '../../program.js';
import { isNotFound } from '../daemon-error.js';
import { truncateId } from '../truncate.js';

export interface ImageSeedOptions {
  busybox?: string;
  tag?: string;
  force?: boolean;
}

const DEFAULT_BUSYBOX = '/bin/busybox';
const DEFAULT_TAG = 'busybox:latest';
const PACKAGE_HINT = 'install the Debian package busybox-static (apt-get install busybox-static) or pass --busybox <path>';

export const imageSeedCommand: CommandSpec<ImageSeedOptions> = {
  group: 'image',
  name: 'seed',
  usage: '[OPTIONS]',
  description: "Create berth's base image from the host's static busybox",
  args: { max: 0 },
  options: [
    { flags: '--busybox <path>', description: 'Static busybox binary to build the image from', default: DEFAULT_BUSYBOX },
    { flags: '-t, --tag <name>', description: 'Name and tag of the image', default: DEFAULT_TAG },
    { flags: '--force', description: 'Build the image even if the tag is already present' },
  ],
  run: (cli, _args, opts) => runImageSeed(cli, opts),
};

export async function runImageSeed(cli: Cli, opts: ImageSeedOptions): Promise<void> {
  const busybox = opts.busybox || DEFAULT_BUSYBOX;
  let tag: string;
  try {
    tag = familiarString(withDefaultTag(parseNormalizedNamed(opts.tag || DEFAULT_TAG)));
  } catch (err) {
    throw new CommandFailure(errorMessage(err));
  }
  if (!opts.force) {
    const present = await imageInspect(cli.client(), tag).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (present) {
      cli.out.write(`${tag} is already present (${truncateId(present.Id)})\n`);
      return;
    }
  }
  await checkStaticBinary(busybox);
  // Loaded on use: tar-stream is not needed by any other command.
  const { busyboxRootfs } = await import('../../seed/busybox-rootfs.js');
  const rootfs = await busyboxRootfs(busybox);
  const res = await imageImport(cli.client(), rootfs.tar, {
    repo: tag,
    changes: ['CMD ["sh"]'],
    message: `${rootfs.version} from ${busybox} (berth image seed)`,
  });
  let id = '';
  for await (const raw of parseJsonLines(res)) {
    const m = raw as { status?: unknown; errorDetail?: { message?: string; code?: number } | null };
    if (m.errorDetail) throw new JsonMessageError(m.errorDetail.message ?? '', m.errorDetail.code || 1);
    if (typeof m.status === 'string') id = m.status;
  }
  if (!id.startsWith('sha256:')) throw new CommandFailure(`seeding ${tag} failed: the daemon reported no image ID`);
  cli.out.write(`Seeded ${tag} from ${busybox}: ${id}\n`);
}

/**
 * The binary must exist and be a static ELF executable: a dynamically linked busybox would
 * need the host's libc inside the image and fail at the first `run`.
 */
async function checkStaticBinary(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new CommandFailure(`no busybox binary at ${path}: ${PACKAGE_HINT}`);
  const header = Buffer.alloc(4096);
  const fh = await open(path, 'r');
  let length: number;
  try {
    ({ bytesRead: length } = await fh.read(header, 0, header.length, 0));
  } finally {
    await fh.close();
  }
  const interp = elfInterpreter(header.subarray(0, length));
  if (interp === 'not-elf') throw new CommandFailure(`${path} is not an ELF executable: ${PACKAGE_HINT}`);
  if (interp) throw new CommandFailure(`${path} is dynamically linked (it needs ${interp}); berth needs a static busybox: ${PACKAGE_HINT}`);
}

/** The PT_INTERP path of an ELF file (dynamic), '' for a static one, 'not-elf' otherwise. */
function elfInterpreter(buf: Buffer): string {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return 'not-elf';
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number): number => Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const phoff = is64 ? u64(0x20) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + phentsize > buf.length) break;
    if (u32(ph) !== 3) continue; // PT_INTERP
    const off = is64 ? u64(ph + 0x08) : u32(ph + 0x04);
    const size = is64 ? u64(ph + 0x20) : u32(ph + 0x10);
    if (off + size > buf.length) return 'a dynamic loader';
    return buf.subarray(off, off + size).toString('latin1').replace(/\0+$/, '');
  }
  return '';
}
