// Shared test helpers: root gating, private temporary directories, and leak checks for the OS
// resources tests can leave behind (mounts). Root tests run when the process is root and skip,
// naming the reason, when it is not.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** `test(name, { skip: needsRoot() }, …)`: skips with a reason unless running as root. */
export function needsRoot(): string | false {
  return isRoot() ? false : 'needs root (real mounts); run the suite as root';
}

/** A private temporary directory, removed when the test ends. */
export function tempDir(t: { after(fn: () => void | Promise<void>): void }, prefix = 'berth-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => {
    assertNoMountsUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Mount points at or below `dir`, from /proc/self/mountinfo (octal escapes decoded). */
export function mountsUnder(dir: string): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const mp = field.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === dir || mp.startsWith(dir.endsWith('/') ? dir : `${dir}/`)) out.push(mp);
  }
  return out;
}

export function assertNoMountsUnder(dir: string): void {
  assert.deepEqual(mountsUnder(dir), [], `mounts left behind under ${dir}`);
}
