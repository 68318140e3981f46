// How the docker CLI words a failed request when it reports it itself (inspect, rmi): the
// daemon's message after `Error response from daemon: `, other errors as they are.

import { ApiError } from '../../client/engine-client.js';

export function daemonErrorText(err: unknown): string {
  if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** A 404 from the daemon (docker's errdefs.IsNotFound). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
