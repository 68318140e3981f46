// `berth login [-u U] [-p P | --password-stdin] [SERVER]`: the daemon checks the credentials
// against the registry (`POST /auth`); on success they are kept in the docker CLI's config
// file, where `pull` and `push` (of berth and of the docker CLI) find them. No server means
// Docker Hub. Interactive prompts are not supported: -u and a password are required.

import { systemAuth } from '../../../client/system.js';
import { DEFAULT_DOMAIN } from '../../../core/reference.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { HUB_SERVER_ADDRESS, storeAuth } from '../../docker-config.js';
import { CommandFailure } from '../../program.js';

export interface LoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

export const loginCommand: CommandSpec<LoginOptions> = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  description: 'Authenticate to a registry',
  args: { max: 1 },
  options: [
    { flags: '-u, --username <string>', description: 'Username' },
    { flags: '-p, --password <string>', description: 'Password or Personal Access Token (PAT)' },
    { flags: '--password-stdin', description: 'Take the Password or Personal Access Token (PAT) from stdin' },
  ],
  run: (cli, args, opts) => runLogin(cli, args[0], opts),
};

/** The registry a login or logout names: `docker.io` for none or Hub's URLs, else the host. */
export function registryOf(server: string | undefined): string {
  const s = (server ?? '').trim();
  if (s === '' || /^(https?:\/\/)?(index\.|registry-1\.)?docker\.io(\/|$)/.test(s)) return DEFAULT_DOMAIN;
  return s.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? s;
}

async function readStdin(cli: Cli): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of cli.in as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function runLogin(cli: Cli, server: string | undefined, opts: LoginOptions): Promise<void> {
  if (opts.password !== undefined && opts.passwordStdin) throw new CommandFailure('--password and --password-stdin are mutually exclusive');
  let password = opts.password;
  if (opts.passwordStdin) {
    if (!opts.username) throw new CommandFailure('Must provide --username with --password-stdin');
    password = await readStdin(cli);
  } else if (password !== undefined) {
    cli.err.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  if (!opts.username || password === undefined) {
    throw new CommandFailure('Error: Cannot perform an interactive login from a non TTY device');
  }
  const domain = registryOf(server);
  const serveraddress = domain === DEFAULT_DOMAIN ? HUB_SERVER_ADDRESS : domain;
  const res = await systemAuth(cli.client(), { username: opts.username, password, serveraddress });
  const identityToken = res.IdentityToken || undefined;
  const path = await storeAuth(cli.env, domain, { username: opts.username, password, ...(identityToken ? { identityToken } : {}) });
  cli.err.write(`WARNING! Your credentials are stored unencrypted in '${path}'.\n`);
  cli.out.write(`${res.Status || 'Login Succeeded'}\n`);
}
