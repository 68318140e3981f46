// For the registry integration tests: a `berth registry serve` process of the test's own (its
// storage root under a private temp dir, port 0, stopped by PID when the test ends), a small
// OCI image layout with a busybox-static layer for skopeo to copy, and skopeo itself with a
// policy file of the test's own.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { makeTar, sha256 } from '../helpers/archives.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url));
export const REGISTRY_JS = join(DIST, 'src', 'cmd', 'registry.js');
export const CLI_JS = join(DIST, 'src', 'cmd', 'cli.js');

type After = { after(fn: () => void | Promise<void>): void };

export interface TestRegistry {
  url: string;
  /** HOST:PORT, for docker:// references. */
  hostPort: string;
  root: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGKILL, as a crash. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRegistry(t: After, root: string, args: string[] = []): Promise<TestRegistry> {
  const child = spawn(process.execPath, [REGISTRY_JS, 'serve', '--addr', '127.0.0.1:0', '--root', root, '--access-log', 'off', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`registry exited (${code}): ${err}`)));
  });
  const stopWith = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  t.after(() => stopWith('SIGKILL'));
  return {
    url,
    hostPort: url.replace(/^https?:\/\//, ''),
    root,
    child,
    stderr: () => err,
    kill9: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
  };
}

export interface LayoutImage {
  manifestDigest: string;
  layerDigest: string;
  configDigest: string;
}

/** An OCI image layout at `dir` with one image, tagged `tag`: busybox-static as /bin/busybox. */
export async function makeBusyboxLayout(dir: string, tag: string, extra = ''): Promise<LayoutImage> {
  const tar = await makeTar([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 },
    { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
    { name: 'etc/', type: 'directory' },
    { name: 'etc/extra', data: extra },
  ]);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  );
  return writeLayout(dir, tag, config, [layer]);
}

export function writeLayout(dir: string, tag: string, config: Buffer, layers: Buffer[]): LayoutImage {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer): string => {
    const d = sha256(b);
    writeFileSync(join(blobs, d.slice(7)), b);
    return d;
  };
  const configDigest = put(config);
  const layerDescs = layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: put(l), size: l.length }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layerDescs,
    }),
  );
  const manifestDigest = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { manifestDigest, layerDigest: layerDescs[0]!.digest, configDigest };
}

const run = promisify(execFile);

/** skopeo with a policy of the test's own (accept anything) and no user auth file. */
export async function skopeo(dir: string, args: string[]): Promise<string> {
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const authfile = join(dir, 'auth.json');
  writeFileSync(authfile, '{"auths":{}}');
  const [verb, ...rest] = args;
  const withAuth = verb === 'copy' || verb === 'inspect' ? ['--authfile', authfile] : [];
  const { stdout } = await run('skopeo', ['--policy', policy, verb!, ...withAuth, ...rest], {
    env: { ...process.env, REGISTRY_AUTH_FILE: authfile },
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/** A port nothing listens on right now (for a peer that cannot listen on port 0 and say which). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
