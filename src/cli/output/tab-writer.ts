// Go's text/tabwriter as docker/cli uses it for tables: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0).
//
// Input is cells terminated by '\t' (or '\v'); '\n' ends a line and '\f' ends a line and the
// column blocks. Tab-terminated cells in consecutive lines form a column block and get the
// width of the widest cell plus padding (at least minWidth). The last cell of a line is not
// tab-terminated, is not part of any column, and is written as is. A column only spans the
// consecutive lines that have a cell in it, so a line with fewer cells splits the block:
//
//   aaaa|bbb|d          aaaa      bbb       d
//   aa  |b  |dd    →    aa        b         dd
//   a   |               a
//   aa  |cccc|eee       aa        cccc      eee
//
// (b and cccc are in different blocks because the "a" line has no second cell.) Widths count
// terminal columns like docker's go-runewidth: wide East Asian characters and emoji are 2,
// combining marks 0. Text is buffered until flush(), or until a line without tabs (which
// cannot affect later alignment) or a '\f'. Not supported: the flags (AlignRight,
// DiscardEmptyColumns, FilterHTML, Debug…) and 0xff escapes, none of which docker uses.

import type { TextSink } from './text-sink.js';

export interface TabWriterOptions {
  /** Minimal cell width including padding. */
  readonly minWidth: number;
  /** Width of a tab character; only used when padChar is '\t'. */
  readonly tabWidth: number;
  /** Added to the widest cell of a column. */
  readonly padding: number;
  /** One character used to pad cells. */
  readonly padChar: string;
}

/** The settings of docker/cli's formatter tables. */
export const dockerTableOptions: TabWriterOptions = { minWidth: 10, tabWidth: 1, padding: 3, padChar: ' ' };

interface Cell {
  readonly text: string;
  readonly width: number;
  /** Terminated by '\t' rather than '\v'. */
  readonly htab: boolean;
}

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = '';

  constructor(
    private readonly out: TextSink,
    private readonly opts: TabWriterOptions = dockerTableOptions,
  ) {
    if (opts.minWidth < 0 || opts.tabWidth < 0 || opts.padding < 0) throw new RangeError('negative minWidth, tabWidth, or padding');
    if (opts.padChar.length !== 1) throw new RangeError('padChar must be one character');
  }

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const cells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A line with a single cell takes part in no column, so nothing after it can change
        // how the lines before it look: write them now.
        if (ch === '\f' || cells === 1) this.flushLines();
      }
    }
    this.cell += text.slice(start);
  }

  /** Writes everything buffered; call it after the last write. */
  flush(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.flushLines();
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1] ?? [];
    line.push({ text: this.cell, width: displayWidth(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  private flushLines(): void {
    const out: string[] = [];
    this.format(out, 0, this.lines.length, []);
    this.lines = [[]];
    this.cell = '';
    if (out.length > 0) this.out.write(out.join(''));
  }

  /**
   * Writes lines [line0, line1). `widths` holds the widths of the columns left of `column`,
   * which are fixed for every line in the range.
   */
  private format(out: string[], line0: number, line1: number, widths: readonly number[]): void {
    const column = widths.length;
    let pending = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= this.cellCount(i) - 1) continue;
      // Line i opens a block of consecutive lines that have a cell in this column.
      this.writeLines(out, pending, i, widths);
      let width = this.opts.minWidth;
      let end = i;
      for (; end < line1 && column < this.cellCount(end) - 1; end++) {
        const cell = this.lines[end]?.[column];
        if (cell) width = Math.max(width, cell.width + this.opts.padding);
      }
      this.format(out, i, end, [...widths, width]);
      pending = end;
      // The line at `end` has no cell in this column, so it cannot open a block.
      i = end;
    }
    this.writeLines(out, pending, line1, widths);
  }

  private cellCount(line: number): number {
    return this.lines[line]?.length ?? 0;
  }

  private writeLines(out: string[], line0: number, line1: number, widths: readonly number[]): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] ?? [];
      line.forEach((cell, j) => {
        out.push(cell.text);
        const width = widths[j];
        if (width !== undefined) out.push(this.padding(cell.width, width));
      });
      // The last buffered line is the unterminated one: it has no newline yet.
      if (i + 1 < this.lines.length) out.push('\n');
    }
  }

  private padding(textWidth: number, cellWidth: number): string {
    if (this.opts.padChar === '\t') {
      const tw = this.opts.tabWidth;
      if (tw === 0) return '';
      const rounded = Math.ceil(cellWidth / tw) * tw;
      return '\t'.repeat(Math.ceil((rounded - textWidth) / tw));
    }
    return this.opts.padChar.repeat(Math.max(cellWidth - textWidth, 0));
  }
}

// ---------------------------------------------------------------------------------------------
// Display width, approximating go-runewidth (East Asian width not ambiguous-wide).

// Made on first use: building a Segmenter loads ICU data, which every berth command would pay
// for at startup (about 7 ms) even when it prints plain ASCII.
let graphemes: Intl.Segmenter | undefined;
const zeroWidth = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}\p{Zl}\p{Zp}]$/u;
const emojiPresentation = /^\p{Emoji_Presentation}$/u;

// East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F, coalesced).
const wideRanges: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function runeWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0xad) return 0;
  if (cp < 0x300) return 1;
  if (zeroWidth.test(ch)) return 0;
  if (emojiPresentation.test(ch)) return 2;
  for (const [lo, hi] of wideRanges) {
    if (cp < lo) break;
    if (cp <= hi) return 2;
  }
  return 1;
}

/** Terminal columns a string takes: per grapheme, the width of its first non-zero-width rune. */
export function displayWidth(s: string): number {
  // Printable ASCII is the common case and needs no segmentation.
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let width = 0;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(s)) {
    for (const ch of segment) {
      const w = runeWidth(ch);
      if (w > 0) {
        width += w;
        break;
      }
    }
  }
  return width;
}
