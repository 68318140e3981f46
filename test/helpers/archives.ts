// Builds layers and image archives in memory for tests: well-formed ones and hostile ones.

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  data?: string | Buffer;
  mode?: number;
  linkname?: string;
  uid?: number;
  gid?: number;
  devmajor?: number;
  devminor?: number;
  mtime?: Date;
  pax?: Record<string, string>;
}

export async function makeTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = e.data === undefined ? undefined : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date(1_700_000_000_000),
      linkname: e.linkname,
      devmajor: e.devmajor,
      devminor: e.devminor,
      pax: e.pax,
      size: type === 'file' ? (data?.length ?? 0) : 0,
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (type === 'file') pack.entry(header, data ?? Buffer.alloc(0), cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  return done;
}

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface ArchiveImage {
  layers: Buffer[];
  repoTags?: string[];
  /** Override the diff IDs written in the config (to make a mismatch). */
  diffIds?: string[];
  config?: Record<string, unknown>;
  gzipLayers?: boolean;
}

/** A docker-archive (`docker save` format with manifest.json) holding the images. */
export async function makeDockerArchive(images: ArchiveImage[], extra: TarEntrySpec[] = []): Promise<Buffer> {
  const entries: TarEntrySpec[] = [];
  const manifest: unknown[] = [];
  const seen = new Set<string>();
  for (const img of images) {
    const layerNames: string[] = [];
    for (const layer of img.layers) {
      const blob = img.gzipLayers ? gzipSync(layer) : layer;
      const name = `blobs/sha256/${sha256(blob).slice(7)}`;
      layerNames.push(name);
      if (!seen.has(name)) {
        seen.add(name);
        entries.push({ name, data: blob });
      }
    }
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: '2024-01-01T00:00:00Z',
        config: { Cmd: ['sh'] },
        rootfs: { type: 'layers', diff_ids: img.diffIds ?? img.layers.map((l) => sha256(l)) },
        history: img.layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test' })),
        ...img.config,
      }),
    );
    const configName = `blobs/sha256/${sha256(config).slice(7)}`;
    if (!seen.has(configName)) {
      seen.add(configName);
      entries.push({ name: configName, data: config });
    }
    manifest.push({ Config: configName, RepoTags: img.repoTags ?? null, Layers: layerNames });
  }
  entries.push(...extra);
  entries.push({ name: 'manifest.json', data: JSON.stringify(manifest) });
  return makeTar(entries);
}

/** A layer of `n` files of `size` random bytes each under `dir/`. */
export async function randomLayer(dir: string, n: number, size: number): Promise<Buffer> {
  const { randomBytes } = await import('node:crypto');
  const entries: TarEntrySpec[] = [{ name: `${dir}/`, type: 'directory' }];
  for (let i = 0; i < n; i++) entries.push({ name: `${dir}/f${i}`, data: randomBytes(size) });
  return makeTar(entries);
}
