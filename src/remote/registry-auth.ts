// Authorization for registry requests, driven by the registry's challenge (distribution's
// token authentication spec, docker/distribution registry/client/auth):
//   1. a request answered 401 carries `WWW-Authenticate`;
//   2. `Basic` → send the credentials on every request;
//      `Bearer realm=…,service=…` → ask the realm for a token for the repository scopes the
//      operation needs (`repository:library/alpine:pull`), with the credentials if any
//      (anonymous otherwise), and send `Authorization: Bearer <token>`;
//   3. tokens are cached per realm, service, scopes and user until they expire.

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EngineError } from '../core/errors.js';
import { registryError } from './registry-error.js';
import type { AuthChallenge } from './www-authenticate.js';

/** What `X-Registry-Auth` and `POST /auth` carry, as the engine sees it. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth refresh token from an earlier login (Docker's `identitytoken`). */
  identityToken?: string;
  /** A bearer token to send as it is (Docker's `registrytoken`). */
  registryToken?: string;
}

export type HttpGet = (
  url: URL,
  init: { method?: string; headers: Record<string, string>; body?: Buffer; signal?: AbortSignal },
) => Promise<{ res: IncomingMessage; body: Buffer }>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are considered expired this long before the registry says, to absorb clock skew. */
const EXPIRY_MARGIN_MS = 10_000;
const DEFAULT_TOKEN_LIFETIME_S = 60;

export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();

  get(key: string): string | undefined {
    const t = this.#tokens.get(key);
    if (!t) return undefined;
    if (t.expiresAt <= Date.now()) {
      this.#tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  set(key: string, token: string, lifetimeSeconds: number): void {
    this.#tokens.set(key, { token, expiresAt: Date.now() + lifetimeSeconds * 1000 - EXPIRY_MARGIN_MS });
  }
}

export function basicHeader(creds: RegistryCredentials): string | undefined {
  if (!creds.username && !creds.password) return undefined;
  return `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
}

function userKey(creds: RegistryCredentials): string {
  const secret = creds.password ?? creds.identityToken ?? '';
  return `${creds.username ?? ''}:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}

/**
 * The Authorization header for a request under `challenge`, or undefined when the challenge
 * asks for nothing we can give. `scopes` are the repository scopes of the operation.
 */
export async function authorization(
  get: HttpGet,
  cache: TokenCache,
  challenge: AuthChallenge,
  scopes: readonly string[],
  creds: RegistryCredentials,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (challenge.scheme === 'basic') return basicHeader(creds);
  if (challenge.scheme !== 'bearer') return undefined;
  if (creds.registryToken) return `Bearer ${creds.registryToken}`;
  const realm = challenge.params.realm;
  if (!realm) throw new EngineError('unavailable', 'registry asked for a bearer token without naming a realm');
  const service = challenge.params.service ?? '';
  // A challenge may name the scope it wants (insufficient_scope): ask for it too.
  const wanted = [...new Set([...scopes, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])])].sort();
  const key = [realm, service, wanted.join(' '), userKey(creds)].join('\n');
  const cached = cache.get(key);
  if (cached) return `Bearer ${cached}`;
  const { token, lifetime } = await fetchToken(get, realm, service, wanted, creds, signal);
  cache.set(key, token, lifetime);
  return `Bearer ${token}`;
}

async function fetchToken(
  get: HttpGet,
  realm: string,
  service: string,
  scopes: string[],
  creds: RegistryCredentials,
  signal?: AbortSignal,
): Promise<{ token: string; lifetime: number }> {
  const url = new URL(realm);
  let answer: { res: IncomingMessage; body: Buffer };
  if (creds.identityToken) {
    // OAuth2 refresh-token grant, as the docker CLI's identity tokens are used.
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'docker', service });
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    answer = await get(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString()),
      ...(signal ? { signal } : {}),
    });
  } else {
    if (service) url.searchParams.set('service', service);
    for (const s of scopes) url.searchParams.append('scope', s);
    if (creds.username) url.searchParams.set('account', creds.username);
    const headers: Record<string, string> = {};
    const basic = basicHeader(creds);
    if (basic) headers.Authorization = basic;
    answer = await get(url, { headers, ...(signal ? { signal } : {}) });
  }
  const status = answer.res.statusCode ?? 0;
  if (status === 401 || status === 403) {
    const err = registryError(status, answer.body, 'token');
    throw new EngineError('unauthenticated', err.errors.length > 0 ? err.message : 'unauthorized: incorrect username or password');
  }
  if (status !== 200) throw registryError(status, answer.body, `token from ${url.origin}`);
  let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    doc = JSON.parse(answer.body.toString('utf8')) as typeof doc;
  } catch {
    throw new EngineError('unavailable', `invalid token response from ${url.origin}`);
  }
  const token = typeof doc.token === 'string' && doc.token ? doc.token : typeof doc.access_token === 'string' ? doc.access_token : '';
  if (!token) throw new EngineError('unavailable', `no token in the response from ${url.origin}`);
  const lifetime = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_TOKEN_LIFETIME_S;
  return { token, lifetime };
}
