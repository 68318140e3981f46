// `berth cp` / `berth container cp`: docker's client-side copy logic (cli/command/container/
// cp.go) on top of the archive endpoints.
//   container → host: GET …/archive (after a HEAD with -L, to follow a link), then the tar is
//     written to stdout (`-`) or unpacked by GNU tar: into DEST when it is a directory, or as
//     DEST (the tar's top entry renamed) when DEST does not exist.
//   host → container: HEAD DEST; a directory receives SRC under its own name, a missing DEST
//     (404) makes the upload go to its parent under DEST's name; `-` sends stdin's tar as is.
// The daemon resolves every container path inside the container; GNU tar refuses entries
// with `..` and absolute names from a daemon's tar.

import { spawn } from 'node:child_process';
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { containerStatPath, copyFromContainer, copyToContainer } from '../../../client/containers.js';
import { ApiError } from '../../../client/engine-client.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { CommandFailure } from '../../program.js';
import { goPathError } from '../path-error.js';

export interface CpOptions {
  archive?: boolean;
  followLink?: boolean;
  quiet?: boolean;
}

export const cpCommand: CommandSpec<CpOptions> = {
  group: 'container',
  name: 'cp',
  shortcuts: ['cp'],
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  args: { min: 2, max: 2 },
  options: [
    { flags: '-a, --archive', description: 'Archive mode (copy all uid/gid information)' },
    { flags: '-L, --follow-link', description: 'Always follow symbol link in SRC_PATH' },
    { flags: '-q, --quiet', description: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
  ],
  run: (cli, args, opts) => runCp(cli, args[0] ?? '', args[1] ?? '', opts),
};

/** docker's splitCpArg: `container:path`, unless the argument is an absolute or relative local path. */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0 || arg.slice(0, i).includes('/')) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

export async function runCp(cli: Cli, src: string, dst: string, opts: CpOptions): Promise<void> {
  const from = splitCpArg(src);
  const to = splitCpArg(dst);
  if (from.container !== undefined && to.container !== undefined) throw new CommandFailure('copying between containers is not supported');
  if (from.container === undefined && to.container === undefined) throw new CommandFailure('must specify at least one container source');
  if (from.container !== undefined) {
    if (from.path === '') throw new CommandFailure('source can not be empty');
    await copyOut(cli, from.container, from.path, to.path, opts);
  } else {
    if (to.path === '') throw new CommandFailure('destination can not be empty');
    await copyIn(cli, from.path, to.container as string, to.path, opts);
  }
}

async function copyOut(cli: Cli, container: string, srcPath: string, dst: string, opts: CpOptions): Promise<void> {
  const c = cli.client();
  let path = srcPath;
  let rebase = '';
  if (opts.followLink) {
    const st = await containerStatPath(c, container, srcPath).catch(notFoundWords(container, srcPath));
    if (st.linkTarget !== '') {
      path = st.linkTarget;
      rebase = baseOf(srcPath);
    }
  }
  const { stat: st, tar } = await copyFromContainer(c, container, path).catch(notFoundWords(container, path));
  if (dst === '-') {
    await pipeline(tar, cli.out, { end: false });
    return;
  }
  const target = resolve(dst);
  const existing = await stat(target).catch(() => undefined);
  const top = baseOf(path);
  const contentsOnly = /(^|\/)\.$/.test(srcPath);
  let dir: string;
  let rename: string | undefined = rebase || undefined;
  if (existing?.isDirectory()) {
    dir = target;
  } else if (existing && isDir(st.mode)) {
    throw new CommandFailure(`cannot copy a directory to a file: ${dst}`);
  } else {
    if (dst.endsWith('/') && !existing) throw new CommandFailure(`destination directory "${dst}" must exist`);
    dir = dirname(target);
    rename = basename(target);
    const parent = await stat(dir).catch((err: unknown) => {
      throw new CommandFailure(goPathError(err));
    });
    if (!parent.isDirectory()) throw new CommandFailure(`destination "${dirname(dst)}" must be a directory`);
  }
  const args = ['-x', '-f', '-', '-C', dir, '--no-same-owner'];
  if (contentsOnly) args.push('--strip-components=1');
  else if (rename !== undefined && rename !== top) args.push(`--transform=s|^${sedEscape(top)}\\(/\\|$\\)|${sedEscape(rename)}\\1|`);
  await runTar(args, tar);
  progress(cli, opts, dst);
}

async function copyIn(cli: Cli, src: string, container: string, dstPath: string, opts: CpOptions): Promise<void> {
  const c = cli.client();
  const dstStat = await containerStatPath(c, container, dstPath).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  });
  const copyUidGid = opts.archive === true;
  if (src === '-') {
    if (!dstStat || !isDir(dstStat.mode)) throw new CommandFailure(`destination "${container}:${dstPath}" must be a directory`);
    await copyToContainer(c, container, dstPath, cli.in, { copyUidGid });
    return;
  }
  const local = resolve(src);
  const srcStat = await (opts.followLink ? stat(local) : lstat(local)).catch((err: unknown) => {
    throw new CommandFailure(goPathError(err));
  });
  const contentsOnly = /(^|\/)\.$/.test(src);
  let dir: string;
  let name: string;
  if (dstStat && isDir(dstStat.mode)) {
    dir = dstPath;
    name = basename(local);
  } else if (dstStat) {
    if (srcStat.isDirectory()) throw new CommandFailure(`cannot copy a directory to a file: ${container}:${dstPath}`);
    dir = parentOf(dstPath);
    name = baseOf(dstPath);
  } else {
    if (dstPath.endsWith('/')) throw new CommandFailure(`destination "${container}:${dstPath}" must be a directory`);
    dir = parentOf(dstPath);
    name = baseOf(dstPath);
  }
  const from = srcStat.isDirectory() && contentsOnly ? local : dirname(local);
  const top = basename(local);
  const args = ['-c', '-f', '-', '-C', from];
  if (opts.followLink) args.push('--dereference');
  if (srcStat.isDirectory() && contentsOnly) {
    if (!dstStat) args.push(`--transform=s|^\\.|${sedEscape(name)}|`);
    args.push('.');
  } else {
    if (name !== top) args.push(`--transform=s|^${sedEscape(top)}\\(/\\|$\\)|${sedEscape(name)}\\1|`);
    args.push('--', top);
  }
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const failed = tarExit(tar);
  await copyToContainer(c, container, dir, tar.stdout as Readable, { copyUidGid });
  await failed;
  progress(cli, opts, `${container}:${dstPath}`);
}

function progress(cli: Cli, opts: CpOptions, dst: string): void {
  // docker prints this only to a terminal (and not with -q); sizes are left out here.
  if (!opts.quiet && cli.err.isTTY) cli.err.write(`Successfully copied to ${dst}\n`);
}

async function runTar(args: string[], input: Readable): Promise<void> {
  const tar = spawn('tar', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const done = tarExit(tar);
  await pipeline(input, tar.stdin);
  await done;
}

function tarExit(tar: ReturnType<typeof spawn>): Promise<void> {
  let stderr = '';
  tar.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok, fail) => {
    tar.on('error', (err) => fail(new CommandFailure(`tar: ${err.message}`)));
    tar.on('close', (code) => (code === 0 ? ok() : fail(new CommandFailure(stderr.trim() || `tar exited with ${code}`))));
  });
}

function notFoundWords(container: string, path: string): (err: unknown) => never {
  return (err) => {
    // A HEAD has no body: say what the daemon would have said.
    if (err instanceof ApiError && err.status === 404 && !err.message.includes('Could not find')) {
      throw new ApiError(404, `Could not find the file ${path} in container ${container}`);
    }
    throw err;
  };
}

function isDir(goMode: number): boolean {
  return goMode >= 2 ** 31;
}

function baseOf(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  return parts[parts.length - 1] ?? '/';
}

function parentOf(p: string): string {
  const parts = p.split('/').filter((x) => x !== '');
  parts.pop();
  return `/${parts.join('/')}`;
}

function sedEscape(s: string): string {
  return s.replace(/[\\|.*[\]^$&]/g, (c) => `\\${c}`);
}
