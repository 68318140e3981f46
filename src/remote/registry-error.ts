// A registry's error answers (distribution-spec "error codes": a JSON body
// `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`) in the words dockerd
// prints: `manifest unknown: manifest unknown`, `unauthorized: authentication required`.

import { STATUS_CODES } from 'node:http';
import { EngineError, type ErrorKind } from '../core/errors.js';

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** An HTTP answer from a registry that was not what the protocol step expected. */
export class RegistryError extends EngineError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly status: number,
    readonly errors: RegistryErrorEntry[],
  ) {
    super(kind, message);
    this.name = 'RegistryError';
  }

  has(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

/** errcode.ErrorCode's Error(): the code in lower case with spaces, then the message. */
function describe(e: RegistryErrorEntry): string {
  const code = e.code.toLowerCase().replace(/_/g, ' ');
  return e.message ? `${code}: ${e.message}` : code;
}

export function registryError(status: number, body: Buffer, what: string): RegistryError {
  let errors: RegistryErrorEntry[] = [];
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: unknown; details?: unknown };
    if (Array.isArray(doc.errors)) {
      errors = doc.errors
        .filter((e): e is { code: unknown; message?: unknown } => typeof e === 'object' && e !== null)
        .map((e) => ({ code: String(e.code ?? 'UNKNOWN'), message: typeof e.message === 'string' ? e.message : '' }));
    } else if (typeof doc.details === 'string') {
      errors = [{ code: status === 401 ? 'UNAUTHORIZED' : 'UNKNOWN', message: doc.details }];
    }
  } catch {
    // Not JSON: described by the status below.
  }
  const kind: ErrorKind =
    status === 401 ? 'unauthenticated' : status === 403 ? 'permission-denied' : status === 404 ? 'not-found' : 'internal';
  let message: string;
  if (errors.length > 0) message = errors.map(describe).join(', ');
  else if (status === 401) message = 'unauthorized: authentication required';
  else if (status === 404) message = `${what}: not found`;
  else message = `received unexpected HTTP status: ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
  return new RegistryError(kind, message, status, errors);
}
