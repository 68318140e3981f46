// The Engine API client over a Unix socket, on node:http with a keep-alive agent (no extra
// dependency, and the fastest start for a CLI that lives for one command). Requests go to bare
// paths, which every daemon serves at its newest API version.

import { Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';

export interface ClientOptions {
  socketPath: string;
  /** Sent as the user agent, as the docker CLI does. */
  userAgent?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  /** A JSON value, or a stream sent as the body (chunked). */
  body?: unknown;
  stream?: Readable;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** An error response from the daemon: the status and Docker's `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The daemon could not be reached at all. */
export class ConnectError extends Error {
  constructor(
    readonly socketPath: string,
    cause: unknown,
  ) {
    super(
      `Cannot connect to the berth daemon at unix://${socketPath}. Is the berth daemon running?`,
      { cause },
    );
    this.name = 'ConnectError';
  }
}

export class EngineClient {
  private readonly agent: Agent;

  constructor(readonly options: ClientOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 8 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Sends a request and resolves with the response once its headers arrive (any status). */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const headers: Record<string, string> = { 'User-Agent': this.options.userAgent ?? 'berth-cli', ...opts.headers };
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      // As the docker CLI's json.Encoder writes it: a final newline.
      payload = Buffer.from(`${JSON.stringify(opts.body)}\n`);
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    } else if (opts.stream) {
      headers['Content-Type'] ??= 'application/x-tar';
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          socketPath: this.options.socketPath,
          agent: this.agent,
          method,
          path: path + queryString(opts.query),
          headers,
          signal: opts.signal,
        },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new ConnectError(this.options.socketPath, err) : err);
      });
      if (payload) req.end(payload);
      else if (opts.stream) {
        opts.stream.on('error', (err) => req.destroy(err));
        opts.stream.pipe(req);
      } else req.end();
    });
  }

  /** A request whose 2xx body is JSON (or empty); an error status becomes an ApiError. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = await readBody(res);
    if ((res.statusCode ?? 500) >= 400) throw apiError(res, text);
    if (text === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  /** A request whose 2xx body is a stream; an error status becomes an ApiError. */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.request(method, path, opts);
    if ((res.statusCode ?? 500) >= 400) throw apiError(res, await readBody(res));
    return res;
  }
}

/** The query string as moby's client writes it (`?a=1&b=x`); booleans become 1/0. */
export function queryString(q: RequestOptions['query']): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const x of values) {
      const s = typeof x === 'boolean' ? (x ? '1' : '0') : String(x);
      parts.push(`${queryEscape(k)}=${queryEscape(s)}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Go's url.QueryEscape: everything but letters, digits and `-_.~` escaped, spaces as `+`. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The whole response body as text. */
export async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The ApiError for an error response whose body is `text` (Docker's `{"message"}` when JSON). */
export function apiError(res: IncomingMessage, text: string): ApiError {
  const status = res.statusCode ?? 500;
  let message = text.trim();
  if ((res.headers['content-type'] ?? '').startsWith('application/json')) {
    try {
      const body = JSON.parse(text) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Keep the raw text: better than nothing.
    }
  }
  return new ApiError(status, message || `${status} ${res.statusMessage ?? ''}`.trim());
}
