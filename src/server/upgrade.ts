// `Connection: Upgrade` requests (attach and exec start from the docker CLI and docker-py)
// never reach the router: Node gives them to the server's 'upgrade' event with the raw
// socket. This routes the two endpoints that accept it, answers errors as plain HTTP, and on
// success writes moby's `101 UPGRADED` and hands the socket to the stream pump.

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { EngineError } from '../core/errors.js';
import { API_VERSION, MIN_API_VERSION, apiVersionBefore, compareApiVersions } from '../api/version.js';
import { toExecStart } from './convert/exec.js';
import { parseDetachKeys, pumpSession, readUpgradeBody, startErrorBytes, streamContentType, writeSocketError } from './hijack.js';
import { standardHeaders } from './reply.js';
import type { RouteContext } from './route-context.js';
import { attachOptions } from './routes/containers.js';

const VERSION_PREFIX = /^\/v([0-9]+(?:\.[0-9]+)*)(\/.*)$/;

export function serveUpgrades(server: Server, ctx: RouteContext, log: Logger): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handle(req, socket, head, ctx).catch((err: unknown) => {
      log.debug({ err, url: req.url }, 'upgrade request refused');
      if (!socket.destroyed) writeSocketError(socket, err, standardHeaders(ctx.identity));
    });
  });
}

async function handle(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RouteContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://berth');
  let path = url.pathname;
  let version = API_VERSION;
  const m = VERSION_PREFIX.exec(path);
  if (m) {
    version = m[1]!;
    path = m[2]!;
    if (compareApiVersions(version, MIN_API_VERSION) < 0) {
      throw new EngineError('invalid-argument', `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
    }
    if (compareApiVersions(version, API_VERSION) > 0) {
      throw new EngineError('invalid-argument', `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
    }
  }
  const q: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of url.searchParams) q[k] = v;
  const multiplexedOk = !apiVersionBefore(version, '1.42');
  const upgraded = (tty: boolean): void => {
    const headers = standardHeaders(ctx.identity);
    const lines = [
      'HTTP/1.1 101 UPGRADED',
      `Content-Type: ${streamContentType(tty, multiplexedOk)}`,
      'Connection: Upgrade',
      'Upgrade: tcp',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  };

  const attach = /^\/containers\/([^/]+)\/attach$/.exec(path);
  if (attach && req.method === 'POST') {
    const rec = ctx.backends.containers.resolve(decodeURIComponent(attach[1]!));
    const opts = attachOptions(q);
    const session = await ctx.backends.containerIo.attach(rec.id, opts);
    upgraded(rec.spec.tty);
    const detachKeys = typeof q.detachKeys === 'string' ? q.detachKeys : undefined;
    pumpSession(socket, session, {
      tty: rec.spec.tty,
      stdin: opts.stdin && rec.spec.openStdin,
      detachKeys: parseDetachKeys(detachKeys),
      initialStdin: head,
    });
    return;
  }

  const exec = /^\/exec\/([^/]+)\/start$/.exec(path);
  if (exec && req.method === 'POST') {
    const length = Number(req.headers['content-length'] ?? 0);
    const { body, rest } = await readUpgradeBody(socket, head, Number.isFinite(length) ? length : 0);
    let parsed: unknown;
    try {
      parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
    } catch (err) {
      throw new EngineError('invalid-argument', `invalid JSON: ${(err as Error).message}`, { cause: err });
    }
    const opts = toExecStart(parsed);
    const e = ctx.backends.exec.checkStart(decodeURIComponent(exec[1]!));
    const tty = opts.tty ?? e.config.tty;
    if (opts.detach) {
      await ctx.backends.exec.start(e.id, opts);
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // As moby: hijack first, then start; a process that cannot run is reported in the stream
    // (the exit code, 126 or 127, is recorded for the inspect that follows).
    upgraded(tty);
    let started;
    try {
      started = await ctx.backends.exec.start(e.id, opts);
    } catch (err) {
      socket.end(startErrorBytes(err, tty));
      return;
    }
    if (!started.session) {
      socket.end();
      return;
    }
    pumpSession(socket, started.session, {
      tty,
      stdin: e.config.attachStdin,
      detachKeys: parseDetachKeys(e.config.detachKeys || undefined),
      initialStdin: rest,
      beforeEnd: started.done,
    });
    return;
  }
  throw new EngineError('not-found', 'page not found');
}
