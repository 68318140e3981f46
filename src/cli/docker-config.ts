// The docker CLI's config file (`$DOCKER_CONFIG/config.json`, default `~/.docker/config.json`),
// as far as registry credentials go: `auths` maps a server address to `{ "auth": base64("user:
// password") }` (plus `identitytoken` when the registry gave one). Other keys in the file are
// kept as they are. Docker Hub's key is `https://index.docker.io/v1/`, as the docker CLI writes
// it; other registries are keyed by host[:port]. Credential helpers (`credsStore`) are not
// supported: berth says so rather than ignoring them.

import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_DOMAIN } from '../core/reference.js';

export const HUB_SERVER_ADDRESS = 'https://index.docker.io/v1/';

export interface StoredAuth {
  username: string;
  password: string;
  identityToken?: string;
}

interface ConfigDocument {
  auths?: Record<string, { auth?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  [key: string]: unknown;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/** The key a registry has in `auths` (the docker CLI's `registry.GetAuthConfigKey`). */
export function serverKey(domain: string): string {
  return domain === DEFAULT_DOMAIN ? HUB_SERVER_ADDRESS : domain;
}

async function readDoc(path: string): Promise<ConfigDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  if (text.trim() === '') return {};
  const doc = JSON.parse(text) as unknown;
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as ConfigDocument) : {};
}

async function writeDoc(path: string, doc: ConfigDocument): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc, null, '\t')}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** The stored credentials for a registry, looked up by its key or any URL naming its host. */
export async function loadAuth(env: NodeJS.ProcessEnv, domain: string): Promise<StoredAuth | undefined> {
  const doc = await readDoc(configPath(env));
  const auths = doc.auths ?? {};
  const key = serverKey(domain);
  const entry =
    auths[key] ??
    Object.entries(auths).find(([k]) => k.replace(/^[a-z]+:\/\//, '').split('/')[0] === (domain === DEFAULT_DOMAIN ? 'index.docker.io' : domain))?.[1];
  if (!entry?.auth && !entry?.identitytoken) return undefined;
  const plain = Buffer.from(entry.auth ?? '', 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  const out: StoredAuth = { username: colon >= 0 ? plain.slice(0, colon) : '', password: colon >= 0 ? plain.slice(colon + 1) : '' };
  if (entry.identitytoken) out.identityToken = entry.identitytoken;
  return out;
}

export async function storeAuth(env: NodeJS.ProcessEnv, domain: string, auth: StoredAuth): Promise<string> {
  const path = configPath(env);
  const doc = await readDoc(path);
  const entry: { auth: string; identitytoken?: string } = { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') };
  if (auth.identityToken) {
    // With an identity token the password is not kept, as the docker CLI does.
    entry.auth = Buffer.from(`${auth.username}:`).toString('base64');
    entry.identitytoken = auth.identityToken;
  }
  doc.auths = { ...(doc.auths ?? {}), [serverKey(domain)]: entry };
  await writeDoc(path, doc);
  return path;
}

/** Removes a registry's credentials; false when there were none. */
export async function removeAuth(env: NodeJS.ProcessEnv, domain: string): Promise<boolean> {
  const path = configPath(env);
  const doc = await readDoc(path);
  const key = serverKey(domain);
  if (!doc.auths || !(key in doc.auths)) return false;
  delete doc.auths[key];
  await writeDoc(path, doc);
  return true;
}

/** The X-Registry-Auth header value for a registry: base64url JSON, `{}` when anonymous. */
export async function registryAuthHeader(env: NodeJS.ProcessEnv, domain: string): Promise<string> {
  const a = await loadAuth(env, domain);
  const body: Record<string, string> = {};
  if (a) {
    if (a.username) body.username = a.username;
    if (a.password) body.password = a.password;
    if (a.identityToken) body.identitytoken = a.identityToken;
    body.serveraddress = serverKey(domain);
  }
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}
