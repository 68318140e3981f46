// What a pushed manifest must be before it is stored: JSON of a media type we serve (OCI or
// Docker schema2 image manifest, OCI index or Docker manifest list), well-formed descriptors,
// and the list of what it refers to, so the store can check those exist in the repository.

import { isDigest } from '../core/digest.js';
import type { Descriptor } from '../oci/descriptor.js';
import {
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_MANIFEST,
  isIndexMediaType,
} from '../oci/media-types.js';
import { RegistryError } from './errors.js';

export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPE_OCI_MANIFEST,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_DOCKER_MANIFEST,
  MEDIA_TYPE_DOCKER_MANIFEST_LIST,
];

export interface CheckedManifest {
  mediaType: string;
  /** Blobs that must be linked to the repository (config and layers). */
  blobs: Descriptor[];
  /** Manifests that must already be in the repository (an index's entries). */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const invalid = (message: string, detail?: unknown): RegistryError => new RegistryError('MANIFEST_INVALID', message, detail);

function descriptor(v: unknown, where: string): Descriptor {
  if (typeof v !== 'object' || v === null) throw invalid(`${where}: not a descriptor`);
  const d = v as Record<string, unknown>;
  if (typeof d.mediaType !== 'string') throw invalid(`${where}: mediaType missing`);
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) throw invalid(`${where}: invalid digest`, { digest: d.digest });
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw invalid(`${where}: invalid size`);
  return d as unknown as Descriptor;
}

function descriptors(v: unknown, where: string): Descriptor[] {
  if (!Array.isArray(v)) throw invalid(`${where} must be an array`);
  return v.map((x, i) => descriptor(x, `${where}[${i}]`));
}

/** Validates manifest bytes sent with `contentType` (which may be missing or generic). */
export function checkManifest(bytes: Buffer, contentType: string | undefined): CheckedManifest {
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    doc = parsed as Record<string, unknown>;
  } catch (err) {
    throw invalid('manifest is not valid JSON', { reason: (err as Error).message });
  }
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const sent = contentType?.split(';')[0]?.trim();
  const sentKnown = sent !== undefined && MANIFEST_MEDIA_TYPES.includes(sent) ? sent : undefined;
  if (declared !== undefined && sentKnown !== undefined && declared !== sentKnown) {
    throw invalid('mediaType in manifest does not match Content-Type', { mediaType: declared, contentType: sent });
  }
  const mediaType = declared ?? sentKnown ?? (Array.isArray(doc.manifests) ? MEDIA_TYPE_OCI_INDEX : MEDIA_TYPE_OCI_MANIFEST);
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) throw invalid(`unsupported manifest media type ${mediaType}`);
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');

  const out: CheckedManifest = { mediaType, blobs: [], manifests: [] };
  if (isIndexMediaType(mediaType)) {
    out.manifests = descriptors(doc.manifests, 'manifests');
  } else {
    const config = descriptor(doc.config, 'config');
    // Layers with URLs (foreign, non-distributable) may live elsewhere, as distribution allows.
    const layers = descriptors(doc.layers ?? [], 'layers').filter((l) => !l.urls?.length);
    out.blobs = [config, ...layers];
    out.artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : config.mediaType;
  }
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  if (doc.subject !== undefined) out.subject = descriptor(doc.subject, 'subject');
  if (typeof doc.annotations === 'object' && doc.annotations !== null) {
    out.annotations = doc.annotations as Record<string, string>;
  }
  return out;
}
