// Fake engine backends for the server's in-process tests (light-my-request `inject()`). Each fake answers
// with canned data, remembers the arguments of its last call so a test can check what reached
// the engine, and throws `fail` when it is set (the way to drive an error kind through a real
// route). Events use the real EventBus: it is small, synchronous and has no dependencies.
//
// Example:
//   const { app, fake } = createFakeServer();
//   fake.images.fail = noSuchImage('alpine:latest');
//   const res = await app.inject({ method: 'GET', url: '/images/alpine/json' });
//   // res.statusCode === 404, fake.images.lastName === 'alpine'

import assert from 'node:assert/strict';
import { EngineError } from '../../core/errors.js';
import { Readable } from 'node:stream';
import { type InjectOptions, type Response as InjectResponse, inject } from 'light-my-request';
import { pino } from 'pino';
import type { Digest } from '../../core/digest.js';
import type { ProgressEvent } from '../../core/progress.js';
import { EventBus } from '../../engine/events/event-bus.js';
import type { PullOptions, PullResult } from '../../engine/images/image-puller.js';
import type { PushOptions } from '../../engine/images/image-pusher.js';
import type { RegistryCredentials } from '../../engine/images/image-transfer.js';
import type { Reference } from '../../core/reference.js';
import type { ImportOptions } from '../../engine/images/image-importer.js';
import type { LoadOptions, LoadResult } from '../../engine/images/image-loader.js';
import type { ImageRecord } from '../../engine/images/image-record.js';
import {
  IMAGE_LIST_FILTERS,
  IMAGE_PRUNE_FILTERS,
  type ImageDetails,
  type ImageDiskUsage,
  type ImageHistoryItem,
  type ImageListOptions,
  type ImagePruneOptions,
  type ImagePruneResult,
  type ImageRemoveItem,
  type ImageRemoveOptions,
  type ImageSummary,
} from '../../engine/images/image-service.js';
import type { SaveHandle } from '../../engine/images/image-transfer.js';
import type { SystemInfo, VersionInfo } from '../../engine/system/system-service.js';
import type { Backends, ImageBackend, ImageTransferBackend, SystemBackend } from '../backends.js';
import type { HttpApp } from '../http-app.js';
import { createApiServer } from '../server.js';

export const IMAGE_ID: Digest = `sha256:${'1f'.repeat(32)}`;
export const DANGLING_ID: Digest = `sha256:${'2e'.repeat(32)}`;
export const LAYER_DIFF_ID: Digest = `sha256:${'3d'.repeat(32)}`;
const CREATED = '2024-05-01T10:00:00Z';

export function sampleSummary(overrides: Partial<ImageSummary> = {}): ImageSummary {
  return {
    id: IMAGE_ID,
    repoTags: ['busybox:latest'],
    repoDigests: [],
    created: new Date(CREATED),
    size: 4_261_550,
    labels: {},
    containers: -1,
    ...overrides,
  };
}

export function sampleDetails(): ImageDetails {
  const record: ImageRecord = {
    id: IMAGE_ID,
    configSize: 500,
    layers: [{ diffId: LAYER_DIFF_ID, chainId: LAYER_DIFF_ID, size: 4_270_080, contentSize: 4_261_550 }],
    manifests: [],
    created: CREATED,
    labels: {},
    size: 4_261_550,
  };
  return {
    ...sampleSummary(),
    record,
    config: {
      created: CREATED,
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [LAYER_DIFF_ID] },
    },
  };
}

export class FakeSystem implements SystemBackend {
  info(): SystemInfo {
    return {
      id: 'FAKE:ENGINE:ID',
      kernelVersion: '6.1.0',
      operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
      osVersion: '12',
      architecture: 'x86_64',
      ncpu: 4,
      memTotal: 8 * 2 ** 30,
      hostname: 'fakehost',
      cgroupVersion: '2',
      backingFilesystem: 'extfs',
      images: 1,
      containers: 0,
      containersRunning: 0,
      containersPaused: 0,
      containersStopped: 0,
      settings: {
        version: '0.1.0',
        gitCommit: 'abcdef0',
        buildTime: CREATED,
        dataRoot: '/var/lib/berth',
        execRoot: '/run/berth',
        debug: false,
        storageDriver: 'overlay2',
        runtimes: { runc: { path: 'runc' } },
        defaultRuntime: 'runc',
        initBinary: 'docker-init',
        insecureRegistries: [],
        registryMirrors: [],
        labels: [],
        liveRestore: false,
      },
      driverStatus: [['Backing Filesystem', 'extfs']],
      warnings: [],
    };
  }

  version(): VersionInfo {
    return { version: '0.1.0', gitCommit: 'abcdef0', buildTime: CREATED, kernelVersion: '6.1.0', os: 'linux', arch: 'amd64' };
  }
}

export class FakeImages implements ImageBackend {
  /** Thrown by every method (after recording its arguments) when set. */
  fail: unknown = undefined;
  /** Thrown by inspect, history, tag and remove for these names (the source, for tag). */
  failFor = new Map<string, unknown>();
  summaries: ImageSummary[] = [sampleSummary()];
  details: ImageDetails = sampleDetails();
  historyItems: ImageHistoryItem[] = [
    { id: IMAGE_ID, created: new Date(CREATED), createdBy: '/bin/sh -c #(nop) CMD ["sh"]', tags: ['busybox:latest'], size: 0, comment: '' },
  ];
  removeResult: ImageRemoveItem[] = [{ untagged: 'busybox:latest' }, { deleted: IMAGE_ID }];

  find(refOrId: string): { id: string } | undefined {
    return refOrId === 'busybox' || refOrId === 'busybox:latest' || IMAGE_ID.includes(refOrId) ? { id: IMAGE_ID } : undefined;
  }
  pruneResult: ImagePruneResult = { deleted: [], spaceReclaimed: 0 };

  lastList?: ImageListOptions;
  /** The name given to inspect, history or remove. */
  lastName?: string;
  lastTag?: { source: string; repo: string; tag?: string };
  lastRemove?: ImageRemoveOptions;
  lastPrune?: ImagePruneOptions;

  list(opts: ImageListOptions): ImageSummary[] {
    this.lastList = opts;
    this.check();
    // As ImageService.list does, so unknown keys are refused the same way.
    opts.filters?.validateKeys(IMAGE_LIST_FILTERS);
    return this.summaries;
  }

  async inspect(refOrId: string): Promise<ImageDetails> {
    this.lastName = refOrId;
    this.check();
    this.checkName(refOrId);
    return this.details;
  }

  async history(refOrId: string): Promise<ImageHistoryItem[]> {
    this.lastName = refOrId;
    this.check();
    this.checkName(refOrId);
    return this.historyItems;
  }

  async tag(source: string, repo: string, tag?: string): Promise<void> {
    this.lastTag = tag === undefined ? { source, repo } : { source, repo, tag };
    this.check();
    this.checkName(source);
  }

  async remove(refOrId: string, opts: ImageRemoveOptions): Promise<ImageRemoveItem[]> {
    this.lastName = refOrId;
    this.lastRemove = opts;
    this.check();
    this.checkName(refOrId);
    return this.removeResult;
  }

  async prune(opts: ImagePruneOptions): Promise<ImagePruneResult> {
    this.lastPrune = opts;
    this.check();
    opts.filters?.validateKeys(IMAGE_PRUNE_FILTERS);
    return this.pruneResult;
  }

  diskUsage(): ImageDiskUsage {
    this.check();
    return { images: this.summaries, layersSize: 4_261_550 };
  }

  private check(): void {
    if (this.fail !== undefined) throw this.fail;
  }

  private checkName(name: string): void {
    if (this.failFor.has(name)) throw this.failFor.get(name);
  }
}

/** What a fake load or import does: emit `progress` in order, then throw `error` if set. */
export interface FakeStreamScript {
  progress: ProgressEvent[];
  error?: unknown;
}

export class FakeImageTransfer implements ImageTransferBackend {
  loadScript: FakeStreamScript = {
    progress: [
      { status: 'Loading layer', id: '3d3d3d3d3d3d', current: 4_261_550, total: 4_261_550 },
      { stream: 'Loaded image: busybox:latest\n' },
    ],
  };
  importScript: FakeStreamScript = { progress: [{ status: IMAGE_ID }] };
  saveData: Buffer = Buffer.from('fake tar bytes');
  /** Thrown by save() before any byte is sent, when set. */
  saveFail: unknown = undefined;

  lastLoad?: { body: Buffer; opts: LoadOptions };
  lastImport?: { body: Buffer; opts: ImportOptions };
  lastSave?: string[];

  async load(input: Readable, opts: LoadOptions): Promise<LoadResult> {
    this.lastLoad = { body: await readAll(input), opts };
    await play(this.loadScript, opts.progress);
    return { images: [{ id: IMAGE_ID, refs: ['busybox:latest'] }] };
  }

  async save(names: string[]): Promise<SaveHandle> {
    this.lastSave = names;
    if (this.saveFail !== undefined) throw this.saveFail;
    const data = this.saveData;
    return { names, stream: () => Readable.from([data]) };
  }

  async import(input: Readable, opts: ImportOptions): Promise<ImageRecord> {
    this.lastImport = { body: await readAll(input), opts };
    await play(this.importScript, opts.progress);
    return sampleDetails().record;
  }

  pullScript: FakeStreamScript = { progress: [{ status: 'Pulling from library/alpine', id: 'latest' }] };
  pushScript: FakeStreamScript = { progress: [{ status: 'The push refers to repository [docker.io/library/alpine]' }] };
  /** Thrown by login() when set. */
  loginFail: unknown = undefined;
  lastPull?: { ref: Reference; opts: PullOptions };
  lastPush?: { name: Reference; opts: PushOptions };
  lastLogin?: { domain: string; creds: RegistryCredentials };

  async pull(ref: Reference, opts: PullOptions): Promise<PullResult> {
    this.lastPull = { ref, opts };
    await play(this.pullScript, opts.progress);
    return { images: [] };
  }

  async push(name: Reference, opts: PushOptions): Promise<void> {
    this.lastPush = { name, opts };
    await play(this.pushScript, opts.progress);
  }

  async login(domain: string, creds: RegistryCredentials): Promise<{ identityToken?: string }> {
    this.lastLogin = { domain, creds };
    if (this.loginFail !== undefined) throw this.loginFail;
    return {};
  }
}

export interface FakeBackends extends Backends {
  system: FakeSystem;
  events: EventBus;
  images: FakeImages;
  imageTransfer: FakeImageTransfer;
}

/** Container backends for server tests that do not exercise them: every call is refused. */
function notFaked(what: string): never {
  throw new EngineError('not-implemented', `${what} is not faked`);
}

export function fakeBackends(): FakeBackends {
  return {
    system: new FakeSystem(),
    events: new EventBus(),
    images: new FakeImages(),
    imageTransfer: new FakeImageTransfer(),
    containers: {
      create: async () => notFaked('create'),
      resolve: (ref) => notFaked(`container ${ref}`),
      list: () => [],
      start: async () => notFaked('start'),
      stop: async () => notFaked('stop'),
      restart: async () => notFaked('restart'),
      kill: async () => notFaked('kill'),
      pause: async () => notFaked('pause'),
      unpause: async () => notFaked('unpause'),
      remove: async () => notFaked('remove'),
      rename: async () => notFaked('rename'),
      update: async () => notFaked('update'),
      prune: async () => ({ deleted: [], spaceReclaimed: 0 }),
      connect: async () => notFaked('connect'),
      sizes: async () => ({ sizeRw: 0, sizeRootFs: 0 }),
      disconnect: async () => notFaked('disconnect'),
    },
    containerIo: {
      attach: async () => notFaked('attach'),
      logs: () => notFaked('logs'),
      wait: async () => notFaked('wait'),
      resize: async () => notFaked('resize'),
      top: async () => notFaked('top'),
      stats: async () => notFaked('stats'),
    },
    containerFiles: {
      stat: async () => notFaked('stat'),
      archive: async () => notFaked('archive'),
      extract: async () => notFaked('extract'),
      export: async () => notFaked('export'),
      changes: async () => notFaked('changes'),
      commit: async () => notFaked('commit'),
    },
    exec: {
      create: () => notFaked('exec create'),
      get: (id) => notFaked(`exec ${id}`),
      checkStart: (id) => notFaked(`exec ${id}`),
      idsOf: () => [],
      start: async () => notFaked('exec start'),
      resize: async () => notFaked('exec resize'),
    },
    networks: {
      list: () => [],
      resolve: (ref) => notFaked(`network ${ref}`),
      attached: () => [],
      create: async () => notFaked('network create'),
      remove: async () => notFaked('network remove'),
      prune: async () => [],
    },
    volumes: {
      list: () => [],
      inspect: (name) => notFaked(`volume ${name}`),
      create: async () => notFaked('volume create'),
      remove: async () => notFaked('volume remove'),
      prune: async () => ({ deleted: [], spaceReclaimed: 0 }),
      diskUsage: async () => [],
    },
  };
}

/** The API server with `inject()`: a request through its handler in process, no socket. */
export interface TestApiServer {
  readonly server: HttpApp['server'];
  inject(opts: InjectOptions): Promise<InjectResponse>;
  listen(opts: { path: string }): Promise<void>;
  close(): Promise<void>;
}

/** The real API server over fresh fakes, silent, identity version 0.1.0. */
export function createFakeServer(fake: FakeBackends = fakeBackends()): { app: TestApiServer; fake: FakeBackends } {
  const api = createApiServer({ backends: fake, identity: { version: '0.1.0' }, logger: pino({ level: 'silent' }) });
  const app: TestApiServer = {
    server: api.server,
    inject: (opts) => inject(api.handle, opts),
    listen: (opts) => api.listen(opts),
    close: () => api.close(),
  };
  return { app, fake };
}

/**
 * Asserts Docker's error response: the status, `{"message": …}` as the whole body, and the
 * content type exactly `application/json` (the CLI compares it as a string).
 */
export function assertErrorResponse(res: InjectResponse, status: number, message: string | RegExp): void {
  assert.equal(res.statusCode, status, `status (body: ${res.body})`);
  assert.equal(res.headers['content-type'], 'application/json');
  const body: unknown = JSON.parse(res.body);
  assert.ok(body !== null && typeof body === 'object');
  assert.deepEqual(Object.keys(body), ['message']);
  const got = (body as { message: unknown }).message;
  if (typeof message === 'string') assert.equal(got, message);
  else assert.match(String(got), message);
}

/** The messages of a JSON stream; every line must end with `terminator`. */
export function jsonLines(body: string, terminator = '\r\n'): Record<string, unknown>[] {
  if (body === '') return [];
  assert.ok(body.endsWith(terminator), `stream ends with ${JSON.stringify(terminator)}: ${JSON.stringify(body)}`);
  return body
    .slice(0, -terminator.length)
    .split(terminator)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function readAll(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function play(script: FakeStreamScript, progress: ((ev: ProgressEvent) => void) | undefined): Promise<void> {
  for (const ev of script.progress) {
    progress?.(ev);
    // Let the server flush between messages, as a real transfer would.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (script.error !== undefined) throw script.error;
}
