// Linux capabilities as Docker grants them: a default set, --cap-add / --cap-drop (names with
// or without CAP_, any case, and the magic ALL), and every capability for --privileged.
// Facts from moby's oci/caps (defaults.go, utils.go) and containerd's pkg/cap.

import { invalidArgument } from '../../../core/errors.js';
import { goQuote } from '../../../util/go-format.js';

/** The capabilities a container gets when nothing is added or dropped. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Every capability of the latest kernels, in kernel (bit) order. */
export const KNOWN_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

const ALL = 'ALL';

export interface CapabilityRequest {
  capAdd: readonly string[];
  capDrop: readonly string[];
  privileged: boolean;
  /**
   * The capabilities this host can grant (berthd's effective set). A known capability outside
   * it is refused, and privileged containers get exactly these. Default: all known.
   */
  available?: readonly string[];
}

/**
 * Upper-cases and adds the CAP_ prefix; keeps ALL. Throws Docker's `unknown capability: "CAP_X"`
 * for a name the kernel does not have, and its "not supported" words for one this host lacks.
 */
export function normalizeCapabilities(caps: readonly string[], available?: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of caps) {
    let c = raw.toUpperCase();
    if (c !== ALL && !c.startsWith('CAP_')) c = `CAP_${c}`;
    if (c !== ALL) {
      if (!KNOWN_CAPABILITIES.includes(c)) throw invalidArgument(`unknown capability: ${goQuote(c)}`);
      if (available && !available.includes(c)) {
        throw invalidArgument(`capability not supported by your kernel or not available in the current environment: ${goQuote(c)}`);
      }
    }
    out.push(c);
  }
  return out;
}

/**
 * The container's capability set (bounding = effective = permitted), by moby's rules: privileged
 * gets everything; ALL in --cap-add means everything but --cap-drop; ALL in --cap-drop means only
 * --cap-add; otherwise the defaults minus --cap-drop plus --cap-add.
 */
export function capabilitySet(req: CapabilityRequest): string[] {
  const all = req.available ?? KNOWN_CAPABILITIES;
  if (req.privileged) return [...all];
  const drop = normalizeCapabilities(req.capDrop, req.available);
  const add = normalizeCapabilities(req.capAdd, req.available);
  let caps: string[];
  if (add.includes(ALL)) caps = all.filter((c) => !drop.includes(c));
  else if (drop.includes(ALL)) caps = add;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add];
  // moby may list a capability twice (added and default); runc does not care, a set reads better.
  return [...new Set(caps)];
}
