// What the engine remembers about an image. The image ID is the digest of its config blob
// (as in Docker); the config, manifests and layer blobs live in the content store, the unpacked
// layers in the snapshotter under their chain IDs.

import type { Digest } from '../../core/digest.js';
import type { Descriptor } from '../../oci/descriptor.js';

export interface LayerRecord {
  diffId: Digest;
  chainId: Digest;
  /** Bytes of the uncompressed layer tar (what save writes). */
  size: number;
  /** Bytes of file content and symlink targets: the size Docker shows for a layer. */
  contentSize: number;
  /** The blob this layer came as (compressed or not), when the content store holds it. */
  blob?: Descriptor;
  /** A gzip of an uncompressed blob, made by a push and kept so the next push sends it again. */
  compressed?: Descriptor;
}

export interface ImageRecord {
  id: Digest;
  configSize: number;
  layers: LayerRecord[];
  /** Manifests that point at this config, by digest (for RepoDigests, save and push). */
  manifests: Descriptor[];
  /** The local parent image (set by commit and build), as Docker's ParentId. */
  parent?: Digest;
  /** From the config, kept here so listing needs no blob reads. */
  created: string;
  labels: Record<string, string>;
  /** Sum of the layers' content sizes. */
  size: number;
  lastTagTime?: string;
}
