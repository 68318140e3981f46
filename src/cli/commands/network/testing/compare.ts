// Runs one command line through the real docker CLI and through berth, each against its own
// fresh stub daemon (stub-daemon.ts), and returns what each sent and printed, for tests that
// check berth against docker byte for byte. docker talks API 1.50 (DOCKER_API_VERSION, so it
// does not negotiate), and its version prefix is taken off the paths; in its messages the
// program's own name (`docker: 'docker network ls' …`, `Usage:  docker …`) reads berth.

import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { StubServer } from '../../testing/container-stub.js';
import { fakeCli } from '../../testing/fake-cli.js';
import { berth } from '../../testing/run-berth.js';

type TestContext = Parameters<typeof fakeCli>[0];

export interface Run {
  code: number;
  out: string;
  err: string;
  /** `METHOD /path?query body` of every request but pings. */
  requests: string[];
}

/** Why the comparison cannot run here, or false when it can. */
export function dockerMissing(): string | false {
  try {
    execFileSync('docker', ['--version'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
    return false;
  } catch {
    return 'the docker CLI is not on PATH';
  }
}

function requestsOf(stub: StubServer): string[] {
  return stub.requests
    .filter((r) => !r.path.endsWith('/_ping'))
    .map((r) => {
      const q = new URLSearchParams(r.query).toString();
      return `${r.method} ${r.path.replace(/^\/v[0-9.]+/, '')}${q ? `?${q}` : ''} ${r.body}`;
    });
}

export async function runDocker(t: TestContext, stub: StubServer, argv: string[], stdin = ''): Promise<Run> {
  const cli = await fakeCli(t, stub);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: cli.dir,
    DOCKER_HOST: `unix://${cli.socketPath}`,
    DOCKER_CONFIG: join(cli.dir, 'docker-config'),
    DOCKER_API_VERSION: '1.50',
  };
  const child = spawn('docker', argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin.end(stdin);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const asBerth = (s: string): string => s.replace(/^docker: 'docker /gm, "berth: 'berth ").replace(/'docker (\S)/g, "'berth $1").replace(/^Usage: {2}docker /gm, 'Usage:  berth ');
  return { code, out: Buffer.concat(out).toString('utf8'), err: asBerth(Buffer.concat(err).toString('utf8')), requests: requestsOf(stub) };
}

/**
 * berth in process (run-berth.ts). Errors found before the command makes its Cli (a wrong
 * argument count) go to process.stderr, as in the binary: they are caught here too.
 */
export async function runBerth(t: TestContext, stub: StubServer, argv: string[], stdin = ''): Promise<Run> {
  const write = process.stderr.write.bind(process.stderr);
  let early = '';
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    early += Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    const r = await berth(t, stub, argv, { stdin });
    return { code: r.code, out: r.out, err: early + r.err, requests: requestsOf(stub) };
  } finally {
    process.stderr.write = write;
  }
}
