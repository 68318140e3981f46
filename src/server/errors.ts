// The one place that turns an error kind into an HTTP status, and Docker's error body.
// Handlers never choose a status for an error: they throw, and the server's error handler
// calls httpStatusOf(). The numbers are moby's (daemon/server/httpstatus).

import { type ErrorKind, kindOf } from '../core/errors.js';

export const HTTP_STATUS: Record<ErrorKind, number> = {
  'invalid-argument': 400,
  unauthenticated: 401,
  'permission-denied': 403,
  'not-found': 404,
  'already-exists': 409,
  conflict: 409,
  'not-modified': 304,
  'not-implemented': 501,
  unavailable: 503,
  canceled: 500,
  internal: 500,
  'data-loss': 500,
};

export function httpStatusOf(err: unknown): number {
  return HTTP_STATUS[kindOf(err)];
}

/** Docker's error body. The CLI compares Content-Type to exactly `application/json`. */
export const JSON_CONTENT_TYPE = 'application/json';

/** A Buffer, so reply.send keeps the content type as set (it adds a charset to JSON strings). */
export function errorBody(message: string): Buffer {
  return Buffer.from(JSON.stringify({ message }));
}
