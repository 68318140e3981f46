// The registry client: Distribution-v2 HTTP for one repository at a time (distribution-spec
// "pull" and "push"). It knows nothing of the engine's stores: it answers manifests as bytes,
// blobs as streams, and takes uploads as streams; the engine decides where the bytes go.
//
// Order of calls for a repository:
//   const repo = client.repository(ref, { credentials, push: false });
//   const m = await repo.getManifest('latest');     // first call picks the endpoint (/v2/ ping)
//   const blob = await repo.fetchBlob(layer, { offset });
// The first request pings `/v2/` on each endpoint in turn (mirrors, HTTPS, then HTTP for an
// insecure registry) and keeps the first one that answers at all; its 401 challenge says how
// to authorize the requests that follow. A 401 later on (a token for a narrower scope, an
// expired token) refreshes the authorization once and retries.

import { type IncomingMessage, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { type Digest, isDigest, sha256Digest } from '../core/digest.js';
import { EngineError, errorMessage } from '../core/errors.js';
import { type Reference, familiarName } from '../core/reference.js';
import type { Descriptor } from '../oci/descriptor.js';
import {
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
  MEDIA_TYPE_DOCKER_SCHEMA1,
  MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
} from '../oci/media-types.js';
import { type RegistryCredentials, TokenCache, authorization } from './registry-auth.js';
import { RegistryError, registryError } from './registry-error.js';
import { type Endpoint, type RegistryHostsConfig, endpointsFor } from './registry-hosts.js';
import { type AuthChallenge, parseWwwAuthenticate } from './www-authenticate.js';

export interface RegistryClientOptions extends RegistryHostsConfig {
  userAgent: string;
}

export interface ManifestResult {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface BlobFetch {
  body: IncomingMessage;
  /** Where the body starts: the offset asked for when the registry honoured the Range, else 0. */
  offset: number;
  /** The blob's full size, when the registry said. */
  size?: number;
}

type Body = Buffer | (() => Readable);

interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  body?: Body;
  signal?: AbortSignal;
  /** Don't add authorization (token endpoints, redirects to another host). */
  anonymous?: boolean;
  /** Follow redirects (GET/HEAD of blobs: registries send them to a storage backend). */
  follow?: boolean;
}

const MANIFEST_ACCEPT = [
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
  MEDIA_TYPE_OCI_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED,
  MEDIA_TYPE_DOCKER_SCHEMA1,
].join(', ');

/** Manifests and indexes larger than this are refused (containerd's limit). */
const MAX_MANIFEST_BYTES = 4 << 20;
const MAX_REDIRECTS = 5;

export class RegistryClient {
  readonly #opts: RegistryClientOptions;
  readonly #tokens = new TokenCache();
  readonly #httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  readonly #httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });
  readonly #insecureAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });

  constructor(opts: RegistryClientOptions) {
    this.#opts = opts;
  }

  repository(ref: Reference, opts: { credentials?: RegistryCredentials; push?: boolean } = {}): Repository {
    const endpoints = endpointsFor(ref.domain, this.#opts, { push: !!opts.push });
    return new Repository(this, ref, endpoints, opts.credentials ?? {}, opts.push ? 'pull,push' : 'pull');
  }

  /**
   * Checks credentials against a registry (`docker login`): pings `/v2/` and, when challenged,
   * authorizes with the credentials (a token without repository scope for Bearer).
   */
  async login(domain: string, creds: RegistryCredentials, signal?: AbortSignal): Promise<{ identityToken?: string }> {
    const session = new Session(this, endpointsFor(domain, { ...this.#opts, registryMirrors: [] }, { push: true }), creds, []);
    const { res, body } = await session.send('/v2/', signal ? { signal } : {});
    if (res.statusCode === 401) {
      if (session.challenge?.scheme === 'basic' || !session.challenge) {
        throw new EngineError('unauthenticated', `login attempt to ${session.endpoint?.base ?? ''}/v2/ failed with status: 401 Unauthorized`);
      }
      throw registryError(401, body, 'login');
    }
    if ((res.statusCode ?? 0) >= 300) throw registryError(res.statusCode ?? 0, body, 'login');
    return {};
  }

  /** One request, its body read when `read` (errors, manifests); the caller reads otherwise. */
  async request(url: URL, init: SendInit & { skipTlsVerify?: boolean }): Promise<IncomingMessage> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await this.#requestOnce(current, init);
      const status = res.statusCode ?? 0;
      if (init.follow && [301, 302, 303, 307, 308].includes(status) && res.headers.location && hop < MAX_REDIRECTS) {
        res.resume();
        const next = new URL(res.headers.location, current);
        if (next.origin !== current.origin) {
          // Authorization and the insecure-registry exemption are for the registry, never for
          // the storage it redirects to.
          const headers = { ...init.headers };
          delete headers.Authorization;
          init = { ...init, headers, skipTlsVerify: false };
        }
        current = next;
        continue;
      }
      return res;
    }
  }

  #requestOnce(url: URL, init: SendInit & { skipTlsVerify?: boolean }): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    const agent = https ? (init.skipTlsVerify ? this.#insecureAgent : this.#httpsAgent) : this.#httpAgent;
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'User-Agent': this.#opts.userAgent, ...init.headers };
      const body = init.body;
      if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
      const req = send(url, { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) }, resolve);
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        const stream = body();
        stream.on('error', (err) => req.destroy(err));
        stream.pipe(req);
      }
    });
  }

  tokens(): TokenCache {
    return this.#tokens;
  }

  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
    this.#insecureAgent.destroy();
  }
}

export async function readBody(res: IncomingMessage, limit = MAX_MANIFEST_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) {
      res.destroy();
      throw new EngineError('unavailable', `registry response larger than ${limit} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Endpoint choice and authorization for one repository (or none, for login). */
class Session {
  endpoint: Endpoint | undefined;
  challenge: AuthChallenge | undefined;
  #auth: string | undefined;

  constructor(
    private readonly client: RegistryClient,
    private readonly endpoints: Endpoint[],
    private readonly creds: RegistryCredentials,
    private readonly scopes: string[],
  ) {}

  /** Widens the token's scope (a mount needs pull on the source repository); re-authorizes. */
  addScope(scope: string): void {
    if (this.scopes.includes(scope)) return;
    this.scopes.push(scope);
    if (this.challenge?.scheme === 'bearer') this.#auth = undefined;
  }

  /** Picks the first endpoint whose `/v2/` answers, remembering its challenge. */
  async #connect(signal?: AbortSignal): Promise<Endpoint> {
    if (this.endpoint) return this.endpoint;
    let last = '';
    for (const ep of this.endpoints) {
      try {
        const res = await this.client.request(new URL('/v2/', ep.base), { skipTlsVerify: ep.skipTlsVerify, ...(signal ? { signal } : {}) });
        res.resume();
        this.endpoint = ep;
        if (res.statusCode === 401) this.challenge = parseWwwAuthenticate(res.headers['www-authenticate'])[0];
        return ep;
      } catch (err) {
        if (signal?.aborted) throw err;
        last = `Get "${ep.base}/v2/": ${errorMessage(err)}`;
      }
    }
    // dockerd reports the last endpoint's failure, with status 500.
    throw new EngineError('internal', last || 'no registry endpoint to try');
  }

  async #authorize(signal?: AbortSignal): Promise<void> {
    if (!this.challenge) return;
    const get = async (url: URL, init: { method?: string; headers: Record<string, string>; body?: Buffer; signal?: AbortSignal }) => {
      const res = await this.client.request(url, { ...init, skipTlsVerify: this.endpoint?.skipTlsVerify ?? false });
      return { res, body: await readBody(res) };
    };
    this.#auth = await authorization(get, this.client.tokens(), this.challenge, this.scopes, this.creds, signal);
  }

  /** A request to the chosen endpoint, authorized; the caller reads or discards the body. */
  async open(path: string, init: SendInit = {}): Promise<IncomingMessage> {
    const ep = await this.#connect(init.signal);
    if (this.challenge && this.#auth === undefined) await this.#authorize(init.signal);
    for (let attempt = 0; ; attempt++) {
      const headers = { ...init.headers };
      if (this.#auth) headers.Authorization = this.#auth;
      const url = path.startsWith('http:') || path.startsWith('https:') ? new URL(path) : new URL(path, ep.base);
      const res = await this.client.request(url, { ...init, headers, skipTlsVerify: ep.skipTlsVerify });
      if (res.statusCode !== 401 || attempt > 0) return res;
      const challenge = parseWwwAuthenticate(res.headers['www-authenticate'])[0];
      if (!challenge) return res;
      res.resume();
      this.challenge = challenge;
      await this.#authorize(init.signal);
    }
  }

  async send(path: string, init: SendInit = {}): Promise<{ res: IncomingMessage; body: Buffer }> {
    const res = await this.open(path, init);
    return { res, body: await readBody(res) };
  }
}

export class Repository {
  readonly #session: Session;
  readonly #path: string;

  constructor(
    client: RegistryClient,
    readonly ref: Reference,
    endpoints: Endpoint[],
    creds: RegistryCredentials,
    actions: string,
    extraScopes: string[] = [],
  ) {
    this.#path = ref.path;
    this.#session = new Session(client, endpoints, creds, [`repository:${ref.path}:${actions}`, ...extraScopes]);
  }

  /** `docker.io` for Hub repositories, else the host. */
  get endpoint(): Endpoint | undefined {
    return this.#session.endpoint;
  }

  #url(rest: string): string {
    return `/v2/${this.#path}/${rest}`;
  }

  /** GET a manifest by tag or digest; the digest is verified when one was asked for. */
  async getManifest(tagOrDigest: string, signal?: AbortSignal): Promise<ManifestResult> {
    const { res, body } = await this.#session.send(this.#url(`manifests/${tagOrDigest}`), {
      headers: { Accept: MANIFEST_ACCEPT },
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode !== 200) throw registryError(res.statusCode ?? 0, body, `manifest ${tagOrDigest}`);
    const mediaType = mediaTypeOf(res, body);
    const digest = sha256Digest(body);
    if (isDigest(tagOrDigest) && tagOrDigest !== digest) {
      throw new EngineError('data-loss', `manifest verification failed for digest ${tagOrDigest}`);
    }
    return { descriptor: { mediaType, digest, size: body.length }, bytes: body };
  }

  /** Starts a blob download at `offset` (a Range request); the registry may ignore the range. */
  async fetchBlob(desc: Descriptor, opts: { offset?: number; signal?: AbortSignal } = {}): Promise<BlobFetch> {
    const offset = opts.offset ?? 0;
    const headers: Record<string, string> = {};
    if (offset > 0) headers.Range = `bytes=${offset}-`;
    const res = await this.#session.open(this.#url(`blobs/${desc.digest}`), {
      headers,
      follow: true,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const status = res.statusCode ?? 0;
    if (status === 206 && offset > 0) return { body: res, offset, size: desc.size };
    if (status === 200) {
      const len = Number(res.headers['content-length']);
      return Number.isFinite(len) ? { body: res, offset: 0, size: len } : { body: res, offset: 0 };
    }
    throw registryError(status, await readBody(res).catch(() => Buffer.alloc(0)), `blob ${desc.digest}`);
  }

  /** The blob's size when the repository has it, else undefined. */
  async statBlob(digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
    const res = await this.#session.open(this.#url(`blobs/${digest}`), { method: 'HEAD', follow: true, ...(signal ? { signal } : {}) });
    res.resume();
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) throw registryError(res.statusCode ?? 0, Buffer.alloc(0), `blob ${digest}`);
    const len = Number(res.headers['content-length']);
    return Number.isFinite(len) ? len : 0;
  }

  /**
   * Pushes a blob: a cross-repository mount when `mountFrom` names a repository of the same
   * registry that has it, else one upload session finished by a single PUT (monolithic) or,
   * with `chunkSize`, PATCHes of that size then the PUT. Returns 'mounted' or 'uploaded'.
   */
  async pushBlob(
    desc: Descriptor,
    body: () => Readable,
    opts: { mountFrom?: string; chunkSize?: number; signal?: AbortSignal } = {},
  ): Promise<'mounted' | 'uploaded'> {
    const signal = opts.signal ? { signal: opts.signal } : {};
    if (opts.mountFrom) this.#session.addScope(`repository:${opts.mountFrom}:pull`);
    const query = opts.mountFrom ? `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(opts.mountFrom)}` : '';
    const start = await this.#session.send(this.#url(`blobs/uploads/${query}`), { method: 'POST', body: Buffer.alloc(0), ...signal });
    if (start.res.statusCode === 201) return 'mounted';
    if (start.res.statusCode !== 202) throw registryError(start.res.statusCode ?? 0, start.body, `upload of ${desc.digest}`);
    let location = this.#location(start.res);
    if (opts.chunkSize && opts.chunkSize > 0 && desc.size > opts.chunkSize) {
      location = await this.#uploadChunks(location, body, opts.chunkSize, opts.signal);
      const done = await this.#session.send(withDigestQuery(location, desc.digest), { method: 'PUT', body: Buffer.alloc(0), ...signal });
      if (done.res.statusCode !== 201) throw registryError(done.res.statusCode ?? 0, done.body, `upload of ${desc.digest}`);
      return 'uploaded';
    }
    const done = await this.#session.send(withDigestQuery(location, desc.digest), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
      body,
      ...signal,
    });
    if (done.res.statusCode !== 201) throw registryError(done.res.statusCode ?? 0, done.body, `upload of ${desc.digest}`);
    return 'uploaded';
  }

  async #uploadChunks(location: string, body: () => Readable, chunkSize: number, signal?: AbortSignal): Promise<string> {
    let offset = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const chunk = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      const r = await this.#session.send(location, {
        method: 'PATCH',
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
        ...(signal ? { signal } : {}),
      });
      if (r.res.statusCode !== 202) throw registryError(r.res.statusCode ?? 0, r.body, 'chunk upload');
      offset += chunk.length;
      location = this.#location(r.res);
    };
    for await (const c of body() as AsyncIterable<Buffer>) {
      pending.push(c);
      pendingBytes += c.length;
      if (pendingBytes >= chunkSize) await flush();
    }
    await flush();
    return location;
  }

  #location(res: IncomingMessage): string {
    const loc = res.headers.location;
    if (!loc) throw new EngineError('unavailable', 'registry started an upload without a Location');
    const base = this.#session.endpoint?.base ?? '';
    return new URL(loc, base).toString();
  }

  async putManifest(tagOrDigest: string, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<Digest> {
    const { res, body } = await this.#session.send(this.#url(`manifests/${tagOrDigest}`), {
      method: 'PUT',
      headers: { 'Content-Type': mediaType },
      body: bytes,
      ...(signal ? { signal } : {}),
    });
    if (res.statusCode !== 201) throw registryError(res.statusCode ?? 0, body, `manifest ${tagOrDigest}`);
    return sha256Digest(bytes);
  }

  /** Every tag of the repository (`pull -a`), following `Link` pagination. */
  async listTags(signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = this.#url('tags/list');
    for (let pages = 0; next && pages < 100; pages++) {
      const { res, body } = await this.#session.send(next, signal ? { signal } : {});
      if (res.statusCode !== 200) throw registryError(res.statusCode ?? 0, body, 'tags');
      try {
        const doc = JSON.parse(body.toString('utf8')) as { tags?: unknown };
        if (Array.isArray(doc.tags)) tags.push(...doc.tags.filter((t): t is string => typeof t === 'string'));
      } catch (err) {
        throw new EngineError('unavailable', `invalid tag list from registry: ${errorMessage(err)}`);
      }
      const link = res.headers.link;
      const m = typeof link === 'string' ? /<([^>]+)>;\s*rel="?next"?/.exec(link) : null;
      next = m?.[1];
    }
    return tags;
  }

  /** The familiar repository name, for messages. */
  get familiar(): string {
    return familiarName(this.ref);
  }
}

function withDigestQuery(location: string, digest: Digest): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/** The manifest's media type: the Content-Type, else the document's own `mediaType`. */
function mediaTypeOf(res: IncomingMessage, body: Buffer): string {
  const ct = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (ct && ct !== 'application/json' && ct !== 'text/plain' && ct !== 'application/octet-stream') return ct;
  try {
    const doc = JSON.parse(body.toString('utf8')) as { mediaType?: unknown; schemaVersion?: unknown; manifests?: unknown };
    if (typeof doc.mediaType === 'string') return doc.mediaType;
    if (doc.schemaVersion === 1) return MEDIA_TYPE_DOCKER_SCHEMA1;
    return Array.isArray(doc.manifests) ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_OCI_MANIFEST;
  } catch {
    throw new EngineError('unavailable', 'registry answered a manifest that is not JSON');
  }
}

export { RegistryError };
