// Seccomp profiles in Docker's format (moby/profiles/seccomp): the OCI fields plus `archMap`
// and rules that apply only for some capabilities, architectures or kernels. A profile is
// decoded once (parseSeccompProfile) and resolved for one container (resolveSeccompProfile),
// keeping each rule only when its condition holds, as moby's setupSeccomp does.

import { invalidArgument } from '../../../core/errors.js';
import type { OciSeccomp, OciSeccompArg, OciSeccompSyscall } from '../../../oci/runtime-spec.js';
import { GoJson } from './go-json.js';

export interface SeccompCondition {
  caps?: string[];
  /** libseccomp's native names: amd64, x86, x32, arm, arm64, s390x, ppc64le, riscv64 … */
  arches?: string[];
  /** `<kernel>.<major>`, e.g. 4.8. */
  minKernel?: [number, number];
}

export interface SeccompRule extends OciSeccompSyscall {
  comment?: string;
  /** Keep the rule only if every condition holds. */
  includes?: SeccompCondition;
  /** Drop the rule if any condition holds. */
  excludes?: SeccompCondition;
}

export interface SeccompArchitecture {
  architecture: string; // SCMP_ARCH_X86_64 …
  subArchitectures: string[];
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: SeccompArchitecture[];
  flags?: string[];
  syscalls: SeccompRule[];
}

/** What a profile is resolved for. */
export interface SeccompTarget {
  /** The container's bounding capabilities (CAP_…). */
  caps: readonly string[];
  /** The host architecture: Go's name (amd64, arm64) or Node's (x64, ia32). */
  arch: string;
  /** The host kernel's version; unknown means new enough for every rule. */
  kernel?: readonly [number, number];
}

/** Go/Node architecture names → libseccomp's native names (moby's goToNative). */
const NATIVE_ARCH: Record<string, string> = {
  '386': 'x86',
  ia32: 'x86',
  amd64: 'amd64',
  x64: 'amd64',
  arm: 'arm',
  arm64: 'arm64',
  mips64: 'mips64',
  mips64p32: 'mips64n32',
  mips64le: 'mipsel64',
  mips64p32le: 'mips3l64n32',
  mipsle: 'mipsel',
  mipsel: 'mipsel',
  ppc: 'ppc',
  // Node says ppc64 for the little-endian Linux port, the only one it supports.
  ppc64: 'ppc64le',
  ppc64le: 'ppc64le',
  riscv64: 'riscv64',
  s390: 's390',
  s390x: 's390x',
};

/** libseccomp native names → the OCI architecture constants (moby's nativeToSeccomp). */
const SECCOMP_ARCH: Record<string, string> = {
  x86: 'SCMP_ARCH_X86',
  amd64: 'SCMP_ARCH_X86_64',
  arm: 'SCMP_ARCH_ARM',
  arm64: 'SCMP_ARCH_AARCH64',
  mips64: 'SCMP_ARCH_MIPS64',
  mips64n32: 'SCMP_ARCH_MIPS64N32',
  mipsel64: 'SCMP_ARCH_MIPSEL64',
  mips3l64n32: 'SCMP_ARCH_MIPSEL64N32',
  mipsle: 'SCMP_ARCH_MIPSEL',
  ppc: 'SCMP_ARCH_PPC',
  ppc64: 'SCMP_ARCH_PPC64',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64',
  s390: 'SCMP_ARCH_S390',
  s390x: 'SCMP_ARCH_S390X',
};

export function nativeArch(arch: string): string {
  return NATIVE_ARCH[arch] ?? arch;
}

function decodeFailed(message: string): Error {
  return invalidArgument(`Decoding seccomp profile failed: ${message}`);
}

function parseKernelVersion(v: unknown, j: GoJson, path: string): [number, number] | undefined {
  const s = j.str(v, path);
  if (s === undefined || s === '') return undefined;
  const m = /^(\d{1,3})\.(\d{1,3})$/.exec(s);
  const kernel = Number(m?.[1] ?? 256);
  const major = Number(m?.[2] ?? 256);
  // Each part is a uint8 in moby's decoder.
  if (kernel > 255 || major > 255) throw decodeFailed(`invalid kernel version: ${JSON.stringify(s)}, expected "<kernel>.<major>"`);
  if (kernel === 0 && major === 0) {
    throw decodeFailed(`invalid kernel version: ${JSON.stringify(s)}, expected "<kernel>.<major>": version cannot be 0.0`);
  }
  return [kernel, major];
}

function parseCondition(v: unknown, j: GoJson, path: string): SeccompCondition | undefined {
  const o = j.obj(v, path, 'seccomp.Filter');
  if (o === undefined) return undefined;
  const c: SeccompCondition = {};
  const caps = j.strings(j.get(o, 'caps'), `${path}.caps`);
  const arches = j.strings(j.get(o, 'arches'), `${path}.arches`);
  const minKernel = parseKernelVersion(j.get(o, 'minKernel'), j, `${path}.minKernel`);
  if (caps) c.caps = caps;
  if (arches) c.arches = arches;
  if (minKernel) c.minKernel = minKernel;
  return c;
}

function parseArg(v: unknown, j: GoJson): OciSeccompArg {
  const path = 'syscalls.args';
  const o = j.obj(v, path, 'specs.LinuxSeccompArg') ?? {};
  const arg: OciSeccompArg = {
    index: j.int(j.get(o, 'index'), `${path}.index`, 'uint') ?? 0,
    value: j.int(j.get(o, 'value'), `${path}.value`, 'uint64') ?? 0,
    op: (j.str(j.get(o, 'op'), `${path}.op`) ?? '') as OciSeccompArg['op'],
  };
  const valueTwo = j.int(j.get(o, 'valueTwo'), `${path}.valueTwo`, 'uint64');
  if (valueTwo !== undefined) arg.valueTwo = valueTwo;
  return arg;
}

function parseRule(v: unknown, j: GoJson): SeccompRule {
  const o = j.obj(v, 'syscalls', 'seccomp.Syscall') ?? {};
  const name = j.str(j.get(o, 'name'), 'syscalls.name');
  const names = j.strings(j.get(o, 'names'), 'syscalls.names') ?? [];
  if (name) {
    if (names.length > 0) throw invalidArgument("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
    names.push(name);
  }
  const rule: SeccompRule = { names, action: j.str(j.get(o, 'action'), 'syscalls.action') ?? '' };
  const errnoRet = j.int(j.get(o, 'errnoRet'), 'syscalls.errnoRet', 'uint');
  const args = j.array(j.get(o, 'args'), 'syscalls.args', '[]specs.LinuxSeccompArg');
  const comment = j.str(j.get(o, 'comment'), 'syscalls.comment');
  const includes = parseCondition(j.get(o, 'includes'), j, 'syscalls.includes');
  const excludes = parseCondition(j.get(o, 'excludes'), j, 'syscalls.excludes');
  if (errnoRet !== undefined) rule.errnoRet = errnoRet;
  if (args) rule.args = args.map((a) => parseArg(a, j));
  if (comment) rule.comment = comment;
  if (includes) rule.includes = includes;
  if (excludes) rule.excludes = excludes;
  return rule;
}

/**
 * Decodes a profile as dockerd does, with its error words (`Decoding seccomp profile failed:
 * …`). The profile is JSON text: the docker CLI sends the file's content, not its path.
 */
export function parseSeccompProfile(json: string): SeccompProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw decodeFailed((err as Error).message);
  }
  const j = new GoJson('Seccomp', decodeFailed);
  const o = j.root(parsed, 'seccomp.Seccomp');
  const p: SeccompProfile = {
    defaultAction: j.str(j.get(o, 'defaultAction'), 'defaultAction') ?? '',
    syscalls: (j.array(j.get(o, 'syscalls'), 'syscalls', '[]*seccomp.Syscall') ?? []).map((r) => parseRule(r, j)),
  };
  const errnoRet = j.int(j.get(o, 'defaultErrnoRet'), 'defaultErrnoRet', 'uint');
  const architectures = j.strings(j.get(o, 'architectures'), 'architectures');
  const flags = j.strings(j.get(o, 'flags'), 'flags');
  const archMap = j.array(j.get(o, 'archMap'), 'archMap', '[]seccomp.Architecture');
  if (errnoRet !== undefined) p.defaultErrnoRet = errnoRet;
  if (architectures) p.architectures = architectures;
  if (flags) p.flags = flags;
  if (archMap) {
    p.archMap = archMap.map((a) => {
      const e = j.obj(a, 'archMap', 'seccomp.Architecture') ?? {};
      return {
        architecture: j.str(j.get(e, 'architecture'), 'archMap.architecture') ?? '',
        subArchitectures: j.strings(j.get(e, 'subArchitectures'), 'archMap.subArchitectures') ?? [],
      };
    });
  }
  if ((p.architectures?.length ?? 0) > 0 && (p.archMap?.length ?? 0) > 0) {
    throw invalidArgument("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  return p;
}

function kernelAtLeast(kernel: readonly [number, number] | undefined, min: readonly [number, number]): boolean {
  if (kernel === undefined) return true;
  return kernel[0] > min[0] || (kernel[0] === min[0] && kernel[1] >= min[1]);
}

/** Whether a rule applies to the target: every `includes` condition holds and no `excludes` one. */
export function ruleApplies(rule: SeccompRule, t: SeccompTarget): boolean {
  const arch = nativeArch(t.arch);
  const ex = rule.excludes;
  if (ex) {
    if (ex.arches?.includes(arch)) return false;
    if (ex.caps?.some((c) => t.caps.includes(c))) return false;
    if (ex.minKernel && kernelAtLeast(t.kernel, ex.minKernel)) return false;
  }
  const inc = rule.includes;
  if (inc) {
    if (inc.arches && inc.arches.length > 0 && !inc.arches.includes(arch)) return false;
    if (inc.caps && !inc.caps.every((c) => t.caps.includes(c))) return false;
    if (inc.minKernel && !kernelAtLeast(t.kernel, inc.minKernel)) return false;
  }
  return true;
}

/**
 * The OCI seccomp section for one container, or undefined when the profile disables seccomp
 * (no default action and no rules). Architectures come from `archMap` for the host's arch.
 */
export function resolveSeccompProfile(p: SeccompProfile, t: SeccompTarget): OciSeccomp | undefined {
  if (p.defaultAction === '' && p.syscalls.length === 0) return undefined;
  const out: OciSeccomp = { defaultAction: p.defaultAction };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  const architectures = [...(p.architectures ?? [])];
  const native = SECCOMP_ARCH[nativeArch(t.arch)];
  const entry = p.archMap?.find((a) => a.architecture === native);
  if (entry) architectures.push(entry.architecture, ...entry.subArchitectures);
  if (architectures.length > 0) out.architectures = architectures;
  if (p.flags && p.flags.length > 0) out.flags = [...p.flags];
  const syscalls: OciSeccompSyscall[] = [];
  for (const rule of p.syscalls) {
    if (!ruleApplies(rule, t)) continue;
    const s: OciSeccompSyscall = { names: [...rule.names], action: rule.action };
    if (rule.errnoRet !== undefined) s.errnoRet = rule.errnoRet;
    if (rule.args) s.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(s);
  }
  if (syscalls.length > 0) out.syscalls = syscalls;
  return out;
}
