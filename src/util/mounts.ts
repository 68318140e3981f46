// What is mounted where, from /proc/self/mountinfo: callers about to remove a directory check
// that no filesystem is mounted below it (rm -rf would descend into it).

import { readFile } from 'node:fs/promises';

/** Mount points at or below `dir` (octal escapes in mountinfo decoded). */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const mp = field.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === dir || mp.startsWith(prefix)) out.push(mp);
  }
  return out;
}
