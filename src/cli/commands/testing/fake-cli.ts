// A Cli for command tests (docker/cli's internal/test FakeCli): a real EngineClient on a
// temporary Unix socket where the test's API server listens (the real server with fake
// backends, or container-stub.ts's StubServer), captured stdout and stderr, and a scripted
// stdin. Whether each stream is a terminal is up to the test.
//
// Example:
//   const { app, fake } = createFakeServer();
//   const cli = await fakeCli(t, app, { stdin: 'n\n' });
//   await runImagePrune(cli, {});
//   assert.equal(cli.stdout(), 'WARNING! …');

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { EngineClient } from '../../../client/engine-client.js';
import type { Cli, InputStream, OutputStream } from '../../cli.js';

export interface FakeCliOptions {
  stdin?: string | Buffer;
  /** A stdin stream of the test's own (fed while the command runs); wins over stdin. */
  stdinStream?: InputStream;
  /** stdin is a terminal (and holds nothing). */
  inTty?: boolean;
  outTty?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface FakeCli extends Cli {
  readonly out: CaptureStream;
  readonly err: CaptureStream;
  stdout(): string;
  stderr(): string;
  socketPath: string;
  dir: string;
}

/** A writable that keeps what it is given. */
export class CaptureStream extends Writable implements OutputStream {
  readonly chunks: Buffer[] = [];
  isTTY?: boolean;
  columns?: number;
  rows?: number;

  constructor(isTTY = false) {
    super();
    if (isTTY) {
      this.isTTY = true;
      this.columns = 120;
      this.rows = 30;
    }
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    cb();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

type TestContext = { after(fn: () => void | Promise<void>): void };

/** A server the fake CLI talks to: the API server (createFakeServer) or a stub. */
export interface TestServer {
  listen(opts: { path: string }): Promise<unknown>;
  close(): PromiseLike<unknown>;
}

/** Starts `app` on a temporary socket (closed when the test ends) and returns a Cli for it. */
export async function fakeCli(t: TestContext, app: TestServer, opts: FakeCliOptions = {}): Promise<FakeCli> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const socketPath = join(dir, 'api.sock');
  await app.listen({ path: socketPath });
  let client: EngineClient | undefined;
  t.after(async () => {
    client?.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const input: InputStream = opts.stdinStream ?? Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
  if (opts.inTty) input.isTTY = true;
  const out = new CaptureStream(opts.outTty);
  const err = new CaptureStream();
  return {
    client() {
      client ??= new EngineClient({ socketPath, userAgent: 'berth-cli-test' });
      return client;
    },
    out,
    err,
    in: input,
    env: opts.env ?? {},
    host: `unix://${socketPath}`,
    stdout: () => out.text(),
    stderr: () => err.text(),
    socketPath,
    dir,
  };
}
