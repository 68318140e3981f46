// Repository names, tags and references as the distribution spec allows them. Names become
// directory paths in storage, so a name that passes here can hold no `..`, no empty component
// and no leading `_` (reserved for storage's own directories).

import { type Digest, isDigest } from '../core/digest.js';
import { RegistryError } from './errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** distribution's limit on a repository name. */
const MAX_NAME_LENGTH = 255;

export function checkRepositoryName(name: string): string {
  if (name.length > MAX_NAME_LENGTH || !NAME_RE.test(name)) {
    throw new RegistryError('NAME_INVALID', 'invalid repository name', { name });
  }
  return name;
}

export function isTag(s: string): boolean {
  return TAG_RE.test(s);
}

export function checkTag(tag: string): string {
  if (!isTag(tag)) throw new RegistryError('TAG_INVALID', 'manifest tag did not match URI', { tag });
  return tag;
}

/** A digest in a URL or query; a malformed one is the spec's DIGEST_INVALID. */
export function checkDigest(s: string): Digest {
  if (!isDigest(s)) throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', { digest: s });
  return s;
}

export type ManifestReference = { tag: string; digest?: undefined } | { digest: Digest; tag?: undefined };

/** `<reference>` of `/v2/<name>/manifests/<reference>`: a digest if it has a colon, else a tag. */
export function parseManifestReference(ref: string): ManifestReference {
  if (ref.includes(':')) {
    if (!isDigest(ref)) throw new RegistryError('MANIFEST_INVALID', 'invalid digest reference', { reference: ref });
    return { digest: ref };
  }
  return { tag: checkTag(ref) };
}
