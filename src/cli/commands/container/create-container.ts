// docker/cli's createContainer (create.go), shared by `run` and `create`: `POST
// /containers/create`, and on a 404 with --pull=missing (the default) `Unable to find image
// 'x:latest' locally`, a pull rendered on stderr and a second create. Then the daemon's
// warnings as `WARNING: …` on stderr, and --cidfile.

import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { containerCreate } from '../../../client/containers.js';
import { imagePull } from '../../../client/images.js';
import { type Reference, familiarString, fullName, isNameOnly, parseNormalizedNamed, withDefaultTag } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import { parseJsonLines, renderJsonMessages } from '../../output/json-message.js';
import { isNotFound } from '../daemon-error.js';
import { ConfigError, type ContainerConfig, parseContainerFlags } from './create-config.js';
import type { ContainerFlagValues } from './create-flags.js';
import { ttySize } from './tty-size.js';

export interface CreateOptions {
  name?: string;
  platform?: string;
  /** always, missing (default) or never. */
  pull: string;
  quiet?: boolean;
}

/**
 * What `run` and `create` both do first: the --pull value checked and the flags parsed, with
 * the terminal's size; a ConfigError for the caller to word as its command does.
 */
export function parseCreateFlags(cli: Cli, image: string, args: string[], opts: ContainerFlagValues): { cfg: ContainerConfig; create: CreateOptions } {
  const pull = typeof opts.pull === 'string' ? opts.pull : 'missing';
  checkPullOption(pull);
  const size = ttySize(cli.out);
  const cfg = parseContainerFlags(opts, image, args, { env: cli.env, consoleSize: [size.height, size.width] });
  const create: CreateOptions = {
    name: typeof opts.name === 'string' ? opts.name : undefined,
    platform: typeof opts.platform === 'string' ? opts.platform : undefined,
    pull,
    quiet: opts.quiet === true,
  };
  return { cfg, create };
}

/** validatePullOpt. */
export function checkPullOption(pull: string): void {
  if (pull !== 'always' && pull !== 'missing' && pull !== 'never' && pull !== '') {
    throw new ConfigError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  }
}

/** platforms.Parse + Format, as far as the common spellings go (`amd64`, `linux/x86_64`). */
export function normalizePlatform(p: string): string {
  const parts = p.toLowerCase().split('/');
  if (parts.length === 1) parts.unshift('linux');
  const arch: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };
  if (parts[1] !== undefined) parts[1] = arch[parts[1]] ?? parts[1];
  return parts.join('/');
}

export async function createContainer(cli: Cli, cfg: ContainerConfig, opts: CreateOptions): Promise<string> {
  const cid = cfg.cidfile ? openCidFile(cfg.cidfile) : undefined;
  let written = false;
  try {
    const named = namedReference(cfg.image);
    const platform = opts.platform ? normalizePlatform(opts.platform) : undefined;
    const pull = async (): Promise<void> => {
      if (!named) return;
      const tag = named.digest ?? withDefaultTag(named).tag;
      const res = await imagePull(cli.client(), fullName(named), { tag, platform });
      const out = opts.quiet ? { write: () => true } : cli.err;
      await renderJsonMessages(parseJsonLines(res), out, { isTerminal: !opts.quiet && !!cli.err.isTTY, terminalWidth: cli.err.columns });
    };
    if (opts.pull === 'always') await pull();
    const create = (): ReturnType<typeof containerCreate> => containerCreate(cli.client(), cfg.body, { name: opts.name, platform });
    let resp: Awaited<ReturnType<typeof containerCreate>>;
    try {
      resp = await create();
    } catch (err) {
      if (!(isNotFound(err) && named && (opts.pull === 'missing' || opts.pull === ''))) throw err;
      if (!opts.quiet) cli.err.write(`Unable to find image '${familiarString(isNameOnly(named) ? withDefaultTag(named) : named)}' locally\n`);
      await pull();
      resp = await create();
    }
    const warnings = [...(resp.Warnings ?? [])];
    const dns = (cfg.body.HostConfig.Dns as string[] | undefined) ?? [];
    const loopback = dns.find((ip) => /^127\./.test(ip) || ip === '::1');
    if (loopback) warnings.push(`Localhost DNS (${loopback}) may fail in containers.`);
    for (const w of warnings) cli.err.write(`WARNING: ${w}\n`);
    if (cid !== undefined) {
      try {
        writeSync(cid.fd, resp.Id);
        written = true;
      } catch (err) {
        throw new ConfigError(`failed to write the container ID to the file: ${(err as Error).message}`);
      }
    }
    return resp.Id;
  } finally {
    if (cid !== undefined) {
      closeSync(cid.fd);
      if (!written) rmSync(cid.path, { force: true });
    }
  }
}

/** The image as a name to pull, or undefined for an ID; a malformed name is an error. */
function namedReference(image: string): Reference | undefined {
  if (/^(sha256:)?[a-f0-9]{64}$/.test(image)) return undefined;
  try {
    return parseNormalizedNamed(image);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function openCidFile(path: string): { fd: number; path: string } {
  if (existsSync(path)) throw new ConfigError(`container ID file found, make sure the other container isn't running or delete ${path}`);
  try {
    return { fd: openSync(path, 'w'), path };
  } catch (err) {
    throw new ConfigError(`failed to create the container ID file: ${(err as Error).message}`);
  }
}
