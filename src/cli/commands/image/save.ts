// `berth image save` / `berth save`: the daemon's tar of one or more images, to stdout (never
// to a terminal) or, with -o, to a file. The file is written the way docker's atomicwriter
// does it: a temporary file beside the target, synced, mode 0600, then renamed over it, so
// a failed save leaves the old file (or none) in place.

import { lstat, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { imageSave } from '../../../client/images.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { goPathError } from '../path-error.js';

export interface ImageSaveOptions {
  output?: string;
}

export const imageSaveCommand: CommandSpec<ImageSaveOptions> = {
  group: 'image',
  name: 'save',
  shortcuts: ['save'],
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  args: { min: 1 },
  options: [{ flags: '-o, --output <string>', description: 'Write to a file, instead of STDOUT' }],
  run: (cli, args, opts) => runImageSave(cli, args, opts),
};

export async function runImageSave(cli: Cli, images: string[], opts: ImageSaveOptions): Promise<void> {
  if (!opts.output) {
    if (cli.out.isTTY) throw new CommandFailure('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const res = await imageSave(cli.client(), images);
    await pipeline(res, cli.out, { end: false });
    return;
  }
  const target = resolve(opts.output);
  await checkDestination(opts.output);
  // A unique name is enough ('wx' refuses a clash); node:crypto would cost startup time.
  const tmp = `${dirname(target)}/.tmp-${basename(target)}${process.pid}${Math.random().toString(36).slice(2, 10)}`;
  const file = await open(tmp, 'wx', 0o600).catch((err: unknown) => {
    throw new CommandFailure(goPathError(err));
  });
  let closed = false;
  try {
    const res = await imageSave(cli.client(), images);
    let written = false;
    for await (const chunk of res) {
      await file.write(chunk as Buffer);
      written = true;
    }
    await file.sync();
    closed = true;
    await file.close();
    // As docker's atomicwriter: an empty response makes no file.
    if (written) await rename(tmp, target);
  } finally {
    if (!closed) await file.close().catch(() => undefined);
    await rm(tmp, { force: true });
  }
}

/** atomicwriter's validateDestination, with its words after `failed to save image: `. */
async function checkDestination(path: string): Promise<void> {
  const fail = (why: string): CommandFailure => new CommandFailure(`failed to save image: ${why}`);
  const dir = dirname(path);
  if (dir !== '.' && dir !== '..') {
    const st = await stat(dir).catch((err: unknown) => {
      throw fail(`invalid output path: ${goPathError(err)}`);
    });
    if (!st.isDirectory()) throw fail(`invalid output path: stat ${dir}: not a directory`);
  }
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw fail(`failed to stat output path: ${goPathError(err)}`);
  });
  if (!st || st.isFile()) return;
  if (st.isDirectory()) throw fail('cannot write to a directory');
  if (st.isSymbolicLink()) throw fail('cannot write to a symbolic link directly');
  if (st.isFIFO()) throw fail('cannot write to a named pipe (FIFO)');
  if (st.isSocket()) throw fail('cannot write to a socket');
  if (st.isCharacterDevice()) throw fail('cannot write to a character device file');
  if (st.isBlockDevice()) throw fail('cannot write to a block device file');
  throw fail(`unknown file mode: ${st.mode.toString(8)}`);
}
