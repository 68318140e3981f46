// What a command gets to do its work: the API client (made on first use) and the streams.
// Tests pass a fake with captured output (docker/cli's FakeCli).

import type { Readable, Writable } from 'node:stream';
import { EngineClient } from '../client/engine-client.js';

export interface OutputStream extends Writable {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface InputStream extends Readable {
  isTTY?: boolean;
  /** A terminal's raw mode (tty.ReadStream), for `run -it`. */
  setRawMode?(mode: boolean): unknown;
}

export interface Cli {
  client(): EngineClient;
  readonly out: OutputStream;
  readonly err: OutputStream;
  readonly in: InputStream;
  readonly env: NodeJS.ProcessEnv;
  /** The daemon address in use, for messages. */
  readonly host: string;
}

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

/** Where the daemon is: `-H`, then BERTH_HOST, then DOCKER_HOST, then the default socket. */
export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env.BERTH_HOST || env.DOCKER_HOST || DEFAULT_HOST;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new UsageError(`unsupported host ${JSON.stringify(host)}: berth talks to daemons over unix:// sockets`);
}

export function processCli(host: string): Cli {
  let client: EngineClient | undefined;
  return {
    client() {
      client ??= new EngineClient({ socketPath: socketPathOf(host), userAgent: 'berth-cli/0.1' });
      return client;
    },
    out: process.stdout,
    err: process.stderr,
    in: process.stdin,
    env: process.env,
    host,
  };
}
