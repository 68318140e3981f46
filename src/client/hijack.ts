// Hijacked connections (engine-api.md §3): `POST /containers/{id}/attach` and
// `POST /exec/{id}/start` turn the HTTP connection into a raw duplex stream, the daemon's output
// one way and the process's stdin the other.
//
// Lifecycle: hijack() sends the request with `Connection: Upgrade` + `Upgrade: tcp`, as the
// docker CLI does, and resolves once the daemon answers `101 UPGRADED` (node:http's 'upgrade'
// event hands over the socket and any bytes that came with the headers, which are put back in
// front of the stream). From then on `stream` is the socket: read it for output (raw with a TTY,
// stdcopy frames without), write stdin to it, and call `stream.end()` to half-close (FIN: "no
// more stdin") while output keeps arriving; the daemon closes its side when the process is done
// or detached. A daemon that answers a plain `200` instead gets the body as the stream and
// nothing can be written (stdin needs the upgrade). Error statuses reject with ApiError before
// any stream exists.
//
// Example:
//   const { stream } = await hijack(c, `/containers/${id}/attach`, { query: { stream: true, stdout: true } });
//   stream.end();                       // no stdin
//   for await (const chunk of stream) … // frames until the container exits

import { type IncomingMessage, request as httpRequest } from 'node:http';
import { Duplex } from 'node:stream';
import { ConnectError, type EngineClient, type RequestOptions, apiError, queryString, readBody } from './engine-client.js';

export interface HijackOptions {
  query?: RequestOptions['query'];
  /** A JSON body (exec start); attach has none. */
  body?: unknown;
  signal?: AbortSignal;
}

export interface HijackedStream {
  /** Output from the daemon to read, stdin to write; `end()` half-closes. */
  readonly stream: Duplex;
  /** False when the daemon answered a plain 200: the stream is read-only. */
  readonly upgraded: boolean;
  /** `application/vnd.docker.multiplexed-stream` or `…raw-stream` (informative only). */
  readonly contentType: string;
}

export function hijack(c: EngineClient, path: string, opts: HijackOptions = {}): Promise<HijackedStream> {
  const headers: Record<string, string> = {
    'User-Agent': c.options.userAgent ?? 'berth-cli',
    Connection: 'Upgrade',
    Upgrade: 'tcp',
  };
  // The docker CLI's json.Encoder ends the body with a newline; attach has an empty text body.
  const payload = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(`${JSON.stringify(opts.body)}\n`);
  headers['Content-Type'] = opts.body === undefined ? 'text/plain' : 'application/json';
  headers['Content-Length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      socketPath: c.options.socketPath,
      // Its own connection: the socket leaves HTTP for good.
      agent: false,
      method: 'POST',
      path: path + queryString(opts.query),
      headers,
      signal: opts.signal,
    });
    req.on('upgrade', (res: IncomingMessage, socket, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      resolve({ stream: socket, upgraded: true, contentType: String(res.headers['content-type'] ?? '') });
    });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 500;
      if (status >= 400) {
        readBody(res).then((text) => reject(apiError(res, text)), reject);
        return;
      }
      resolve({ stream: readOnlyStream(res), upgraded: false, contentType: String(res.headers['content-type'] ?? '') });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new ConnectError(c.options.socketPath, err) : err);
    });
    req.end(payload);
  });
}

/** A response body as a Duplex whose writes go nowhere (no stdin without the upgrade). */
function readOnlyStream(res: IncomingMessage): Duplex {
  const d = new Duplex({
    read() {
      res.resume();
    },
    write(_chunk, _enc, cb) {
      cb();
    },
    destroy(err, cb) {
      res.destroy();
      cb(err);
    },
  });
  res.on('data', (chunk: Buffer) => {
    if (!d.push(chunk)) res.pause();
  });
  res.on('end', () => d.push(null));
  res.on('error', (err) => d.destroy(err));
  return d;
}
