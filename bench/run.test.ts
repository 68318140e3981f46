// The bench harness must not rot: a quick pass of the `run` workload against berth alone (a
// real berthd and runc), checking that it prints its table and writes its JSON.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUN_JS = fileURLToPath(new URL('./run.js', import.meta.url));
const skip = process.getuid?.() === 0 ? false : 'the bench runs containers: needs root';

test('bench --quick --only run prints its table and JSON', { skip, timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-smoke-'));
  try {
    const json = join(dir, 'out.json');
    const r = spawnSync(process.execPath, [RUN_JS, '--quick', '--only', 'run', '--json', json], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^workload\s+berth median/m);
    assert.match(r.stdout, /run --rm --network none busybox true/);
    const out = JSON.parse(readFileSync(json, 'utf8')) as { rows: { workload: string; berth: number[] }[] };
    assert.ok(out.rows.length > 0);
    for (const row of out.rows) assert.ok(row.berth.every((x) => x > 0), row.workload);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
