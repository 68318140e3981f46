// A real registry for a test: Debian's docker-registry (CNCF distribution 2.8) on a free
// 127.0.0.1 port with its own root and config, stopped and removed when the test ends. Also a
// small HTTP front that tests put between berthd and that registry to see the requests berthd
// makes and to misbehave on purpose (cut a download, answer 500 or garbage, ask for tokens).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

type TestContext = { after(fn: () => void | Promise<void>): void };

export function needsRegistry(): string | false {
  return existsSync(REGISTRY_BIN) ? false : `needs ${REGISTRY_BIN} (Debian docker-registry; scripts/install-deps.sh --test)`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  port: number;
  dir: string;
}

export async function startRegistry(t: TestContext, opts: { users?: Record<string, string> } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  let auth = '';
  if (opts.users) {
    const lines = Object.entries(opts.users).map(([u, p]) => execFileSync('htpasswd', ['-Bbn', u, p]).toString().trim());
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\n${auth}http:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/v2/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end();
    });
    if (status === 200 || status === 401) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`docker-registry did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: `127.0.0.1:${port}`, port, dir };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** Answers a request itself (true) or lets it through to the registry (false). */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface TestProxy {
  host: string;
  seen: SeenRequest[];
  intercept: Intercept | undefined;
  /** Cuts the body of the next blob GET longer than this after this many bytes (a broken connection). */
  cutNextBlobAfter: number | undefined;
  /** Like cutNextBlobAfter, but the connection stays open and silent (a stalled download). */
  stallNextBlob: boolean;
}

/** An HTTP front for `target` on its own free port; requests are recorded in `seen`. */
export async function startProxy(t: TestContext, target: TestRegistry): Promise<TestProxy> {
  const port = await freePort();
  const proxy: TestProxy = { host: `127.0.0.1:${port}`, seen: [], intercept: undefined, cutNextBlobAfter: undefined, stallNextBlob: false };
  const server = createServer(async (req, res) => {
    proxy.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (proxy.intercept && (await proxy.intercept(req, res))) return;
    const headers = { ...req.headers, host: target.host };
    const up = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
      const isBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
      const cut = isBlob && Number(upRes.headers['content-length']) > (proxy.cutNextBlobAfter ?? Infinity) ? proxy.cutNextBlobAfter : undefined;
      const stall = cut !== undefined && proxy.stallNextBlob;
      if (cut !== undefined) {
        proxy.cutNextBlobAfter = undefined;
        proxy.stallNextBlob = false;
      }
      const h = { ...upRes.headers };
      // Locations point back at us, so the client keeps talking through the front.
      if (typeof h.location === 'string') h.location = h.location.replace(target.host, proxy.host);
      res.writeHead(upRes.statusCode ?? 502, h);
      if (cut === undefined) {
        upRes.pipe(res);
        return;
      }
      let sent = 0;
      upRes.on('data', (c: Buffer) => {
        if (sent >= cut) return;
        const part = c.subarray(0, cut - sent);
        sent += part.length;
        res.write(part);
        if (sent >= cut) {
          upRes.destroy();
          if (!stall) res.socket?.destroy();
        }
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return proxy;
}

/**
 * Bearer-token authorization in front of an open registry, as Docker Hub does it: requests
 * without a valid token get a 401 naming the realm `/token` of this front; the token endpoint
 * gives anonymous tokens for pull and, with the right basic credentials, tokens for push.
 */
export function tokenAuth(proxy: TestProxy, users: Record<string, string>): { tokenRequests: URL[] } {
  const tokens = new Map<string, { push: boolean }>();
  const tokenRequests: URL[] = [];
  proxy.intercept = (req, res) => {
    const url = new URL(req.url ?? '/', `http://${proxy.host}`);
    if (url.pathname === '/token') {
      tokenRequests.push(url);
      let user: string | undefined;
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      if (basic) {
        const [u, p] = Buffer.from(basic[1]!, 'base64').toString().split(':');
        if (!u || users[u] !== p) {
          res.writeHead(401, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ details: 'incorrect username or password' }));
          return true;
        }
        user = u;
      }
      const scopes = url.searchParams.getAll('scope').join(' ');
      const token = randomBytes(12).toString('hex');
      tokens.set(token, { push: user !== undefined && scopes.includes('push') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token, expires_in: 300 }));
      return true;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const grant = bearer ? tokens.get(bearer[1]!) : undefined;
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    if (!grant || (writes && !grant.push)) {
      const repo = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1];
      const scope = repo ? `,scope="repository:${repo}:${writes ? 'pull,push' : 'pull'}"` : '';
      res.writeHead(401, {
        'Content-Type': 'application/json',
        'WWW-Authenticate': `Bearer realm="http://${proxy.host}/token",service="berth-test"${scope}`,
      });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return true;
    }
    delete req.headers.authorization;
    return false;
  };
  return { tokenRequests };
}
