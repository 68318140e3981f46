// The docker CLI's registry credentials on the wire: the `X-Registry-Auth` header of pull and
// push (base64url JSON, padding optional, standard base64 accepted too) and the body of
// `POST /auth`, both moby's registry.AuthConfig with lower-case keys.

import { EngineError } from '../../core/errors.js';
import { DEFAULT_DOMAIN } from '../../core/reference.js';
import type { RegistryCredentials } from '../../engine/images/image-transfer.js';

export interface AuthConfigWire {
  username?: string;
  password?: string;
  /** base64 of `user:password`, which the CLI's config file keeps. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export function decodeRegistryAuth(header: string | string[] | undefined): RegistryCredentials | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  let doc: unknown;
  try {
    const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
    doc = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    // moby ignores an undecodable header and pulls anonymously.
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  return toCredentials(doc as AuthConfigWire);
}

export function toCredentials(w: AuthConfigWire): RegistryCredentials | undefined {
  const c: RegistryCredentials = {};
  let username = typeof w.username === 'string' ? w.username : '';
  let password = typeof w.password === 'string' ? w.password : '';
  if (!username && !password && typeof w.auth === 'string' && w.auth) {
    const plain = Buffer.from(w.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) {
      username = plain.slice(0, colon);
      password = plain.slice(colon + 1);
    }
  }
  if (username) c.username = username;
  if (password) c.password = password;
  if (typeof w.identitytoken === 'string' && w.identitytoken) c.identityToken = w.identitytoken;
  if (typeof w.registrytoken === 'string' && w.registrytoken) c.registryToken = w.registrytoken;
  return Object.keys(c).length > 0 ? c : undefined;
}

/**
 * The registry a `serveraddress` names: empty and Hub's legacy index URL mean Docker Hub;
 * otherwise the host of a URL or the string up to its first slash.
 */
export function loginDomain(serverAddress: string | undefined): string {
  const s = (serverAddress ?? '').trim();
  if (s === '' || /^(https?:\/\/)?(index\.)?docker\.io(\/|$)/.test(s) || s === 'registry-1.docker.io') return DEFAULT_DOMAIN;
  const host = s.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
  if (host === '') throw new EngineError('invalid-argument', `invalid registry address: ${serverAddress}`);
  return host;
}
