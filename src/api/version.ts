// The Engine API versions this daemon speaks (see docs/api.md for why 1.44).

export const API_VERSION = '1.44';
export const MIN_API_VERSION = '1.24';

/** Compares dotted API versions numerically: -1, 0 or 1. */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function apiVersionBefore(version: string, than: string): boolean {
  return compareApiVersions(version, than) < 0;
}
