// Client calls for the image endpoints, one function per endpoint, mirroring moby's client.

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type {
  ImageDeleteItemWire,
  ImageHistoryItemWire,
  ImageInspectWire,
  ImagePruneReportWire,
  ImageSummaryWire,
} from '../api/types/image.js';
import type { EngineClient } from './engine-client.js';

const seg = (name: string): string => name.split('/').map(encodeURIComponent).join('/');

export function imageList(
  c: EngineClient,
  opts: { all?: boolean; filters?: string; digests?: boolean } = {},
): Promise<ImageSummaryWire[]> {
  return c.json('GET', '/images/json', { query: { all: opts.all || undefined, filters: opts.filters, digests: opts.digests || undefined } });
}

export function imageInspect(c: EngineClient, name: string): Promise<ImageInspectWire> {
  return c.json('GET', `/images/${seg(name)}/json`);
}

export function imageHistory(c: EngineClient, name: string): Promise<ImageHistoryItemWire[]> {
  return c.json('GET', `/images/${seg(name)}/history`);
}

export function imageTag(c: EngineClient, source: string, repo: string, tag?: string): Promise<void> {
  return c.json('POST', `/images/${seg(source)}/tag`, { query: { repo, tag } });
}

export function imageRemove(
  c: EngineClient,
  name: string,
  opts: { force?: boolean; noPrune?: boolean } = {},
): Promise<ImageDeleteItemWire[]> {
  return c.json('DELETE', `/images/${seg(name)}`, { query: { force: opts.force || undefined, noprune: opts.noPrune || undefined } });
}

export function imageSave(c: EngineClient, names: string[]): Promise<IncomingMessage> {
  return c.stream('GET', '/images/get', { query: { names } });
}

export function imageLoad(c: EngineClient, input: Readable, opts: { quiet?: boolean } = {}): Promise<IncomingMessage> {
  return c.stream('POST', '/images/load', { query: { quiet: opts.quiet ?? false }, stream: input });
}

/**
 * `POST /images/create?fromSrc=…`: the tarball in `input` (fromSrc `-`, the default), or none
 * when `source` is a URL for the daemon to fetch.
 */
export function imageImport(
  c: EngineClient,
  input: Readable | undefined,
  opts: { source?: string; repo?: string; tag?: string; message?: string; changes?: string[]; platform?: string } = {},
): Promise<IncomingMessage> {
  const query = {
    fromSrc: opts.source ?? '-',
    repo: opts.repo,
    tag: opts.tag,
    message: opts.message,
    changes: opts.changes,
    platform: opts.platform,
  };
  return c.stream('POST', '/images/create', input ? { query, stream: input } : { query });
}

export function imagePrune(c: EngineClient, opts: { filters?: string } = {}): Promise<ImagePruneReportWire> {
  return c.json('POST', '/images/prune', { query: { filters: opts.filters } });
}

/**
 * `POST /images/create?fromImage=…&tag=…`: pulls an image; resolves with the JSON progress
 * stream once the daemon answers (an error status rejects). `registryAuth` is the base64url
 * X-Registry-Auth; the docker CLI sends an encoded empty config (`e30=`) for anonymous pulls.
 */
export function imagePull(
  c: EngineClient,
  fromImage: string,
  opts: { tag?: string; platform?: string; registryAuth?: string } = {},
): Promise<IncomingMessage> {
  return c.stream('POST', '/images/create', {
    query: { fromImage, platform: opts.platform, tag: opts.tag },
    headers: { 'X-Registry-Auth': opts.registryAuth ?? 'e30=' },
  });
}

/**
 * `POST /images/{name}/push?tag=…`: the JSON progress stream; no tag pushes every tag of the
 * repository. `registryAuth` as for imagePull.
 */
export function imagePush(
  c: EngineClient,
  name: string,
  opts: { tag?: string; registryAuth?: string } = {},
): Promise<IncomingMessage> {
  return c.stream('POST', `/images/${seg(name)}/push`, {
    query: { tag: opts.tag },
    headers: { 'X-Registry-Auth': opts.registryAuth ?? 'e30=' },
  });
}
