// Image routes. Image names contain `/` and `:`, so the routes after the fixed ones
// (/images/json, /load, /get, /create, /prune) match greedily and split off the action suffix.

import type { ServerResponse } from 'node:http';
import { EngineError } from '../../core/errors.js';
import type { ProgressEvent } from '../../core/progress.js';
import { isNameOnly, parseNormalizedNamed, parsePullReference } from '../../core/reference.js';
import { type Platform, hostPlatform, parsePlatform } from '../../oci/platform.js';
import { decodeRegistryAuth } from '../convert/registry-auth.js';
import {
  toDeleteItemsWire,
  toHistoryWire,
  toImageInspectWire,
  toImageSummaryWire,
} from '../convert/image.js';
import { JSON_CONTENT_TYPE } from '../errors.js';
import type { ApiReply, ApiRequest, RouteTable } from '../http-app.js';
import { JsonMessageWriter } from '../json-stream.js';
import { requestSignal, sendEmpty, sendJson, startStream } from '../reply.js';
import { apiVersion, bool, filters, query, str, strs } from '../request.js';
import type { RouteContext } from '../route-context.js';
import { adaptImageInspect, adaptImageSummary } from '../versions/images.js';

export function registerImageRoutes(app: RouteTable, ctx: RouteContext): void {
  const { images, imageTransfer, system } = ctx.backends;
  const driver = (): string => system.info().settings.storageDriver;

  app.get('/images/json', async (req, reply) => {
    const q = query(req);
    const list = images.list({ all: bool(q, 'all'), filters: filters(q) });
    const v = apiVersion(req);
    return sendJson(reply, list.map((s) => adaptImageSummary(v, toImageSummaryWire(s))));
  });

  app.post('/images/load', async (req, reply) => {
    const quiet = bool(query(req), 'quiet');
    await jsonStream(req, reply, ctx, async (progress, signal) => {
      await imageTransfer.load(req.raw, {
        signal,
        progress: (ev) => {
          if (quiet && 'status' in ev) return;
          progress(ev);
        },
      });
    });
  });

  app.get('/images/get', async (req, reply) => {
    const names = strs(query(req), 'names').flatMap((n) => n.split(',')).filter((n) => n !== '');
    if (names.length === 0) throw new EngineError('invalid-argument', 'no images specified');
    await sendSave(req, reply, ctx, names);
  });

  app.post('/images/create', async (req, reply) => {
    const q = query(req);
    const fromSrc = str(q, 'fromSrc');
    const fromImage = str(q, 'fromImage');
    if (fromSrc === undefined && fromImage === undefined) {
      throw new EngineError('invalid-argument', 'fromImage or fromSrc is required');
    }
    const platform = str(q, 'platform');
    if (fromSrc === undefined) {
      // A name without tag or digest pulls every tag, as moby does (`pull -a` sends that).
      const ref = parsePullReference(fromImage ?? '', str(q, 'tag'));
      const credentials = decodeRegistryAuth(req.headers['x-registry-auth']);
      const target: Platform = platform ? parsePlatform(platform) : hostPlatform();
      await jsonStream(req, reply, ctx, async (progress, signal) => {
        const opts: Parameters<typeof imageTransfer.pull>[1] = { platform: target, signal, progress };
        if (platform) opts.platformRequested = true;
        if (isNameOnly(ref)) opts.allTags = true;
        if (credentials) opts.credentials = credentials;
        await imageTransfer.pull(ref, opts);
      });
      return;
    }
    if (fromSrc !== '-') {
      throw new EngineError('not-implemented', 'importing from a URL is not supported; send the tarball as the request body (fromSrc=-)');
    }
    const repo = str(q, 'repo');
    const tag = str(q, 'tag');
    const message = str(q, 'message');
    await jsonStream(req, reply, ctx, async (progress, signal) => {
      const opts: Parameters<typeof imageTransfer.import>[1] = {
        changes: strs(q, 'changes'),
        signal,
        progress,
        source: '-',
      };
      if (repo) opts.repo = repo;
      if (tag) opts.tag = tag;
      if (message) opts.message = message;
      if (platform) opts.platform = parsePlatform(platform);
      await imageTransfer.import(req.raw, opts);
    });
  });

  app.post('/images/prune', async (req, reply) => {
    const result = await images.prune({ filters: filters(query(req)) });
    return sendJson(reply, {
      ImagesDeleted: result.deleted.length > 0 ? toDeleteItemsWire(result.deleted) : null,
      SpaceReclaimed: result.spaceReclaimed,
    });
  });

  app.get('/images/*', async (req, reply) => {
    const { name, action } = splitAction(req, ['json', 'history', 'get']);
    switch (action) {
      case 'json': {
        const d = await images.inspect(name);
        return sendJson(reply, adaptImageInspect(apiVersion(req), toImageInspectWire(d, driver())));
      }
      case 'history':
        return sendJson(reply, toHistoryWire(await images.history(name)));
      default:
        return sendSave(req, reply, ctx, [name]);
    }
  });

  app.post('/images/*', async (req, reply) => {
    const { name, action } = splitAction(req, ['tag', 'push']);
    const q = query(req);
    if (action === 'push') {
      const ref = parseNormalizedNamed(name);
      const tag = str(q, 'tag') || ref.tag;
      const credentials = decodeRegistryAuth(req.headers['x-registry-auth']);
      await jsonStream(req, reply, ctx, async (progress, signal) => {
        const opts: Parameters<typeof imageTransfer.push>[1] = { signal, progress };
        if (tag) opts.tag = tag;
        if (credentials) opts.credentials = credentials;
        await imageTransfer.push(ref, opts);
      });
      return;
    }
    const repo = str(q, 'repo');
    if (!repo) throw new EngineError('invalid-argument', 'repository name must have at least one component');
    await images.tag(name, repo, str(q, 'tag') || undefined);
    return sendEmpty(reply, 201);
  });

  app.delete('/images/*', async (req, reply) => {
    const q = query(req);
    const name = wildcard(req);
    const items = await images.remove(name, { force: bool(q, 'force'), noPrune: bool(q, 'noprune') });
    return sendJson(reply, toDeleteItemsWire(items));
  });
}

function wildcard(req: ApiRequest): string {
  const raw = req.params['*'] ?? '';
  if (raw === '') throw new EngineError('not-found', 'page not found');
  return raw;
}

function splitAction<A extends string>(req: ApiRequest, actions: readonly A[]): { name: string; action: A } {
  const rest = wildcard(req);
  const slash = rest.lastIndexOf('/');
  const action = rest.slice(slash + 1) as A;
  if (slash <= 0 || !actions.includes(action)) throw new EngineError('not-found', 'page not found');
  return { name: rest.slice(0, slash), action };
}

async function sendSave(req: ApiRequest, reply: ApiReply, ctx: RouteContext, names: string[]): Promise<void> {
  const handle = await ctx.backends.imageTransfer.save(names);
  const { res, signal } = startStream(req, reply, ctx.identity, { 'Content-Type': 'application/x-tar' });
  const stream = handle.stream({ signal });
  await new Promise<void>((resolve) => {
    stream.on('error', (err) => {
      req.log.error({ err }, 'save failed');
      res.destroy(err);
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
}

/**
 * Runs `work` with a progress sink that starts Docker's JSON stream on its first message.
 * An error before anything was sent is an ordinary error response with its status; after
 * that it goes in-band, as moby's write-flusher does.
 */
async function jsonStream(
  req: ApiRequest,
  reply: ApiReply,
  ctx: RouteContext,
  work: (progress: (ev: ProgressEvent) => void, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const signal = requestSignal(req, reply);
  let writer: JsonMessageWriter | undefined;
  let res: ServerResponse | undefined;
  const progress = (ev: ProgressEvent): void => {
    if (!writer) {
      res = startStream(req, reply, ctx.identity, { 'Content-Type': JSON_CONTENT_TYPE }).res;
      writer = new JsonMessageWriter(res);
    }
    writer.write(ev);
  };
  try {
    await work(progress, signal);
  } catch (err) {
    if (!writer) throw err;
    req.log.debug({ err }, 'stream failed');
    writer.writeError(err);
  }
  if (!writer) {
    // Nothing to report (quiet load of an empty archive): an empty JSON stream.
    res = startStream(req, reply, ctx.identity, { 'Content-Type': JSON_CONTENT_TYPE }).res;
  }
  res?.end();
}
