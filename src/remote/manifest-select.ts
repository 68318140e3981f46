// Which manifest of an index (OCI image index or Docker manifest list) a pull takes for a
// platform, as containerd's platforms.Only does for dockerd: same OS and architecture; a
// variant asked for must match (or be absent from the entry); among several matches the
// exact variant wins, then the first listed. Attestation entries (`unknown/unknown`) never
// match. Schema1 manifests are refused in Docker's words.

import { EngineError } from '../core/errors.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Index } from '../oci/image.js';
import { MEDIA_TYPE_DOCKER_SCHEMA1, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED } from '../oci/media-types.js';
import { type Platform, formatPlatform, platformMatches } from '../oci/platform.js';

/** arm64 images are published as `arm64/v8` or plain `arm64`; treat both as the same. */
function normalise(p: Platform): Platform {
  if (p.architecture === 'arm64' && p.variant === 'v8') return { os: p.os, architecture: p.architecture };
  return p;
}

export function selectManifest(index: Index, wanted: Platform): Descriptor {
  const want = normalise(wanted);
  let best: Descriptor | undefined;
  for (const m of index.manifests) {
    if (!m.platform || m.platform.os === 'unknown') continue;
    const cand = normalise(m.platform);
    if (!platformMatches(want, cand)) continue;
    if (want.variant && !cand.variant && best) continue;
    if (!best || (want.variant && cand.variant === want.variant && best.platform?.variant !== want.variant)) best = m;
  }
  if (!best) {
    throw new EngineError('not-found', `no matching manifest for ${formatPlatform(wanted)} in the manifest list entries`);
  }
  return best;
}

export function isSchema1(mediaType: string): boolean {
  return mediaType === MEDIA_TYPE_DOCKER_SCHEMA1 || mediaType === MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED;
}

/** dockerd 28's refusal of schema1 images. */
export function schema1Refused(name: string): EngineError {
  return new EngineError(
    'invalid-argument',
    `[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. ` +
      `Suggest the author of ${name} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. ` +
      'More information at https://docs.docker.com/go/deprecated-image-specs/',
  );
}
