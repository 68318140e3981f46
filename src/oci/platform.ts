// Platforms as the image spec writes them, and the match used to pick a manifest from an index.

import { invalidArgument } from '../core/errors.js';

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
};

/** The platform this engine runs containers for (the image spec's names for Node's arch). */
export function hostPlatform(): Platform {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return { os: 'linux', architecture: arch };
}

/** Parses `os[/arch[/variant]]` as the `--platform` flag takes it. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.trim().toLowerCase().split('/');
  const [os, arch, variant] = parts;
  if (!os || parts.length > 3 || parts.some((p) => p === '')) {
    throw invalidArgument(`"${spec}": unknown operating system or architecture: invalid argument`);
  }
  const p: Platform = { os, architecture: arch ? (ARCH_ALIASES[arch] ?? arch) : hostPlatform().architecture };
  if (variant) p.variant = variant;
  return p;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((x) => x).join('/');
}

/** Whether an image built for `candidate` runs on `wanted` (variant checked only when asked for). */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os) return false;
  if (wanted.architecture !== (ARCH_ALIASES[candidate.architecture] ?? candidate.architecture)) return false;
  if (wanted.variant && candidate.variant && wanted.variant !== candidate.variant) return false;
  return true;
}
