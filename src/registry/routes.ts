// The distribution API's routes: which path is which endpoint, what scope it needs, and one
// handler per endpoint that parses the request, calls the stores and writes the answer.
// Status codes for failures come from errors.ts only; handlers throw RegistryErrors.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Digest } from '../core/digest.js';
import { MEDIA_TYPE_OCI_INDEX } from '../oci/media-types.js';
import type { Access } from './auth.js';
import type { FsBlobStore } from './blob-store.js';
import { RegistryError, blobUnknown } from './errors.js';
import {
  hasBody,
  pageParams,
  paginate,
  parseContentRange,
  parseRange,
  readBody,
  sendEmpty,
  sendFile,
  sendJson,
} from './http-util.js';
import type { FsManifestStore } from './manifest-store.js';
import { checkDigest, checkRepositoryName, checkTag, parseManifestReference } from './names.js';

/** The spec lets registries refuse manifests above 4 MiB; distribution does the same. */
const MANIFEST_LIMIT = 4 << 20;
/** Tags one push by digest may set with `?tag=`. */
const MAX_QUERY_TAGS = 50;

export type Endpoint = 'base' | 'catalog' | 'tags' | 'manifest' | 'blob' | 'upload' | 'referrers';

export interface RouteMatch {
  endpoint: Endpoint;
  name: string;
  /** The reference, digest or upload ID after the endpoint's path. */
  param: string;
}

// The name is greedy: a repository may be called `a/blobs/b`, and what follows the endpoint
// word (a tag, digest or upload ID) never holds a slash.
const PATTERNS: [Endpoint, RegExp][] = [
  ['upload', /^\/v2\/(.+)\/blobs\/uploads\/?([^/]*)$/],
  ['blob', /^\/v2\/(.+)\/blobs\/([^/]+)$/],
  ['manifest', /^\/v2\/(.+)\/manifests\/([^/]+)$/],
  ['tags', /^\/v2\/(.+)\/tags\/list()$/],
  ['referrers', /^\/v2\/(.+)\/referrers\/([^/]+)$/],
];

export function matchRoute(path: string): RouteMatch | undefined {
  if (path === '/v2/' || path === '/v2') return { endpoint: 'base', name: '', param: '' };
  if (path === '/v2/_catalog') return { endpoint: 'catalog', name: '', param: '' };
  for (const [endpoint, re] of PATTERNS) {
    const m = re.exec(path);
    if (m) return { endpoint, name: decodeURIComponent(m[1]!), param: decodeURIComponent(m[2]!) };
  }
  return undefined;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isWrite(method: string): boolean {
  return WRITES.has(method);
}

/** The scope a request needs, checked before its handler runs. */
export function accessFor(m: RouteMatch, method: string): Access | undefined {
  if (m.endpoint === 'base') return undefined;
  if (m.endpoint === 'catalog') return { type: 'registry', name: 'catalog', actions: ['*'] };
  let actions: string[];
  if (method === 'DELETE') actions = ['delete'];
  else if (isWrite(method) || m.endpoint === 'upload') actions = ['pull', 'push'];
  else actions = ['pull'];
  return { type: 'repository', name: m.name, actions };
}

export interface RouteContext {
  blobs: FsBlobStore;
  manifests: FsManifestStore;
  /** Whether the requester may pull from another repository (for cross-repository mounts). */
  mayPull(repository: string): Promise<boolean>;
}

type Handler = (c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse, q: URLSearchParams) => Promise<void>;

const uploadHeaders = (name: string, id: string, size: number): Record<string, string> => ({
  Location: `/v2/${name}/blobs/uploads/${id}`,
  Range: `0-${Math.max(0, size - 1)}`,
  'Docker-Upload-UUID': id,
});

const blobCreated = (name: string, d: Digest): Record<string, string> => ({
  Location: `/v2/${name}/blobs/${d}`,
  'Docker-Content-Digest': d,
});

async function getBlob(c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const d = checkDigest(m.param);
  const size = await c.blobs.statLinked(m.name, d);
  if (size === undefined) throw blobUnknown(d);
  const range = req.method === 'GET' ? parseRange(req.headers.range, size) : undefined;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': d,
    ETag: `"${d}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  };
  if (range) {
    headers['Content-Length'] = range.end - range.start + 1;
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
    await sendFile(req, res, c.blobs.blobPath(d), 206, headers, range);
  } else {
    headers['Content-Length'] = size;
    await sendFile(req, res, c.blobs.blobPath(d), 200, headers);
  }
}

async function removeBlob(c: RouteContext, m: RouteMatch, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const d = checkDigest(m.param);
  await c.blobs.unlink(m.name, d);
  sendEmpty(res, 202, { 'Docker-Content-Digest': d });
}

async function startUpload(c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const mount = q.get('mount');
  const from = q.get('from');
  if (mount !== null && from !== null) {
    const d = checkDigest(mount);
    // A mount the client may not make, or of a blob the source does not have, becomes an
    // ordinary upload (202), as the spec says: the client then sends the bytes.
    if (isValidName(from) && (await c.mayPull(from)) && (await c.blobs.statLinked(from, d)) !== undefined) {
      await c.blobs.link(m.name, d);
      sendEmpty(res, 201, blobCreated(m.name, d));
      return;
    }
  }
  const digest = q.get('digest');
  const d = digest === null ? undefined : checkDigest(digest);
  const id = await c.blobs.startUpload(m.name);
  if (d !== undefined) {
    // Monolithic upload: the whole blob in this request.
    await c.blobs.append(m.name, id, req);
    await c.blobs.commit(m.name, id, d);
    sendEmpty(res, 201, blobCreated(m.name, d));
    return;
  }
  req.resume();
  sendEmpty(res, 202, uploadHeaders(m.name, id, 0));
}

function isValidName(name: string): boolean {
  try {
    checkRepositoryName(name);
    return true;
  } catch {
    return false;
  }
}

async function patchUpload(c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const range = parseContentRange(req.headers['content-range']);
  const size = await c.blobs.append(m.name, m.param, req, range ? { start: range.start } : {});
  sendEmpty(res, 202, uploadHeaders(m.name, m.param, size));
}

async function finishUpload(c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const digest = q.get('digest');
  if (digest === null) throw new RegistryError('DIGEST_INVALID', 'digest parameter missing');
  const d = checkDigest(digest);
  if (hasBody(req)) {
    const range = parseContentRange(req.headers['content-range']);
    await c.blobs.append(m.name, m.param, req, range ? { start: range.start } : {});
  } else {
    req.resume();
  }
  await c.blobs.commit(m.name, m.param, d);
  sendEmpty(res, 201, blobCreated(m.name, d));
}

async function uploadStatus(c: RouteContext, m: RouteMatch, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const size = await c.blobs.uploadSize(m.name, m.param);
  sendEmpty(res, 204, uploadHeaders(m.name, m.param, size));
}

async function cancelUpload(c: RouteContext, m: RouteMatch, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  await c.blobs.cancel(m.name, m.param);
  sendEmpty(res, 204);
}

async function getManifest(c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const stored = await c.manifests.get(m.name, parseManifestReference(m.param));
  await sendFile(req, res, stored.path, 200, {
    'Content-Type': stored.mediaType,
    'Content-Length': stored.size,
    'Docker-Content-Digest': stored.digest,
    ETag: `"${stored.digest}"`,
  });
}

async function putManifest(c: RouteContext, m: RouteMatch, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const ref = parseManifestReference(m.param);
  // Tags in the query apply to a push by digest only (spec end-7b).
  const tags = ref.digest !== undefined ? q.getAll('tag').map(checkTag) : [];
  if (tags.length > MAX_QUERY_TAGS) throw new RegistryError('TAG_INVALID', `at most ${MAX_QUERY_TAGS} tags per push`);
  const bytes = await readBody(req, MANIFEST_LIMIT);
  const r = await c.manifests.put(m.name, ref, bytes, req.headers['content-type'], tags);
  const headers: Record<string, string> = { Location: `/v2/${m.name}/manifests/${r.digest}`, 'Docker-Content-Digest': r.digest };
  if (r.subject) headers['OCI-Subject'] = r.subject;
  if (tags.length > 0) headers['OCI-Tag'] = tags.join(', ');
  sendEmpty(res, 201, headers);
}

async function removeManifest(c: RouteContext, m: RouteMatch, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  await c.manifests.remove(m.name, parseManifestReference(m.param));
  sendEmpty(res, 202);
}

async function listTags(c: RouteContext, m: RouteMatch, _req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const { n, last } = pageParams(q);
  const page = paginate(await c.manifests.tags(m.name), `/v2/${m.name}/tags/list`, n, last);
  sendJson(res, 200, { name: m.name, tags: page.items }, page.link ? { Link: page.link } : {});
}

async function listReferrers(c: RouteContext, m: RouteMatch, _req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const subject = checkDigest(m.param);
  const artifactType = q.get('artifactType');
  let manifests = await c.manifests.referrers(m.name, subject);
  const headers: Record<string, string> = {};
  if (artifactType !== null) {
    manifests = manifests.filter((d) => d.artifactType === artifactType);
    headers['OCI-Filters-Applied'] = 'artifactType';
  }
  const body = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests });
  res.writeHead(200, { 'Content-Type': MEDIA_TYPE_OCI_INDEX, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

async function catalog(c: RouteContext, _m: RouteMatch, _req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const { n, last } = pageParams(q);
  const page = paginate(await c.manifests.catalog(), '/v2/_catalog', n, last);
  sendJson(res, 200, { repositories: page.items }, page.link ? { Link: page.link } : {});
}

async function base(_c: RouteContext, _m: RouteMatch, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, {});
}

const HANDLERS: Record<Endpoint, Partial<Record<string, Handler>>> = {
  base: { GET: base, HEAD: base },
  catalog: { GET: catalog },
  tags: { GET: listTags },
  referrers: { GET: listReferrers },
  manifest: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: removeManifest },
  blob: { GET: getBlob, HEAD: getBlob, DELETE: removeBlob },
  upload: { POST: startUpload, PATCH: patchUpload, PUT: finishUpload, GET: uploadStatus, DELETE: cancelUpload },
};

export function handlerFor(m: RouteMatch, method: string): Handler | undefined {
  // POST starts an upload only at `…/blobs/uploads/`; the other verbs need an upload ID.
  if (m.endpoint === 'upload' && (method === 'POST') !== (m.param === '')) return undefined;
  return HANDLERS[m.endpoint][method];
}

/** Checks the repository name of a matched route (the base and catalog have none). */
export function checkRouteName(m: RouteMatch): void {
  if (m.endpoint !== 'base' && m.endpoint !== 'catalog') checkRepositoryName(m.name);
}
