// skopeo, a real registry client, copies images into and out of `berth registry serve`: without
// auth, with htpasswd basic auth, with bearer tokens from the registry's token endpoint, and
// over TLS with a self-signed certificate; and from berth's registry into Debian's
// docker-registry (distribution), so what berth serves is what another registry accepts.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/env.js';
import { freePort, makeBusyboxLayout, skopeo, startRegistry } from './registry-fixtures.js';

function htpasswdFile(dir: string): string {
  const path = join(dir, 'htpasswd');
  // The real htpasswd tool (bcrypt, `$2y$`), as users make the file.
  writeFileSync(path, execFileSync('htpasswd', ['-Bbn', 'alice', 'secret']));
  return path;
}

const layerOf = (layoutDir: string, digest: string): Buffer => readFileSync(join(layoutDir, 'blobs', 'sha256', digest.slice(7)));

test('skopeo pushes to and pulls from berth registry without auth, and copies on to docker-registry', async (t) => {
  const dir = tempDir(t, 'berth-reg-skopeo-');
  const reg = await startRegistry(t, join(dir, 'root'));
  const img = await makeBusyboxLayout(join(dir, 'src'), 'v1');
  await skopeo(dir, ['copy', '--dest-tls-verify=false', `oci:${join(dir, 'src')}:v1`, `docker://${reg.hostPort}/lib/busybox:v1`]);
  await skopeo(dir, ['copy', '--src-tls-verify=false', `docker://${reg.hostPort}/lib/busybox:v1`, `oci:${join(dir, 'out')}:v1`]);
  assert.deepEqual(layerOf(join(dir, 'out'), img.layerDigest), layerOf(join(dir, 'src'), img.layerDigest));
  const inspect = JSON.parse(await skopeo(dir, ['inspect', '--tls-verify=false', `docker://${reg.hostPort}/lib/busybox:v1`])) as { Digest: string };
  assert.equal(inspect.Digest, img.manifestDigest, 'the manifest is served byte for byte');

  // Debian's distribution registry on its own root and port, as the second registry.
  const peerRoot = join(dir, 'peer');
  mkdirSync(peerRoot);
  const port = await freePort();
  writeFileSync(
    join(peerRoot, 'config.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${peerRoot}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const peer = spawn('/usr/bin/docker-registry', ['serve', join(peerRoot, 'config.yml')], { stdio: 'ignore' });
  const peerExit = new Promise<void>((resolve) => peer.once('exit', () => resolve()));
  t.after(async () => {
    if (peer.exitCode === null) peer.kill('SIGKILL');
    await peerExit;
  });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await skopeo(dir, ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${reg.hostPort}/lib/busybox:v1`, `docker://127.0.0.1:${port}/copied/busybox:v1`]);
  const back = JSON.parse(await skopeo(dir, ['inspect', '--tls-verify=false', `docker://127.0.0.1:${port}/copied/busybox:v1`])) as { Layers: string[] };
  assert.deepEqual(back.Layers, [img.layerDigest]);
});

test('skopeo with htpasswd basic auth: refused without credentials, works with them', async (t) => {
  const dir = tempDir(t, 'berth-reg-basic-');
  const reg = await startRegistry(t, join(dir, 'root'), ['--auth', 'htpasswd', '--htpasswd', htpasswdFile(dir)]);
  await makeBusyboxLayout(join(dir, 'src'), 'v1');
  const src = `oci:${join(dir, 'src')}:v1`;
  const dest = `docker://${reg.hostPort}/team/app:v1`;
  await assert.rejects(skopeo(dir, ['copy', '--dest-tls-verify=false', src, dest]), /unauthorized|authentication required/i);
  await assert.rejects(skopeo(dir, ['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:wrong', src, dest]), /unauthorized|authentication required/i);
  await skopeo(dir, ['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:secret', src, dest]);
  await skopeo(dir, ['copy', '--src-tls-verify=false', '--src-creds', 'alice:secret', dest, `oci:${join(dir, 'out')}:v1`]);
});

test('skopeo with token auth over TLS with a self-signed certificate', async (t) => {
  const dir = tempDir(t, 'berth-reg-token-');
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(certs, 'ca.crt')],
    { stdio: 'ignore' },
  );
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      tls: { cert: join(certs, 'ca.crt'), key: join(dir, 'key.pem') },
      auth: {
        mode: 'token',
        htpasswd: htpasswdFile(dir),
        access: [
          { account: 'alice', repository: '*', actions: ['pull', 'push'] },
          { account: 'anonymous', repository: 'public/*', actions: ['pull'] },
        ],
      },
    }),
  );
  const reg = await startRegistry(t, join(dir, 'root'), ['--config', config]);
  assert.match(reg.url, /^https:/);
  const ping = execFileSync('curl', ['-s', '-D', '-', '-o', '/dev/null', '--cacert', join(certs, 'ca.crt'), `${reg.url}/v2/`]).toString();
  assert.match(ping, /www-authenticate: Bearer realm="https:\/\/127\.0\.0\.1:\d+\/auth\/token",service="berth-registry"/i);
  await makeBusyboxLayout(join(dir, 'src'), 'v1');
  const src = `oci:${join(dir, 'src')}:v1`;
  await assert.rejects(skopeo(dir, ['copy', '--dest-cert-dir', certs, src, `docker://${reg.hostPort}/public/app:v1`]), /unauthorized|authentication required|denied/i);
  await skopeo(dir, ['copy', '--dest-cert-dir', certs, '--dest-creds', 'alice:secret', src, `docker://${reg.hostPort}/public/app:v1`]);
  // Anonymous pull of a public repository: the token endpoint grants pull without credentials.
  await skopeo(dir, ['copy', '--src-cert-dir', certs, `docker://${reg.hostPort}/public/app:v1`, `oci:${join(dir, 'out')}:v1`]);
  // Without the certificate, TLS verification fails.
  await assert.rejects(skopeo(dir, ['inspect', `docker://${reg.hostPort}/public/app:v1`]), /certificate/i);
});
