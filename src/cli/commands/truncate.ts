// Shortening for table cells, as docker's formatter does it.

import { displayWidth } from '../output/tab-writer.js';

/** stringid.TruncateID: the hex part of an ID (after `sha256:`), cut to 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const hex = colon >= 0 ? id.slice(colon + 1) : id;
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}

/**
 * formatter.Ellipsis: `s` cut to at most `max` terminal columns, ending in `…` when cut (wide
 * characters count two).
 */
export function ellipsis(s: string, max: number): string {
  if (max <= 0) return '';
  const runes = [...s];
  if (max === 1) return runes[0] ?? '';
  let width = 0;
  const ends: number[] = [];
  for (const r of runes) {
    width += displayWidth(r);
    ends.push(width);
  }
  if (width <= max) return s;
  for (let i = 0; i < ends.length - 1; i++) {
    if ((ends[i] ?? 0) <= max - 1 && (ends[i + 1] ?? 0) > max - 1) return `${runes.slice(0, i + 1).join('')}…`;
  }
  return s;
}
