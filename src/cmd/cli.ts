#!/usr/bin/env node
// berth: the Docker-compatible CLI; the commands are listed in src/cli/commands.ts.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../cli/commands.js';
import { runProgram } from '../cli/program.js';

const top = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const version = (JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')) as { version: string }).version;

// A reader that went away (`berth events | head -2`) ends berth quietly, as SIGPIPE ends the
// docker CLI; the shell reports that as 141.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  });
}

// `berth registry …` runs the registry server (src/cmd/registry.ts) in this process: it is a
// program of its own, not a client of berthd, so it stays out of the command tree.
const argv = process.argv.slice(2);
if (argv[0] === 'registry') {
  const { registryMain } = await import('./registry.js');
  process.exitCode = await registryMain(argv.slice(1));
} else {
  process.exitCode = await runProgram(argv, COMMANDS, { version });
}
