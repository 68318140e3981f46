// --security-opt values as dockerd reads them (daemon/daemon_unix.go parseSecurityOpt).
// The docker CLI reads a seccomp profile file itself and sends `seccomp=<the file's JSON>`,
// so a profile arrives here as its content, never as a path.

import { invalidArgument } from '../../../core/errors.js';
import { goQuote } from '../../../util/go-format.js';
import type { SecurityOptions } from './container-spec.js';
import { parseSeccompProfile } from './seccomp-profile.js';

/** Go's strconv.ParseBool. */
function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/**
 * Parses the options; later ones win. `noNewPrivileges` starts from the daemon's default.
 * A seccomp profile is decoded here, so a broken one fails at create rather than at start.
 */
export function parseSecurityOpts(opts: readonly string[], defaultNoNewPrivileges = false): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: defaultNoNewPrivileges, seccomp: { kind: 'default' }, other: [] };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') {
      out.other.push(opt);
      continue;
    }
    // `key:value` is the deprecated spelling dockerd still accepts.
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (sep === undefined) throw invalidArgument(`invalid --security-opt 1: ${goQuote(opt)}`);
    const i = opt.indexOf(sep);
    const key = opt.slice(0, i);
    const value = opt.slice(i + 1);
    switch (key) {
      case 'label':
      case 'apparmor':
        out.other.push(opt);
        break;
      case 'seccomp':
        if (value === 'unconfined') out.seccomp = { kind: 'unconfined' };
        else if (value === '' || value === 'builtin') out.seccomp = { kind: 'default' };
        else {
          parseSeccompProfile(value);
          out.seccomp = { kind: 'profile', json: value };
        }
        break;
      case 'no-new-privileges': {
        const b = parseGoBool(value);
        if (b === undefined) throw invalidArgument(`invalid --security-opt 2: ${goQuote(opt)}`);
        out.noNewPrivileges = b;
        break;
      }
      default:
        throw invalidArgument(`invalid --security-opt 2: ${goQuote(opt)}`);
    }
  }
  return out;
}
