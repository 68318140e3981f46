// --tmpfs mounts as dockerd builds them: its defaults (noexec, nosuid, nodev, rprivate), then
// the options given, merged so that of two options setting the same flag the later one wins
// (moby/sys/mount MergeTmpfsOptions).

import { invalidArgument } from '../../../core/errors.js';
import type { OciMount } from '../../../oci/runtime-spec.js';
import { goQuote } from '../../../util/go-format.js';

/** Options setting the same mount flag; propagation modes all share one. */
const FLAG_GROUPS: readonly (readonly string[])[] = [
  ['ro', 'rw'],
  ['suid', 'nosuid'],
  ['dev', 'nodev'],
  ['exec', 'noexec'],
  ['sync', 'async'],
  ['dirsync'],
  ['remount'],
  ['mand', 'nomand'],
  ['atime', 'noatime'],
  ['diratime', 'nodiratime'],
  ['relatime', 'norelatime'],
  ['strictatime', 'nostrictatime'],
  ['bind', 'rbind', 'unbindable', 'runbindable', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'],
];

/** The `key=value` options tmpfs takes. */
const DATA_KEYS = ['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol'];

/** Merges mount options, the later of two conflicting ones winning; throws for an unknown one. */
export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const o of [...options].reverse()) {
    if (o === 'defaults') continue;
    const group = FLAG_GROUPS.findIndex((g) => g.includes(o));
    let key = `flag:${group}`;
    if (group === -1) {
      const eq = o.indexOf('=');
      const name = eq === -1 ? o : o.slice(0, eq);
      if (eq === -1 || !DATA_KEYS.includes(name)) {
        const parts = eq === -1 ? [o] : [name, o.slice(eq + 1)];
        throw invalidArgument(`invalid tmpfs option [${parts.map((p) => goQuote(p)).join(' ')}]`);
      }
      key = `data:${name}`;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    out.unshift(o);
  }
  return out;
}

/** The mount for one HostConfig.Tmpfs entry (`/run` → `size=64m,uid=1000`). */
export function tmpfsMount(destination: string, data: string): OciMount {
  const options = ['noexec', 'nosuid', 'nodev', 'rprivate', ...(data === '' ? [] : data.split(','))];
  return { destination, type: 'tmpfs', source: 'tmpfs', options: mergeTmpfsOptions(options) };
}
