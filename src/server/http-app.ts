// The small HTTP layer the API server runs on: node:http for the transport, find-my-way (fastify's
// router, kept as its own library) for routing, and request/reply objects with the few fastify
// semantics the routes rely on. It replaced fastify, whose schema compiler, plugin loader and
// serializers cost ~16 MiB of idle RSS and none of which the Engine API uses. The Docker rules
// (version prefix, moby's headers, the JSON body, the error body) are the server's, passed in as
// TransportRules; this file only knows HTTP.
//
// Order for every request: rewriteUrl → route lookup → onRequest (may refuse) → the body
// (readBody, only for methods that carry one) → the route handler, or notFound. Anything thrown
// on the way, or by the handler, goes to onError; so do the transport's own refusals (a body too
// large, a malformed URL, a request arriving while the server closes), as EngineErrors.

import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Readable } from 'node:stream';
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import { EngineError } from '../core/errors.js';

export type Query = Record<string, string | string[] | undefined>;
export type Params = Record<string, string | undefined>;

export interface ApiRequest<P = Params> {
  readonly raw: IncomingMessage;
  readonly method: string;
  /** The URL as routed (after rewriteUrl), with its query string. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: P;
  /** Repeated keys are arrays, values strings (fast-querystring, as fastify). */
  readonly query: Query;
  /** What readBody made of the body; undefined when there was none or it was left unread. */
  readonly body: unknown;
  readonly log: Logger;
}

/**
 * The response, buffered until `send` (or taken over with `hijack`). `send` writes what it is
 * given as fastify did: nothing (Content-Length 0 unless 204/304/HEAD), a string (text/plain
 * unless a type is set), a Buffer (octet-stream unless set), a stream (piped), or anything else
 * as JSON with `application/json; charset=utf-8`.
 */
export interface ApiReply {
  readonly raw: ServerResponse;
  /** The response is over or hijacked: nothing more may be sent through the reply. */
  readonly sent: boolean;
  code(status: number): this;
  header(name: string, value: string): this;
  headers(values: Record<string, string>): this;
  send(payload?: unknown): this;
  /** The handler writes to `raw` (or its socket) itself; the layer no longer touches it. */
  hijack(): this;
}

/** A handler may send through the reply or return the payload (the reply itself means "sent"). */
export type RouteHandler<P = Params> = (req: ApiRequest<P>, reply: ApiReply) => unknown;

/** Where routes are declared. Only the methods declared answer; HEAD is never implied by GET. */
export interface RouteTable {
  get<P = Params>(path: string, handler: RouteHandler<P>): void;
  head<P = Params>(path: string, handler: RouteHandler<P>): void;
  post<P = Params>(path: string, handler: RouteHandler<P>): void;
  put<P = Params>(path: string, handler: RouteHandler<P>): void;
  delete<P = Params>(path: string, handler: RouteHandler<P>): void;
}

export interface TransportRules {
  /** The URL to route; may record what it strips on the request (the API version). */
  rewriteUrl(raw: IncomingMessage): string;
  /** Runs first for every request, known route or not; throws to refuse it. */
  onRequest(req: ApiRequest, reply: ApiReply): void;
  /** Reads the body into req.body, or returns undefined to leave it unread for the handler. */
  readBody(raw: IncomingMessage): Promise<unknown> | undefined;
  notFound(req: ApiRequest, reply: ApiReply): void;
  /** Every error of a request ends here, including after the reply was sent or hijacked. */
  onError(err: unknown, req: ApiRequest, reply: ApiReply): void;
}

export interface HttpAppOptions {
  logger: Logger;
  rules: TransportRules;
  keepAliveTimeout: number;
}

/** Methods whose body is never read (fastify's list). */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

type AnyHandler = RouteHandler<Params>;

export class HttpApp implements RouteTable {
  readonly server: Server;
  private readonly router = FindMyWay({
    // The route store is our handler; a malformed URL gets a store of null (see dispatch).
    onBadUrl: () => undefined,
  });
  private closing = false;
  private requestCount = 0;

  constructor(private readonly opts: HttpAppOptions) {
    // No request or connection timeout: image loads and build contexts take as long as they take
    // (moby has none either).
    this.server = createServer({ requestTimeout: 0 }, this.handle);
    this.server.keepAliveTimeout = opts.keepAliveTimeout;
    this.server.setTimeout(0);
  }

  get<P = Params>(path: string, handler: RouteHandler<P>): void {
    this.route('GET', path, handler);
  }

  head<P = Params>(path: string, handler: RouteHandler<P>): void {
    this.route('HEAD', path, handler);
  }

  post<P = Params>(path: string, handler: RouteHandler<P>): void {
    this.route('POST', path, handler);
  }

  put<P = Params>(path: string, handler: RouteHandler<P>): void {
    this.route('PUT', path, handler);
  }

  delete<P = Params>(path: string, handler: RouteHandler<P>): void {
    this.route('DELETE', path, handler);
  }

  /** Listens on a Unix socket path. */
  listen(opts: { path: string }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(opts.path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting connections; resolves when the open ones are gone (idle ones at once). */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve, reject) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeIdleConnections();
    });
  }

  /** The request listener: what the server calls, and what in-process tests inject into. */
  readonly handle = (raw: IncomingMessage, res: ServerResponse): void => {
    this.dispatch(raw, res).catch((err: unknown) => {
      // Only a failing onError gets here: there is no one left to answer.
      this.opts.logger.error({ err, url: raw.url }, 'request failed in its error handler');
      res.destroy();
    });
  };

  private route<P>(method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE', path: string, handler: RouteHandler<P>): void {
    this.router.on(method, path, () => undefined, handler);
  }

  private async dispatch(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = this.opts.rules.rewriteUrl(raw);
    raw.url = url;
    const found = this.router.find((raw.method ?? 'GET') as FindMyWay.HTTPMethod, url);
    const req = new Request(raw, url, (found?.params ?? {}) as Params, (found?.searchParams ?? {}) as Query, this.opts.logger, ++this.requestCount);
    const reply = new Reply(res, req);
    const { rules } = this.opts;
    try {
      if (this.closing) {
        // A request on a kept-alive connection after close(): refused, and the connection ends.
        reply.header('Connection', 'close');
        throw new EngineError('unavailable', 'the daemon is shutting down');
      }
      rules.onRequest(req, reply);
      if (found && found.store === null) throw new EngineError('invalid-argument', `'${url}' is not a valid url component`);
      if (!BODYLESS.has(req.method)) {
        const body = rules.readBody(raw);
        if (body !== undefined) {
          req.body = await body.catch((err: unknown) => {
            // Part of the body may still be on its way: the connection cannot carry another request.
            reply.header('Connection', 'close');
            throw err;
          });
        }
      }
      if (!found) {
        rules.notFound(req, reply);
        return;
      }
      const result: unknown = await (found.store as AnyHandler)(req, reply);
      if (reply.sent || res.headersSent || res.destroyed || raw.socket?.destroyed) return;
      // As fastify: a handler that returns without sending sends what it returned, or nothing.
      reply.send(result === reply ? undefined : result);
    } catch (err) {
      // As fastify: the error body gets its own type and length, the other headers stay.
      reply.resetBodyHeaders();
      rules.onError(err, req, reply);
    }
  }
}

class Request implements ApiRequest {
  body: unknown = undefined;
  private logger: Logger | undefined;

  constructor(
    readonly raw: IncomingMessage,
    readonly url: string,
    readonly params: Params,
    readonly query: Query,
    private readonly parentLog: Logger,
    private readonly id: number,
  ) {}

  get method(): string {
    return this.raw.method ?? 'GET';
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  /** A child logger naming the request, made only when something is logged. */
  get log(): Logger {
    this.logger ??= this.parentLog.child({ reqId: `req-${this.id}` });
    return this.logger;
  }
}

const PLAIN = 'text/plain; charset=utf-8';
const JSON_UTF8 = 'application/json; charset=utf-8';
const OCTET = 'application/octet-stream';

class Reply implements ApiReply {
  private status = 200;
  private readonly pending: Record<string, string> = {};
  private hijacked = false;

  constructor(
    readonly raw: ServerResponse,
    private readonly req: Request,
  ) {}

  get sent(): boolean {
    return this.hijacked || this.raw.writableEnded;
  }

  code(status: number): this {
    this.status = status;
    return this;
  }

  header(name: string, value: string): this {
    this.pending[name.toLowerCase()] = value;
    return this;
  }

  headers(values: Record<string, string>): this {
    for (const [k, v] of Object.entries(values)) this.header(k, v);
    return this;
  }

  hijack(): this {
    this.hijacked = true;
    return this;
  }

  /** Forgets the body headers a failed handler may have set, before the error is written. */
  resetBodyHeaders(): void {
    delete this.pending['content-type'];
    delete this.pending['content-length'];
  }

  send(payload?: unknown): this {
    if (this.sent) {
      this.req.log.warn({ url: this.req.url, method: this.req.method }, 'reply was already sent');
      return this;
    }
    const res = this.raw;
    const h = this.pending;
    const status = this.status;
    if (payload === undefined || payload === null) {
      // RFC 9110: no Content-Length on 204 and 304; HEAD keeps the one the route set.
      if (status >= 200 && status !== 204 && status !== 304 && this.req.method !== 'HEAD') h['content-length'] = '0';
      res.writeHead(status, h);
      res.end();
      return this;
    }
    if (status === 204 || (status >= 100 && status < 200)) {
      delete h['content-type'];
      delete h['content-length'];
      res.writeHead(status, h);
      res.end();
      return this;
    }
    if (isStream(payload)) {
      res.writeHead(status, h);
      payload.on('error', (err) => res.destroy(err));
      payload.pipe(res);
      return this;
    }
    let body: Buffer | string;
    if (Buffer.isBuffer(payload)) {
      h['content-type'] ??= OCTET;
      body = payload;
    } else if (typeof payload === 'string') {
      if (h['content-type'] === undefined) h['content-type'] = PLAIN;
      else withCharset(h);
      body = payload;
    } else {
      if (h['content-type'] === undefined) h['content-type'] = JSON_UTF8;
      else withCharset(h);
      body = JSON.stringify(payload);
    }
    const length = String(Buffer.byteLength(body));
    if (h['content-length'] === undefined || (this.req.method !== 'HEAD' && h['content-length'] !== length)) h['content-length'] = length;
    res.writeHead(status, h);
    res.end(body);
    return this;
  }
}

/** fastify's rule: a JSON media type without a charset gets `; charset=utf-8`. */
function withCharset(h: Record<string, string>): void {
  const type = h['content-type']!;
  if (type.includes('json') && !/;\s*charset=/i.test(type)) h['content-type'] = `${type.replace(/;\s*$/, '')}; charset=utf-8`;
}

function isStream(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as { pipe?: unknown }).pipe === 'function';
}

/**
 * Reads a whole body as UTF-8 text, refusing more than `limit` bytes (by Content-Length up front,
 * or as it arrives) and a body shorter or longer than its Content-Length.
 */
export function readText(raw: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(raw.headers['content-length']);
  if (declared > limit) return Promise.reject(new EngineError('invalid-argument', 'Request body is too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (err?: Error): void => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onError);
      if (err) reject(err);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        done(new EngineError('invalid-argument', 'Request body is too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      if (!Number.isNaN(declared) && received !== declared) {
        reject(new EngineError('invalid-argument', 'Request body size did not match Content-Length'));
        return;
      }
      resolve(Buffer.concat(chunks, received).toString('utf8'));
    };
    const onError = (err: Error): void => done(new EngineError('invalid-argument', `reading the request body: ${err.message}`, { cause: err }));
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.resume();
  });
}
