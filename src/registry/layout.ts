// Where the filesystem driver keeps things under the registry's root. Blob data is stored once
// for all repositories; a repository only holds small link files that say which blobs and
// manifests it may serve, so a layer pushed to ten repositories takes its size once.
//
//   blobs/<alg>/<first two hex>/<hex>                     blob and manifest bytes
//   uploads/<id>/data, uploads/<id>/info.json             uploads in progress (staging)
//   repositories/<name>/_layers/<alg>/<hex>               blob linked to the repository
//   repositories/<name>/_manifests/revisions/<alg>/<hex>  manifest in the repository: {"mediaType"}
//   repositories/<name>/_manifests/tags/<tag>             the digest the tag points at
//   repositories/<name>/_referrers/<alg>/<subject hex>/<alg>-<hex>
//                                                         descriptor of a manifest whose subject it is
//
// Repository names never have a component starting with `_` (names.ts), so the `_` folders
// cannot collide with a nested repository.

import { join } from 'node:path';
import { type Digest, digestAlgorithm, digestHex } from '../core/digest.js';

export class RegistryLayout {
  constructor(readonly root: string) {}

  get blobsDir(): string {
    return join(this.root, 'blobs');
  }

  get uploadsDir(): string {
    return join(this.root, 'uploads');
  }

  get repositoriesDir(): string {
    return join(this.root, 'repositories');
  }

  blob(d: Digest): string {
    const hex = digestHex(d);
    return join(this.root, 'blobs', digestAlgorithm(d), hex.slice(0, 2), hex);
  }

  upload(id: string): string {
    return join(this.root, 'uploads', id);
  }

  repository(name: string): string {
    return join(this.root, 'repositories', name);
  }

  layerLink(name: string, d: Digest): string {
    return join(this.repository(name), '_layers', digestAlgorithm(d), digestHex(d));
  }

  revision(name: string, d: Digest): string {
    return join(this.repository(name), '_manifests', 'revisions', digestAlgorithm(d), digestHex(d));
  }

  tagsDir(name: string): string {
    return join(this.repository(name), '_manifests', 'tags');
  }

  tag(name: string, tag: string): string {
    return join(this.tagsDir(name), tag);
  }

  referrersOf(name: string, subject: Digest): string {
    return join(this.repository(name), '_referrers', digestAlgorithm(subject), digestHex(subject));
  }

  referrer(name: string, subject: Digest, d: Digest): string {
    return join(this.referrersOf(name, subject), `${digestAlgorithm(d)}-${digestHex(d)}`);
  }
}
