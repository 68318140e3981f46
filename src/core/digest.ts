// Content digests in the OCI form `<algorithm>:<hex>`. Only sha256 is produced; sha512 is
// accepted where the image spec allows it, so foreign manifests still parse.

import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';

export type Digest = `sha256:${string}` | `sha512:${string}`;

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw invalidArgument(`invalid digest format: ${JSON.stringify(s)}`);
  return s;
}

export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(':') + 1);
}

export function digestAlgorithm(d: Digest): 'sha256' | 'sha512' {
  return d.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The 12-character short form Docker prints for IDs and layer digests. */
export function shortId(idOrDigest: string): string {
  const hex = idOrDigest.includes(':') ? idOrDigest.slice(idOrDigest.indexOf(':') + 1) : idOrDigest;
  return hex.slice(0, 12);
}

/**
 * The chain ID of a layer stack, as the image spec defines it:
 * ChainID(L0) = DiffID(L0); ChainID(L0|…|Ln) = sha256(ChainID(L0|…|Ln-1) + " " + DiffID(Ln)).
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? diffId : sha256Digest(`${prev} ${diffId}`));
  }
  return out;
}
