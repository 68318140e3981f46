// Runs every compiled test file with node:test, one file at a time (root tests share the
// machine's mounts and cgroups), shows the spec report, and ends with one summary line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findTests(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    // Only tests whose source still exists: dist/ may hold files of deleted sources.
    else if (name.endsWith('.test.js') && existsSync(p.replace(/^dist\//, '').replace(/\.js$/, '.ts'))) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...findTests('dist/src'), ...findTests('dist/test'), ...findTests('dist/bench')];
if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found (did the build run?)');
  process.exit(1);
}

const tapDir = mkdtempSync(join(tmpdir(), 'berth-tap-'));
const tapFile = join(tapDir, 'report.tap');
const started = Date.now();
const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  const counts = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
  try {
    const tap = readFileSync(tapFile, 'utf8');
    for (const key of Object.keys(counts)) {
      const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap);
      if (m) counts[key] = Number(m[1]);
    }
  } catch {
    // No report: the runner itself failed; the exit code says so.
  }
  rmSync(tapDir, { recursive: true, force: true });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const ok = code === 0 && counts.fail === 0 && counts.cancelled === 0;
  console.log(
    `test summary: ${ok ? 'PASS' : 'FAIL'} — ${counts.tests} tests, ${counts.pass} passed, ${counts.fail} failed, ` +
      `${counts.skipped} skipped, ${counts.cancelled} cancelled, ${counts.todo} todo in ${files.length} files (${secs} s)`,
  );
  process.exit(code ?? (signal ? 1 : 0));
});
