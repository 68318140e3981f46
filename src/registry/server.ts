// The registry's HTTP server: node:http (or node:https with a certificate), with no framework. Blob
// bodies are the whole workload here, and node:http hands the request and response streams
// over as they are, so uploads stream to disk while hashed and downloads stream from files
// with no body parser, per-media-type content parsers or reply hooks in the way.
//
// Order of a request: health and token endpoints (no auth) → route match → name check →
// read-only check → authorization → handler. Every failure ends in writeError, the one place
// that turns an error into a status and the spec's JSON body.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Writable } from 'node:stream';
import { errorMessage } from '../core/errors.js';
import { type Authorizer, TokenAuthorizer } from './auth.js';
import type { FsBlobStore } from './blob-store.js';
import { REGISTRY_ERROR_STATUS, RegistryError, isRegistryError, registryErrorBody } from './errors.js';
import { readBody, sendJson } from './http-util.js';
import type { FsManifestStore } from './manifest-store.js';
import { accessFor, checkRouteName, handlerFor, isWrite, matchRoute, type RouteContext } from './routes.js';

export const TOKEN_PATH = '/auth/token';
export const HEALTH_PATH = '/healthz';

export interface RegistryServerOptions {
  blobs: FsBlobStore;
  manifests: FsManifestStore;
  authorizer: Authorizer;
  readOnly: boolean;
  /** One JSON line per request; nothing is logged when absent. */
  accessLog?: Writable;
  tls?: { cert: Buffer; key: Buffer };
  /** The token realm to announce; by default this server's own token endpoint. */
  tokenRealm?: string;
}

/** What the access log learns about a request while it is served. */
interface RequestState {
  account?: string;
  error?: string;
}

export function createRegistryServer(opts: RegistryServerOptions): Server {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const state: RequestState = {};
    if (opts.accessLog) {
      const log = opts.accessLog;
      const remote = req.socket.remoteAddress;
      res.on('close', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const line = {
          time: new Date().toISOString(),
          remote,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          length: Number(res.getHeader('content-length') ?? 0),
          ms: Math.round(ms * 10) / 10,
          account: state.account,
          error: state.error,
        };
        log.write(`${JSON.stringify(line)}\n`);
      });
    }
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    serve(opts, req, res, state).catch((err: unknown) => writeError(req, res, err, state));
  };
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(handler);
  // Layers of hundreds of megabytes on slow links must not be cut off.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  return server;
}

async function serve(opts: RegistryServerOptions, req: IncomingMessage, res: ServerResponse, state: RequestState): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  // The path is taken as sent (no URL normalisation), so `..` reaches the name check.
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const method = req.method ?? 'GET';

  if (path === HEALTH_PATH && (method === 'GET' || method === 'HEAD')) {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (path === TOKEN_PATH && opts.authorizer instanceof TokenAuthorizer) {
    await issueToken(opts.authorizer, req, res, query);
    return;
  }
  const m = matchRoute(path);
  if (!m) {
    req.resume();
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
    return;
  }
  checkRouteName(m);
  const handler = handlerFor(m, method);
  if (!handler) throw new RegistryError('UNSUPPORTED', `${method} is not supported here`);
  if (opts.readOnly && isWrite(method)) throw new RegistryError('UNSUPPORTED', 'the registry is in read-only mode');

  const realm = opts.tokenRealm ?? `${opts.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${TOKEN_PATH}`;
  const authorization = req.headers.authorization;
  const decision = await opts.authorizer.authorize(authorization, accessFor(m, method), realm);
  if (!decision.ok) {
    if (decision.challenge) res.setHeader('WWW-Authenticate', decision.challenge);
    throw new RegistryError(decision.code, decision.message);
  }
  state.account = decision.account;
  const ctx: RouteContext = {
    blobs: opts.blobs,
    manifests: opts.manifests,
    mayPull: async (repository) =>
      (await opts.authorizer.authorize(authorization, { type: 'repository', name: repository, actions: ['pull'] }, realm)).ok,
  };
  await handler(ctx, m, req, res, query);
}

/** GET (Docker's token protocol) or POST (OAuth2 password grant) of the token endpoint. */
async function issueToken(auth: TokenAuthorizer, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  let params = query;
  let creds: { user: string; password: string } | undefined;
  if (req.method === 'POST') {
    params = new URLSearchParams((await readBody(req, 64 << 10)).toString('utf8'));
    const user = params.get('username');
    const password = params.get('password');
    if (params.get('grant_type') === 'password' && user !== null && password !== null) creds = { user, password };
  } else {
    req.resume();
  }
  const service = params.get('service');
  if (service !== null && service !== auth.service) throw new RegistryError('DENIED', `unknown service ${service}`);
  const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
  const issued = await auth.issue(req.headers.authorization, scopes, creds);
  if (!issued) {
    res.setHeader('WWW-Authenticate', `Basic realm="${auth.service}"`);
    throw new RegistryError('UNAUTHORIZED', 'invalid username or password');
  }
  sendJson(res, 200, {
    token: issued.token,
    access_token: issued.token,
    expires_in: issued.expiresIn,
    issued_at: issued.issuedAt,
  });
}

function writeError(req: IncomingMessage, res: ServerResponse, err: unknown, state: RequestState): void {
  const e = isRegistryError(err) ? err : new RegistryError('UNKNOWN', errorMessage(err), undefined, { cause: err });
  // The access log carries why a request failed inside the registry; client errors are in the status.
  if (REGISTRY_ERROR_STATUS[e.code] >= 500) state.error = e.message;
  // An unread body would otherwise stall the connection for the next request.
  req.resume();
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = registryErrorBody(e);
  res.writeHead(REGISTRY_ERROR_STATUS[e.code], { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
