// Writing responses as moby does: its headers on every response, JSON with the exact content
// type the docker CLI expects, and streams whose headers go out at once (clients such as
// `docker run` wait for them before sending the next request).

import type { ServerResponse } from 'node:http';
import { API_VERSION } from '../api/version.js';
import { JSON_CONTENT_TYPE } from './errors.js';
import type { ApiReply, ApiRequest } from './http-app.js';

export interface ServerIdentity {
  /** berth's version, used in the Server header. */
  version: string;
}

export function standardHeaders(id: ServerIdentity): Record<string, string> {
  return {
    'Api-Version': API_VERSION,
    Ostype: 'linux',
    // The moby client reads the OS from this header only in the form `Docker/<v> (<os>)`.
    Server: `Docker/berth-${id.version} (linux)`,
    'Docker-Experimental': 'false',
  };
}

// A Buffer, not a string: reply.send appends `; charset=utf-8` to JSON string bodies, and the
// docker CLI then prints the raw JSON instead of the message.
export function sendJson(reply: ApiReply, value: unknown, status = 200): ApiReply {
  return reply.code(status).header('Content-Type', JSON_CONTENT_TYPE).send(Buffer.from(JSON.stringify(value)));
}

export function sendEmpty(reply: ApiReply, status: number): ApiReply {
  return reply.code(status).send();
}

/**
 * Takes the raw response over from the reply, writes the status and headers at once, and
 * returns the response to write the body to. `close` aborts the returned signal when the
 * client goes away before the body ends.
 */
export function startStream(
  req: ApiRequest,
  reply: ApiReply,
  identity: ServerIdentity,
  headers: Record<string, string>,
  status = 200,
): { res: ServerResponse; signal: AbortSignal } {
  reply.hijack();
  const res = reply.raw;
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  req.raw.on('aborted', () => ac.abort());
  res.writeHead(status, { ...standardHeaders(identity), ...headers });
  res.flushHeaders();
  return { res, signal: ac.signal };
}

/** A signal that fires when the client closes the connection before the reply is done. */
export function requestSignal(req: ApiRequest, reply: ApiReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  req.raw.on('aborted', () => ac.abort());
  return ac.signal;
}
