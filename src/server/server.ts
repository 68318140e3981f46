// The Engine API server: node:http on a Unix socket (through http-app.ts), speaking Docker's
// dialect of HTTP. This file sets the transport rules shared by every route (version prefixes,
// headers, body parsing, the error body); the routes live in routes/, one file per resource.

import type { Logger } from 'pino';
import { EngineError, errorMessage } from '../core/errors.js';
import { API_VERSION, MIN_API_VERSION, compareApiVersions } from '../api/version.js';
import type { Backends } from './backends.js';
import { JSON_CONTENT_TYPE, errorBody, httpStatusOf } from './errors.js';
import { HttpApp, readText, type TransportRules } from './http-app.js';
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

/** Bodies larger than this are refused (JSON only: uploads are streamed, never held). */
const JSON_BODY_LIMIT = 64 << 20;

export function createApiServer(opts: ApiServerOptions): HttpApp {
  const headers = standardHeaders(opts.identity);
  const rules: TransportRules = {
    rewriteUrl(req) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const m = VERSION_PREFIX.exec(q < 0 ? url : url.slice(0, q));
      if (!m) return url;
      setApiVersion(req, m[1]!);
      return (m[2] ?? '/') + (q < 0 ? '' : url.slice(q));
    },

    onRequest(req, reply) {
      reply.headers(headers);
      const v = apiVersion(req.raw);
      if (compareApiVersions(v, MIN_API_VERSION) < 0) {
        throw new EngineError(
          'invalid-argument',
          `client version ${v} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
        );
      }
      if (compareApiVersions(v, API_VERSION) > 0) {
        throw new EngineError('invalid-argument', `client version ${v} is too new. Maximum supported API version is ${API_VERSION}`);
      }
    },

    // Bodies: JSON is parsed leniently (empty and `null` mean "no body", as in moby); anything
    // else (tar uploads) is left unread for the handler to stream from request.raw.
    readBody(req) {
      const type = req.headers['content-type'];
      if (type === undefined) return undefined;
      const media = mediaType(type);
      // fastify refused a malformed Content-Type on any body; clients never send one.
      if (media === undefined) throw new EngineError('invalid-argument', 'Unsupported Media Type');
      return media === 'application/json' ? readText(req, JSON_BODY_LIMIT).then(parseJsonBody) : undefined;
    },

    notFound(_req, reply) {
      reply.code(404).header('Content-Type', JSON_CONTENT_TYPE).send(errorBody('page not found'));
    },

    onError(err, req, reply) {
      const status = httpStatusOf(err);
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
      reply.code(status).header('Content-Type', JSON_CONTENT_TYPE).send(errorBody(errorMessage(err)));
    },
  };
  // Big uploads (load, build contexts) must not be cut off: the app sets no request timeout.
  const app = new HttpApp({ logger: opts.logger, rules, keepAliveTimeout: 65_000 });
  const ctx: RouteContext = { backends: opts.backends, identity: opts.identity };
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

const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/;

/** The `type/subtype` of a Content-Type, lower case, without parameters; undefined if malformed. */
function mediaType(header: string): string | undefined {
  const semi = header.indexOf(';');
  const media = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  const slash = media.indexOf('/');
  if (slash < 0 || !TOKEN.test(media.slice(0, slash)) || !TOKEN.test(media.slice(slash + 1))) return undefined;
  return media;
}

function parseJsonBody(body: string): unknown {
  const text = body.trim();
  if (text === '' || text === 'null') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EngineError('invalid-argument', `invalid JSON: ${errorMessage(err)}`, { cause: err });
  }
}
