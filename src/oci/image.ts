// Image manifests, indexes and configs: OCI image-spec shapes, which Docker's schema2 shares
// field for field (only media types differ). Parsers check the shape once, so the rest of the
// engine can trust these types. The config is kept as its original bytes in the content store;
// these types are a typed view of it.

import { isDigest, type Digest } from '../core/digest.js';
import { EngineError } from '../core/errors.js';
import type { Descriptor } from './descriptor.js';
import {
  MEDIA_TYPE_DOCKER_SCHEMA1,
  MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED,
  isIndexMediaType,
  isManifestMediaType,
} from './media-types.js';
import type { Platform } from './platform.js';

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/**
 * The runtime defaults an image carries (`config` in the image config). The keys are the
 * image spec's (which are Docker's), so they stay PascalCase: this is stored data, not wire.
 */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
  // Docker's additions, kept when present.
  comment?: string;
  docker_version?: string;
  container?: string;
  container_config?: ImageRuntimeConfig;
  parent?: string;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface Index {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

function invalid(what: string, detail: string): EngineError {
  return new EngineError('invalid-argument', `invalid ${what}: ${detail}`);
}

function parseJsonObject(bytes: Uint8Array | string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new EngineError('invalid-argument', `invalid ${what}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(what, 'not a JSON object');
  return v as Record<string, unknown>;
}

function checkDescriptor(v: unknown, what: string): Descriptor {
  if (typeof v !== 'object' || v === null) throw invalid(what, 'descriptor is not an object');
  const d = v as Record<string, unknown>;
  if (typeof d.mediaType !== 'string') throw invalid(what, 'descriptor without mediaType');
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) {
    throw invalid(what, `descriptor digest ${JSON.stringify(d.digest)} is not a valid digest`);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw invalid(what, `descriptor ${d.digest} has an invalid size`);
  }
  return d as unknown as Descriptor;
}

/** Parses a manifest of either family; refuses schema1 with the words Docker users know. */
export function parseManifest(bytes: Uint8Array | string, mediaType?: string): Manifest {
  const o = parseJsonObject(bytes, 'manifest');
  const mt = (typeof o.mediaType === 'string' ? o.mediaType : undefined) ?? mediaType;
  if (o.schemaVersion === 1 || mt === MEDIA_TYPE_DOCKER_SCHEMA1 || mt === MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED) {
    throw new EngineError(
      'invalid-argument',
      'Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. ' +
        'Suggest the author of the image to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2.',
    );
  }
  if (o.schemaVersion !== 2) throw invalid('manifest', `unsupported schemaVersion ${String(o.schemaVersion)}`);
  if (mt !== undefined && !isManifestMediaType(mt)) throw invalid('manifest', `unexpected media type ${mt}`);
  const config = checkDescriptor(o.config, 'manifest');
  if (!Array.isArray(o.layers)) throw invalid('manifest', 'layers is not an array');
  const layers = o.layers.map((l) => checkDescriptor(l, 'manifest'));
  return { ...(o as object), schemaVersion: 2, config, layers } as Manifest;
}

export function parseIndex(bytes: Uint8Array | string, mediaType?: string): Index {
  const o = parseJsonObject(bytes, 'index');
  const mt = (typeof o.mediaType === 'string' ? o.mediaType : undefined) ?? mediaType;
  if (o.schemaVersion !== 2) throw invalid('index', `unsupported schemaVersion ${String(o.schemaVersion)}`);
  if (mt !== undefined && !isIndexMediaType(mt)) throw invalid('index', `unexpected media type ${mt}`);
  if (!Array.isArray(o.manifests)) throw invalid('index', 'manifests is not an array');
  const manifests = o.manifests.map((m) => checkDescriptor(m, 'index'));
  return { ...(o as object), schemaVersion: 2, manifests } as Index;
}

/** Parses an image config; refuses a config without a usable rootfs. */
export function parseImageConfig(bytes: Uint8Array | string): ImageConfig {
  const o = parseJsonObject(bytes, 'image config');
  const rootfs = o.rootfs as Record<string, unknown> | undefined;
  if (typeof rootfs !== 'object' || rootfs === null || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) {
    throw invalid('image config', 'rootfs.type must be "layers" with a diff_ids array');
  }
  for (const d of rootfs.diff_ids) {
    if (typeof d !== 'string' || !isDigest(d)) throw invalid('image config', `invalid diff ID ${JSON.stringify(d)}`);
  }
  if (o.config !== undefined && o.config !== null && typeof o.config !== 'object') {
    throw invalid('image config', 'config is not an object');
  }
  if (o.history !== undefined && o.history !== null && !Array.isArray(o.history)) {
    throw invalid('image config', 'history is not an array');
  }
  const cfg = { ...(o as object) } as ImageConfig;
  if (typeof cfg.os !== 'string' || cfg.os === '') cfg.os = 'linux';
  if (typeof cfg.architecture !== 'string' || cfg.architecture === '') cfg.architecture = 'amd64';
  if (o.config === null) delete cfg.config;
  return cfg;
}

export function configPlatform(cfg: ImageConfig): Platform {
  const p: Platform = { os: cfg.os, architecture: cfg.architecture };
  if (cfg.variant) p.variant = cfg.variant;
  return p;
}

/** Serialises JSON the way registries and Docker do for content we create: compact, no newline. */
export function canonicalJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
