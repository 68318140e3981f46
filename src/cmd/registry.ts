#!/usr/bin/env node
// berth-registry: the OCI distribution registry server, a process of its own that shares only
// vocabulary (digests, media types) with the engine. `berth registry serve|gc …` lands here too.
// Reads the configuration, takes the storage root's lock (serve and gc never run on one root at
// once), wires storage, auth and the HTTP server, and serves until SIGTERM or SIGINT.

import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMessage, invalidArgument } from '../core/errors.js';
import { type Authorizer, BasicAuthorizer, Htpasswd, NoAuth, TokenAuthorizer } from '../registry/auth.js';
import { FsBlobStore } from '../registry/blob-store.js';
import { type RegistryConfigInput, resolveConfig } from '../registry/config.js';
import { collectGarbage } from '../registry/gc.js';
import { RegistryLayout } from '../registry/layout.js';
import { FsManifestStore } from '../registry/manifest-store.js';
import { createRegistryServer } from '../registry/server.js';
import { LockHeldError, acquireProcessLock } from '../util/process-lock.js';

const LOCK_NAMESPACE = 'berth-registry';
const HOUR_MS = 3600 * 1000;

const USAGE = `Usage: berth registry serve [OPTIONS]
       berth registry gc [--dry-run] [--root DIR | --config FILE]

serve options:
  --config FILE        JSON configuration file (flags override it)
  --addr HOST:PORT     listen address (default 127.0.0.1:5000)
  --root DIR           storage root (default /var/lib/berth-registry)
  --read-only          refuse every write
  --tls-cert FILE      serve HTTPS with this certificate (PEM) ...
  --tls-key FILE       ... and key
  --auth MODE          none, htpasswd or token (default none)
  --htpasswd FILE      users and bcrypt hashes (htpasswd -B)
  --token-service NAME the service named in token challenges (default berth-registry)
  --token-realm URL    the token endpoint to announce (default this server's /auth/token)
  --access-log DEST    - (stdout, default), a file, or off
gc options:
  --dry-run            list what would be removed, remove nothing
  --uploads-older-than HOURS  interrupted uploads older than this go too (default 24)
`;

async function configFrom(values: Record<string, string | boolean | undefined>): Promise<ReturnType<typeof resolveConfig>> {
  const fromFile: RegistryConfigInput =
    typeof values.config === 'string' ? (JSON.parse(await readFile(values.config, 'utf8')) as RegistryConfigInput) : {};
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const flags: RegistryConfigInput = { auth: { token: {} }, tls: {} };
  if (str('addr') !== undefined) flags.addr = str('addr');
  if (str('root') !== undefined) flags.root = str('root');
  if (values['read-only'] === true) flags.readOnly = true;
  if (str('tls-cert') !== undefined) flags.tls!.cert = str('tls-cert');
  if (str('tls-key') !== undefined) flags.tls!.key = str('tls-key');
  if (str('auth') !== undefined) flags.auth!.mode = str('auth');
  if (str('htpasswd') !== undefined) flags.auth!.htpasswd = str('htpasswd');
  if (str('token-service') !== undefined) flags.auth!.token!.service = str('token-service');
  if (str('token-realm') !== undefined) flags.auth!.token!.realm = str('token-realm');
  if (str('access-log') !== undefined) flags.accessLog = str('access-log');
  return resolveConfig(fromFile, flags);
}

async function serve(values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = await configFrom(values);
  const root = resolvePath(config.root);
  await mkdir(root, { recursive: true });
  const lock = await acquireProcessLock(root, LOCK_NAMESPACE);
  const layout = new RegistryLayout(root);
  const blobs = new FsBlobStore(layout);
  const manifests = new FsManifestStore(layout, blobs);
  let authorizer: Authorizer = new NoAuth();
  if (config.auth.mode !== 'none') {
    const users = Htpasswd.load(config.auth.htpasswd!);
    const t = config.auth.token;
    authorizer =
      config.auth.mode === 'htpasswd'
        ? new BasicAuthorizer(users, config.auth.access, t.service)
        : new TokenAuthorizer(users, config.auth.access, {
            service: t.service,
            issuer: t.issuer,
            expiresInSeconds: t.expiresInSeconds,
            ...(t.secretFile ? { secret: await readFile(t.secretFile) } : {}),
          });
  }
  const accessLog =
    config.accessLog === 'off' ? undefined : config.accessLog === '-' ? process.stdout : createWriteStream(config.accessLog, { flags: 'a' });
  // A log reader that went away (a closed pipe) must not take the registry down with it.
  accessLog?.on('error', (err) => process.stderr.write(`berth registry: access log: ${errorMessage(err)}\n`));
  const server = createRegistryServer({
    blobs,
    manifests,
    authorizer,
    readOnly: config.readOnly,
    ...(accessLog ? { accessLog } : {}),
    ...(config.tls ? { tls: { cert: await readFile(config.tls.cert), key: await readFile(config.tls.key) } } : {}),
    ...(config.auth.token.realm ? { tokenRealm: config.auth.token.realm } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.addr.port, config.addr.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  process.stderr.write(`berth registry: listening on ${config.tls ? 'https' : 'http'}://${host}:${a.port} (root ${root}, auth ${config.auth.mode}${config.readOnly ? ', read-only' : ''})\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  // Stop accepting, let requests in flight end, then drop idle keep-alive connections.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(timer);
  await lock.release();
  return 0;
}

async function gc(values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = await configFrom(values);
  const root = resolvePath(config.root);
  const lock = await acquireProcessLock(root, LOCK_NAMESPACE);
  try {
    const hours = typeof values['uploads-older-than'] === 'string' ? Number(values['uploads-older-than']) : 24;
    if (!Number.isFinite(hours) || hours < 0) throw invalidArgument('--uploads-older-than takes a number of hours');
    const dryRun = values['dry-run'] === true;
    const r = await collectGarbage(new RegistryLayout(root), { dryRun, uploadsOlderThanMs: hours * HOUR_MS });
    const verb = dryRun ? 'would remove' : 'removed';
    for (const d of r.removedBlobs) process.stdout.write(`${verb} blob ${d}\n`);
    for (const id of r.removedUploads) process.stdout.write(`${verb} upload ${id}\n`);
    process.stdout.write(`${r.marked} blobs in use; ${verb} ${r.removedBlobs.length} blobs (${r.removedBytes} bytes) and ${r.removedUploads.length} uploads\n`);
    return 0;
  } finally {
    await lock.release();
  }
}

export async function registryMain(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (verb !== 'serve' && verb !== 'gc') {
    process.stderr.write(`berth registry: unknown command ${JSON.stringify(verb)}\n\n${USAGE}`);
    return 2;
  }
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string' },
        addr: { type: 'string' },
        root: { type: 'string' },
        'read-only': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        auth: { type: 'string' },
        htpasswd: { type: 'string' },
        'token-service': { type: 'string' },
        'token-realm': { type: 'string' },
        'access-log': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'uploads-older-than': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    return verb === 'serve' ? await serve(values) : await gc(values);
  } catch (err) {
    const msg = err instanceof LockHeldError ? `${err.path} is in use by another berth registry process (serve or gc)` : errorMessage(err);
    process.stderr.write(`berth registry: ${msg}\n`);
    return 1;
  }
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await registryMain(process.argv.slice(2));
}
