// A stub Engine API server for the container command tests: a real node:http server on the
// test's Unix socket that records every request (method, path, query, headers, body; for
// hijacked requests also the stdin bytes and the client's half-close) and answers from routes
// the test declares, the way the docker CLI recordings in engine-api.md §4 show the daemon
// answering: JSON, empty statuses, flushed-then-delayed bodies (wait), streams (logs, stats)
// and `101 UPGRADED` hijacks with stdcopy frames (attach, exec start).
//
// Example:
//   const stub = new StubServer()
//     .on('POST', '/containers/create', (_req, res) => res.json(201, { Id: ID, Warnings: [] }))
//     .on('POST', /^\/containers\/\w+\/attach$/, (_req, res) => res.upgrade().end(frame(1, 'hi\n')));
//   const cli = await fakeCli(t, stub);
//   …
//   assert.deepEqual(stub.paths(), ['POST /containers/create', …]);

import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Sent with `Connection: Upgrade`. */
  readonly upgrade: boolean;
  /** Bytes the client wrote after the request (hijacked stdin). */
  readonly stdin: Buffer[];
  /** The client half-closed (FIN) the hijacked connection. */
  fin: boolean;
}

export type Handler = (req: RecordedRequest, res: StubResponse) => void | Promise<void>;

/** One multiplexed-stream frame (engine-api.md §2.1). */
export function frame(stream: 0 | 1 | 2 | 3, data: string | Buffer): Buffer {
  const payload = Buffer.from(data);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

/** How a handler answers; one of the methods, once. */
export class StubResponse {
  constructor(
    private readonly res: ServerResponse | undefined,
    private readonly socket: Duplex | undefined,
  ) {}

  json(status: number, value: unknown): void {
    this.send(status, { 'Content-Type': 'application/json' }, JSON.stringify(value));
  }

  /** Docker's error body. */
  error(status: number, message: string): void {
    this.json(status, { message });
  }

  empty(status = 204): void {
    this.send(status, {}, '');
  }

  /** Headers now (flushed), the body when the handler writes it: wait, logs, stats, events. */
  stream(status = 200, contentType = 'application/json'): ServerResponse {
    if (!this.res) throw new Error('stream() on a hijacked request');
    this.res.writeHead(status, { 'Content-Type': contentType });
    this.res.flushHeaders();
    return this.res;
  }

  /** `101 UPGRADED` on a hijacked request; the socket to write output to and end. */
  upgrade(contentType = 'application/vnd.docker.multiplexed-stream'): Duplex {
    if (!this.socket) throw new Error('upgrade() on a request without Upgrade');
    this.socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    return this.socket;
  }

  private send(status: number, headers: Record<string, string>, body: string): void {
    if (this.res) {
      this.res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
      this.res.end(body);
      return;
    }
    const lines = [`HTTP/1.1 ${status} X`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    this.socket?.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }
}

interface Route {
  method: string;
  path: string | RegExp;
  handler: Handler;
}

export class StubServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Duplex>();

  constructor() {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.onUpgrade(req, socket, head));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Adds a route; the last matching route answers (so tests override defaults). Paths are matched without the query. */
  on(method: string, path: string | RegExp, handler: Handler): this {
    this.routes.push({ method, path, handler });
    return this;
  }

  /** `METHOD /path?query` of every request, in arrival order. */
  paths(): string[] {
    return this.requests.map((r) => {
      const q = new URLSearchParams(r.query).toString();
      return `${r.method} ${r.path}${q ? `?${q}` : ''}`;
    });
  }

  /** The recorded requests to `METHOD path` (path exact or a regexp). */
  find(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  listen(opts: { path: string }): Promise<void> {
    return new Promise((resolve) => this.server.listen(opts.path, resolve));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private route(method: string, path: string): Handler | undefined {
    const r = this.routes.findLast((x) => x.method === method && (typeof x.path === 'string' ? x.path === path : x.path.test(path)));
    return r?.handler;
  }

  private record(req: IncomingMessage, body: string, upgrade: boolean): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://stub');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const rec: RecordedRequest = { method: req.method ?? '', path: url.pathname, query, headers: req.headers, body, upgrade, stdin: [], fin: false };
    this.requests.push(rec);
    return rec;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec = this.record(req, Buffer.concat(chunks).toString('utf8'), false);
    const handler = this.route(rec.method, rec.path);
    const reply = new StubResponse(res, undefined);
    if (!handler) return reply.error(404, 'page not found');
    await handler(rec, reply);
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The body is Content-Length bytes; everything after it is stdin.
    const length = Number(req.headers['content-length'] ?? 0);
    let buf = head;
    while (buf.length < length) {
      const more = await new Promise<Buffer | null>((resolve) => {
        socket.once('data', resolve);
        socket.once('end', () => resolve(null));
      });
      if (!more) break;
      buf = Buffer.concat([buf, more]);
    }
    const rec = this.record(req, buf.subarray(0, length).toString('utf8'), true);
    if (buf.length > length) rec.stdin.push(buf.subarray(length));
    socket.on('data', (d: Buffer) => rec.stdin.push(d));
    socket.on('end', () => {
      rec.fin = true;
    });
    socket.on('error', () => undefined);
    const handler = this.route(rec.method, rec.path);
    const reply = new StubResponse(undefined, socket);
    if (!handler) return reply.error(404, 'page not found');
    await handler(rec, reply);
  }
}
