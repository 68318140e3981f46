// Files in and out of containers: the archive endpoints of `docker cp` (HEAD stat, GET a tar,
// PUT a tar), changes (`docker diff`), export and commit.

import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { EngineError } from '../../core/errors.js';
import type { PathStat } from '../../engine/containers/container-filesystem.js';
import type { ImageRuntimeConfig } from '../../oci/image.js';
import type { ApiReply, ApiRequest, RouteTable } from '../http-app.js';
import { sendEmpty, sendJson, startStream } from '../reply.js';
import { bool, query, str, strs } from '../request.js';
import type { RouteContext } from '../route-context.js';

type Params = { id: string };

const STAT_HEADER = 'X-Docker-Container-Path-Stat';
const CHANGE_KINDS = { modified: 0, added: 1, deleted: 2 } as const;
/** Config fields a commit body may set (moby's container.Config, those an image keeps). */
const CONFIG_KEYS = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'Healthcheck', 'OnBuild', 'Shell'] as const;

export function registerContainerFileRoutes(app: RouteTable, ctx: RouteContext): void {
  const { containerFiles } = ctx.backends;

  app.head<Params>('/containers/:id/archive', async (req, reply) => {
    const st = await containerFiles.stat(req.params.id, pathParam(req));
    return reply.code(200).header(STAT_HEADER, statHeader(st)).send();
  });

  app.get<Params>('/containers/:id/archive', async (req, reply) => {
    await sendTar(req, reply, ctx, (start) =>
      containerFiles.archive(req.params.id, pathParam(req), (st, tar) => start(tar, { [STAT_HEADER]: statHeader(st) })),
    );
  });

  app.put<Params>('/containers/:id/archive', async (req, reply) => {
    const q = query(req);
    await containerFiles.extract(req.params.id, pathParam(req), req.raw, {
      noOverwriteDirNonDir: bool(q, 'noOverwriteDirNonDir'),
      copyUidGid: bool(q, 'copyUIDGID'),
    });
    return sendEmpty(reply, 200);
  });

  app.get<Params>('/containers/:id/export', async (req, reply) => {
    await sendTar(req, reply, ctx, (start) => containerFiles.export(req.params.id, (tar) => start(tar, {})));
  });

  app.get<Params>('/containers/:id/changes', async (req, reply) => {
    const changes = await containerFiles.changes(req.params.id);
    return sendJson(
      reply,
      changes.map((c) => ({ Path: c.path, Kind: CHANGE_KINDS[c.kind] })),
    );
  });

  app.post('/commit', async (req, reply) => {
    const q = query(req);
    const container = str(q, 'container');
    if (!container) throw new EngineError('invalid-argument', 'No container name or ID supplied');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const k of CONFIG_KEYS) if (body[k] !== undefined) config[k] = body[k];
    const opt = (k: string): Record<string, string> => {
      const v = str(q, k);
      return v ? { [k]: v } : {};
    };
    const id = await containerFiles.commit(container, {
      ...opt('repo'),
      ...opt('tag'),
      ...opt('comment'),
      ...opt('author'),
      changes: strs(q, 'changes'),
      config: config as ImageRuntimeConfig,
      pause: bool(q, 'pause', true),
    });
    return sendJson(reply, { Id: id }, 201);
  });
}

function pathParam(req: ApiRequest): string {
  const path = str(query(req), 'path');
  if (!path) throw new EngineError('invalid-argument', 'path parameter is required');
  return path;
}

/** base64 of the JSON, as moby writes the header. */
function statHeader(st: PathStat): string {
  return Buffer.from(JSON.stringify(st)).toString('base64');
}

/**
 * Streams the tar the backend hands to `start`. An error before that is an ordinary error
 * response; after the first byte all that is left is to cut the connection.
 */
async function sendTar(
  req: ApiRequest,
  reply: ApiReply,
  ctx: RouteContext,
  work: (start: (tar: Readable, headers: Record<string, string>) => void) => Promise<void>,
): Promise<void> {
  let res: ServerResponse | undefined;
  try {
    await work((tar, headers) => {
      res = startStream(req, reply, ctx.identity, { 'Content-Type': 'application/x-tar', ...headers }).res;
      tar.on('error', (err) => res?.destroy(err));
      res.on('close', () => tar.destroy());
      tar.pipe(res);
    });
  } catch (err) {
    if (!res) throw err;
    req.log.error({ err }, 'sending a tar failed');
    res.destroy(err as Error);
  }
}
