// Docker's --format handling for list and inspect commands (docker/cli formatter.Context and
// inspect.Inspect), so that `berth images --format …` prints what `docker images` prints.
//
// List commands (writeList):
//   ""/"table"         the command's default table (or its quiet format with --quiet)
//   "table <tmpl>"     a header row and one row per item, aligned by the tab writer
//   "json"             one compact JSON object per line ({{json .}})
//   "raw"              the command's raw format, if it has one
//   anything else      the template per item, one line each, no header and no alignment
// As in docker, the literal two-character sequences \t and \n in the format become a tab and
// a newline before parsing (also inside quoted strings), and spaces around the format are trimmed.
// Headers come from running the same template against a map of column names (ID → "IMAGE
// ID"); the string functions (json, upper, …) pass the name through unchanged there.
//
// Rows are rendered before anything is written: a template error prints nothing and throws
// `template parsing error: …` (docker's wording, also for execution errors).

import { goJson } from './go-json.js';
import { goTypeName, isPlainObject } from './go-sprintf.js';
import { GoTemplate, templateFunc, type ExecuteOptions, type TemplateFunc } from './go-template.js';
import { TabWriter } from './tab-writer.js';
import { TemplateError } from './template-error.js';
import { FormatError } from './errors.js';
import type { TextSink } from './text-sink.js';

export interface ListFormatOptions<T> {
  /** The --format value. */
  readonly format?: string;
  readonly quiet?: boolean;
  /** The default table, e.g. 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}'. */
  readonly defaultTable: string;
  /** What --quiet prints with the default format; docker's is {{.ID}}. */
  readonly quietFormat?: string;
  /** The command's `--format raw` template, if it has one (images, ps). */
  readonly rawFormat?: string;
  /** Column names by field name: { ID: 'IMAGE ID', Repository: 'REPOSITORY' }. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The formatter context of an item: fields are properties; functions are methods called
   * by `.Name` (docker's contexts expose ID, CreatedSince… as methods).
   */
  readonly context: (item: T) => object;
  /** The context's type in "can't evaluate field X in type T" (docker: *formatter.imageContext). */
  readonly typeName?: string;
}

const tableKey = 'table';
const jsonFormat = '{{json .}}';
const defaultQuietFormat = '{{.ID}}';

/** Docker's HeaderFunctions: the column name passes through the string functions unchanged. */
export const headerTemplateFuncs: Readonly<Record<string, TemplateFunc>> = {
  json: templateFunc(['string'], (v: string) => v),
  split: templateFunc(['string', 'string'], (v: string) => v),
  join: templateFunc(['string', 'string'], (v: string) => v),
  title: templateFunc(['string'], (v: string) => v),
  lower: templateFunc(['string'], (v: string) => v),
  upper: templateFunc(['string'], (v: string) => v),
  truncate: templateFunc(['string', 'int'], (v: string) => v),
};

/** Picks the format string a list command runs, as docker's New<Type>Format does. */
export function selectListFormat(
  opts: Pick<ListFormatOptions<unknown>, 'format' | 'quiet' | 'defaultTable' | 'quietFormat' | 'rawFormat'>,
): string {
  const format = opts.format ?? '';
  if (format === '' || format === tableKey) return opts.quiet ? (opts.quietFormat ?? defaultQuietFormat) : opts.defaultTable;
  if (format === 'raw' && opts.rawFormat !== undefined) return opts.rawFormat;
  return format;
}

/** The template text of a list format: docker's Format.templateString. */
export function formatTemplateText(format: string): string {
  if (format === tableKey) return '';
  if (format === 'json') return jsonFormat;
  let text = format.startsWith(tableKey) ? format.slice(tableKey.length) : format;
  text = text.replace(/^ +| +$/g, '');
  return text.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

function parseFormat(text: string, exitCode: number): GoTemplate {
  try {
    return GoTemplate.parse(text);
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`, exitCode, { cause: err });
    throw err;
  }
}

/**
 * JSON of a formatter context as docker's MarshalJSON writes it: every exported (capitalised)
 * property, methods without parameters called, keys sorted, HTML characters escaped
 * (json.Marshal's default).
 */
export function contextJson(ctx: object): string {
  const fields = new Map<string, unknown>();
  const keys = new Set<string>();
  for (let o: object | null = ctx; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) keys.add(key);
  }
  for (const key of keys) {
    // Go marshals exported (capitalised) names only.
    if (!/^\p{Lu}/u.test(key)) continue;
    const value: unknown = Reflect.get(ctx, key);
    if (typeof value === 'function') {
      if (value.length === 0) fields.set(key, (value as () => unknown).call(ctx));
    } else {
      fields.set(key, value);
    }
  }
  return goJson(fields, { escapeHtml: true });
}

/** Writes items the way docker list commands do; see the file comment for the formats. */
export function writeList<T>(out: TextSink, items: readonly T[], opts: ListFormatOptions<T>): void {
  const format = selectListFormat(opts);
  const tmpl = parseFormat(formatTemplateText(format), 1);
  const contexts = new WeakSet<object>();
  const json = (v: unknown): string =>
    typeof v === 'object' && v !== null && contexts.has(v) ? contextJson(v) : goJson(v, { escapeHtml: false });
  const execOpts: ExecuteOptions = {
    funcs: { json: templateFunc(['any'], json) },
    // A plain-object context is a struct to the user, not the map goTypeName would call it.
    typeName: (v) => (contexts.has(v) ? (opts.typeName ?? (isPlainObject(v) ? 'object' : goTypeName(v))) : undefined),
  };
  const rows: string[] = [];
  for (const item of items) {
    const ctx = opts.context(item);
    contexts.add(ctx);
    try {
      rows.push(`${tmpl.execute(ctx, execOpts)}\n`);
    } catch (err) {
      if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`, 1, { cause: err });
      throw err;
    }
  }
  if (!format.startsWith(tableKey)) {
    if (rows.length > 0) out.write(rows.join(''));
    return;
  }
  const tw = new TabWriter(out);
  const header = new Map(Object.entries(opts.headers));
  try {
    tmpl.executeTo((chunk) => tw.write(chunk), header, { funcs: headerTemplateFuncs });
  } catch (err) {
    // Docker ignores header errors ({{json .}} on the header map): the header is what was
    // written before the error.
    if (!(err instanceof TemplateError)) throw err;
  }
  tw.write('\n');
  tw.write(rows.join(''));
  tw.flush();
}

/**
 * Writes inspect results as `docker inspect` does: without a format a JSON array indented by
 * 4 spaces; "json" compact; otherwise the template per item, each followed by a newline.
 * Objects are read as decoded JSON (maps), so `.Missing` fails with Go's "map has no entry
 * for key". A failing item does not stop the others; the errors are thrown together after
 * the output (exit code 1), a parse error before any output (exit code 64).
 */
export function writeInspect(out: TextSink, items: readonly unknown[], format = ''): void {
  if (format === '' || format === 'json') {
    if (items.length === 0) {
      out.write('[]\n');
      return;
    }
    out.write(`${format === 'json' ? JSON.stringify(items) : JSON.stringify(items, null, 4)}\n`);
    return;
  }
  const tmpl = parseFormat(format, 64);
  const chunks: string[] = [];
  const errors: TemplateError[] = [];
  for (const item of items) {
    try {
      chunks.push(`${tmpl.execute(item, { missingKey: 'map-error' })}\n`);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      errors.push(err);
    }
  }
  out.write(chunks.length === 0 ? '\n' : chunks.join(''));
  if (errors.length > 0) {
    throw new FormatError(errors.map((e) => `template parsing error: ${e.message}`).join('\n'), 1, { cause: errors[0] });
  }
}
