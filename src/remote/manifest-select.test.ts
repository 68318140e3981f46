import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Digest } from '../core/digest.js';
import type { Index } from '../oci/image.js';
import type { Platform } from '../oci/platform.js';
import { isSchema1, schema1Refused, selectManifest } from './manifest-select.js';

const d = (n: number): Digest => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const entry = (n: number, platform: Platform) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d(n), size: 1, platform });

const index: Index = {
  schemaVersion: 2,
  manifests: [
    entry(1, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(2, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(3, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry(4, { os: 'unknown', architecture: 'unknown' }),
    entry(5, { os: 'linux', architecture: 'amd64' }),
    entry(6, { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763' }),
  ],
};

test('the platform asked for, with its variant; arm64 and arm64/v8 are the same', () => {
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'amd64' }).digest, d(5));
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, d(2));
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm64' }).digest, d(3));
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, d(3));
  assert.equal(selectManifest(index, { os: 'windows', architecture: 'amd64' }).digest, d(6));
});

test('no match, in dockerd words; attestations never match', () => {
  assert.throws(() => selectManifest(index, { os: 'linux', architecture: 's390x' }), {
    message: 'no matching manifest for linux/s390x in the manifest list entries',
  });
  assert.throws(() => selectManifest(index, { os: 'unknown', architecture: 'unknown' }), /no matching manifest/);
  assert.throws(() => selectManifest({ schemaVersion: 2, manifests: [] }, { os: 'linux', architecture: 'amd64' }), /no matching manifest/);
});

test('schema1 is recognised and refused with the deprecation notice', () => {
  assert.equal(isSchema1('application/vnd.docker.distribution.manifest.v1+prettyjws'), true);
  assert.equal(isSchema1('application/vnd.docker.distribution.manifest.v2+json'), false);
  assert.match(schema1Refused('reg/x:1').message, /^\[DEPRECATION NOTICE\] Docker Image Format v1.*Suggest the author of reg\/x:1 to upgrade/);
});
