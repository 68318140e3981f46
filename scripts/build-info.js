// Writes dist/build-info.json for `berth version`: version, git commit, build time, and a
// build ID (a hash of the compiled code). The file is rewritten only when the code changed, so
// the build time says when this code was built and the setup can tell whether a running berthd
// runs it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function files(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (name.endsWith('.js')) out.push(p);
  }
  return out;
}

const hash = createHash('sha256');
for (const f of files('dist/src')) hash.update(f).update(readFileSync(f));
const buildId = hash.digest('hex').slice(0, 16);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
let gitCommit = '';
try {
  gitCommit = execFileSync('git', ['rev-parse', '--short=7', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
} catch {
  // Not a git checkout: leave it empty.
}
let previous = {};
try {
  previous = JSON.parse(readFileSync('dist/build-info.json', 'utf8'));
} catch {
  // First build.
}
if (previous.buildId !== buildId || previous.gitCommit !== gitCommit || previous.version !== pkg.version) {
  writeFileSync(
    'dist/build-info.json',
    `${JSON.stringify({ version: pkg.version, gitCommit, buildId, buildTime: new Date().toISOString() })}\n`,
  );
}
