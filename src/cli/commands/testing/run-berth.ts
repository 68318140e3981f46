// Runs a berth command line as the binary does (runProgram with every command) against a test
// server, and returns its exit code and output.

import { COMMANDS } from '../../commands.js';
import { runProgram } from '../../program.js';
import { type FakeCli, type FakeCliOptions, type TestServer, fakeCli } from './fake-cli.js';

type TestContext = Parameters<typeof fakeCli>[0];

export interface BerthResult {
  code: number;
  out: string;
  err: string;
  cli: FakeCli;
}

export async function berth(t: TestContext, server: TestServer, argv: string[], opts: FakeCliOptions = {}): Promise<BerthResult> {
  const cli = await fakeCli(t, server, opts);
  const code = await runProgram(argv, COMMANDS, { version: '0.1.0', makeCli: () => cli });
  return { code, out: cli.stdout(), err: cli.stderr(), cli };
}

/** Waits (up to a second) for a condition the stub server reaches on its own time. */
export async function eventually(cond: () => boolean, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}
