// The flag value types of docker's network commands, read as pflag and docker's opts read them:
// - string slices (--subnet, --gateway, --ip-range, --alias, --link-local-ip, --driver-opt):
//   each value is one CSV record, read as Go's encoding/csv reads it (commas split, double
//   quotes group, `""` is a quote), and the records add up; a value that is not valid CSV is a
//   flag error in encoding/csv's words;
// - maps (-o, --ipam-opt, --aux-address, --label): `k=v`, or `k` for an empty value, the last
//   value of a key winning, sent with the keys sorted as encoding/json writes a Go map.

import { invalidFlagValue } from '../../command-spec.js';

/** All the fields of every value; `flag` names the flag in errors (`--alias`). */
export function stringSlice(values: readonly string[] | undefined, flag: string): string[] {
  return (values ?? []).flatMap((v) => {
    try {
      return csvRecord(v);
    } catch (err) {
      throw invalidFlagValue(v, flag, (err as Error).message);
    }
  });
}

/** One line of CSV as encoding/csv reads it; an empty line has no fields. Columns are 1-based. */
export function csvRecord(line: string): string[] {
  if (line === '') return [];
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] !== '"') {
      const end = line.indexOf(',', i) < 0 ? line.length : line.indexOf(',', i);
      const field = line.slice(i, end);
      const quote = field.indexOf('"');
      if (quote >= 0) throw csvError(i + quote + 1, 'bare " in non-quoted-field');
      fields.push(field);
      if (end === line.length) return fields;
      i = end + 1;
      continue;
    }
    let field = '';
    let j = i + 1;
    for (;;) {
      const q = line.indexOf('"', j);
      if (q < 0) throw csvError(line.length + 1, 'extraneous or missing " in quoted-field');
      field += line.slice(j, q);
      if (line[q + 1] === '"') {
        field += '"';
        j = q + 2;
        continue;
      }
      if (q + 1 < line.length && line[q + 1] !== ',') throw csvError(q + 1, 'extraneous or missing " in quoted-field');
      j = q + 1;
      break;
    }
    fields.push(field);
    if (j >= line.length) return fields;
    i = j + 1;
  }
}

function csvError(column: number, what: string): Error {
  return new Error(`parse error on line 1, column ${column}: ${what}`);
}

/** opts.MapOpts and ConvertKVStringsToMap: `k=v`, or `k` alone for an empty value. */
export function keyValue(v: string): [string, string] {
  const eq = v.indexOf('=');
  return eq < 0 ? [v, ''] : [v.slice(0, eq), v.slice(eq + 1)];
}

/** A Go map as encoding/json writes it: the last value of a key, keys sorted. */
export function goMap(entries: readonly [string, string][]): Record<string, string> {
  const m = new Map(entries);
  return Object.fromEntries([...m.keys()].sort().map((k) => [k, m.get(k) ?? '']));
}
