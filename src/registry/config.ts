// The registry's configuration: a JSON file and command-line flags over it (flags win).
// Parsing only; src/cmd/registry.ts reads the files it names and wires the objects.

import { type AccessRule, type Action, type AuthMode, DEFAULT_ACCESS } from './auth.js';
import { EngineError, invalidArgument } from '../core/errors.js';

export interface RegistryConfig {
  addr: { host: string; port: number };
  root: string;
  readOnly: boolean;
  tls?: { cert: string; key: string };
  auth: {
    mode: AuthMode;
    htpasswd?: string;
    access: AccessRule[];
    token: { service: string; issuer: string; realm?: string; secretFile?: string; expiresInSeconds: number };
  };
  /** `-` for stdout, a file path, or `off`. */
  accessLog: string;
}

/** What the file and the flags may set; everything optional. */
export interface RegistryConfigInput {
  addr?: string;
  root?: string;
  readOnly?: boolean;
  tls?: { cert?: string; key?: string };
  auth?: {
    mode?: string;
    htpasswd?: string;
    access?: { account?: string; repository?: string; actions?: string[] }[];
    token?: { service?: string; issuer?: string; realm?: string; secretFile?: string; expiresInSeconds?: number };
  };
  accessLog?: string;
}

export const DEFAULT_ADDR = '127.0.0.1:5000';
export const DEFAULT_ROOT = '/var/lib/berth-registry';

const bad = (message: string): EngineError => invalidArgument(`registry config: ${message}`);

export function parseAddr(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw bad(`address ${JSON.stringify(addr)} must be HOST:PORT`);
  const host = addr.slice(0, i).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad(`invalid port in ${JSON.stringify(addr)}`);
  return { host, port };
}

const ACTIONS: readonly string[] = ['pull', 'push', 'delete', '*'];
const MODES: readonly string[] = ['none', 'htpasswd', 'token'];

/** Merges the file's settings and the flags' (later wins) into a checked configuration. */
export function resolveConfig(...layers: RegistryConfigInput[]): RegistryConfig {
  const pick = <T>(get: (l: RegistryConfigInput) => T | undefined): T | undefined => {
    let v: T | undefined;
    for (const l of layers) v = get(l) ?? v;
    return v;
  };
  const mode = pick((l) => l.auth?.mode) ?? 'none';
  if (!MODES.includes(mode)) throw bad(`auth mode must be one of ${MODES.join(', ')}, not ${JSON.stringify(mode)}`);
  const htpasswd = pick((l) => l.auth?.htpasswd);
  if (mode !== 'none' && htpasswd === undefined) throw bad(`auth mode ${mode} needs an htpasswd file`);
  const rawAccess = pick((l) => l.auth?.access);
  const access: AccessRule[] = rawAccess
    ? rawAccess.map((r, i) => {
        const actions = r.actions ?? [];
        if (!r.account || !r.repository || actions.some((a) => !ACTIONS.includes(a))) {
          throw bad(`auth.access[${i}] needs account, repository and actions among ${ACTIONS.join(', ')}`);
        }
        return { account: r.account, repository: r.repository, actions: actions as Action[] };
      })
    : DEFAULT_ACCESS;
  const cert = pick((l) => l.tls?.cert);
  const key = pick((l) => l.tls?.key);
  if ((cert === undefined) !== (key === undefined)) throw bad('TLS needs both a certificate and a key');
  const token = {
    service: pick((l) => l.auth?.token?.service) ?? 'berth-registry',
    issuer: pick((l) => l.auth?.token?.issuer) ?? 'berth-registry',
    realm: pick((l) => l.auth?.token?.realm),
    secretFile: pick((l) => l.auth?.token?.secretFile),
    expiresInSeconds: pick((l) => l.auth?.token?.expiresInSeconds) ?? 300,
  };
  const config: RegistryConfig = {
    addr: parseAddr(pick((l) => l.addr) ?? DEFAULT_ADDR),
    root: pick((l) => l.root) ?? DEFAULT_ROOT,
    readOnly: pick((l) => l.readOnly) ?? false,
    auth: { mode: mode as AuthMode, access, token },
    accessLog: pick((l) => l.accessLog) ?? '-',
  };
  if (htpasswd !== undefined) config.auth.htpasswd = htpasswd;
  if (cert !== undefined && key !== undefined) config.tls = { cert, key };
  return config;
}
