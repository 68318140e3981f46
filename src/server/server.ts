// The Engine API server: fastify on a Unix socket, speaking Docker's dialect of HTTP. This file
// sets the transport rules shared by every route (version prefixes, headers, body parsing, the
// error body); the routes live in routes/, one file per resource.

import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { EngineError, errorMessage, isEngineError } from '../core/errors.js';
import { API_VERSION, MIN_API_VERSION, compareApiVersions } from '../api/version.js';
import type { Backends } from './backends.js';
import { JSON_CONTENT_TYPE, errorBody, httpStatusOf } from './errors.js';
import { type ServerIdentity, standardHeaders } from './reply.js';
import { apiVersion, setApiVersion } from './request.js';
import { registerContainerFileRoutes } from './routes/container-files.js';
import { registerContainerRoutes } from './routes/containers.js';
import { registerExecRoutes } from './routes/exec.js';
import { registerNetworkRoutes } from './routes/networks.js';
import { registerVolumeRoutes } from './routes/volumes.js';
import { registerImageRoutes } from './routes/images.js';
import { registerSystemRoutes } from './routes/system.js';
import type { RouteContext } from './route-context.js';
import { serveUpgrades } from './upgrade.js';

export interface ApiServerOptions {
  backends: Backends;
  identity: ServerIdentity;
  logger: Logger;
}

const VERSION_PREFIX = /^\/v([0-9]+(?:\.[0-9]+)*)(\/.*)?$/;

export function createApiServer(opts: ApiServerOptions): FastifyInstance {
  // Typed as the default instance: routes do not care which logger implementation is behind it.
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Requests are logged by the error handler when they fail, not twice per request.
    logController: new LogController({ disableRequestLogging: true }),
    // Big uploads (load, build contexts) must not be cut off; moby has no timeout either.
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
    bodyLimit: 64 << 20,
    // moby answers HEAD only where it declares it (/_ping, archive).
    exposeHeadRoutes: false,
    rewriteUrl(req) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const m = VERSION_PREFIX.exec(q < 0 ? url : url.slice(0, q));
      if (!m) return url;
      setApiVersion(req, m[1]!);
      return (m[2] ?? '/') + (q < 0 ? '' : url.slice(q));
    },
  });
  const ctx: RouteContext = { backends: opts.backends, identity: opts.identity };
  const headers = standardHeaders(opts.identity);

  app.addHook('onRequest', async (req, reply) => {
    reply.headers(headers);
    const v = apiVersion(req);
    if (compareApiVersions(v, MIN_API_VERSION) < 0) {
      throw new EngineError(
        'invalid-argument',
        `client version ${v} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
      );
    }
    if (compareApiVersions(v, API_VERSION) > 0) {
      throw new EngineError('invalid-argument', `client version ${v} is too new. Maximum supported API version is ${API_VERSION}`);
    }
  });

  // Bodies: JSON is parsed leniently (empty and `null` mean "no body", as in moby); anything
  // else (tar uploads) is left unread for the handler to stream from request.raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '' || text === 'null') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new EngineError('invalid-argument', `invalid JSON: ${errorMessage(err)}`, { cause: err }), undefined);
    }
  });
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).header('Content-Type', JSON_CONTENT_TYPE).send(errorBody('page not found'));
  });

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    // Fastify's own errors (body too large, bad content) carry a 4xx status; ours carry a kind.
    const fstatus = (err as FastifyError).statusCode;
    const status = !isEngineError(err) && fstatus !== undefined && fstatus >= 400 && fstatus < 500 ? 400 : httpStatusOf(err);
    if (status >= 500) req.log.error({ err, url: req.url, method: req.method }, 'request failed');
    else req.log.debug({ err, url: req.url, status }, 'request refused');
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    if (status === 304) {
      reply.code(304).send();
      return;
    }
    reply.code(status).header('Content-Type', JSON_CONTENT_TYPE).send(errorBody(err.message));
  });

  registerSystemRoutes(app, ctx);
  registerImageRoutes(app, ctx);
  registerContainerRoutes(app, ctx);
  registerContainerFileRoutes(app, ctx);
  registerExecRoutes(app, ctx);
  registerNetworkRoutes(app, ctx);
  registerVolumeRoutes(app, ctx);
  serveUpgrades(app.server, ctx, opts.logger);
  return app;
}
