// Environment variables and label files as docker/cli reads them: opts.ValidateEnv (a bare
// `-e NAME` takes the CLI's value when it has one) and pkg/kvfile (`--env-file`, `--label-file`).

import { readFileSync } from 'node:fs';
import { invalidFlagValue } from '../../command-spec.js';
import { goPathError } from '../path-error.js';
import { ConfigError } from './config-error.js';

/** opts.ValidateEnv: `NAME=value`, or `NAME` filled from the CLI's environment when set. */
export function validateEnv(v: string, env: NodeJS.ProcessEnv): string {
  const eq = v.indexOf('=');
  const key = eq < 0 ? v : v.slice(0, eq);
  if (key === '') throw new Error(`invalid environment variable: ${v}`);
  if (eq >= 0) return v;
  const found = env[key];
  return found !== undefined ? `${key}=${found}` : v;
}

/** pkg/kvfile: `NAME=value` lines; `#` comments; bare names looked up when lookup is given. */
export function readKvFile(path: string, lookup: ((k: string) => string | undefined) | undefined): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(goPathError(err));
  }
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = (i === 0 ? raw.replace(/^\uFEFF/, '') : raw).replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') throw new ConfigError(`invalid env file (${path}): no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw new ConfigError(`invalid env file (${path}): variable '${key}' contains whitespaces`);
    if (eq >= 0) out.push(line);
    else if (lookup) {
      const v = lookup(line);
      if (v !== undefined) out.push(`${key}=${v}`);
    }
  });
  return out;
}

/** `--env-file` files then `-e` values, as exec and create send them; a bad -e is a flag error. */
export function readEnv(flags: readonly string[], files: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const values = flags.map((v) => {
    try {
      return validateEnv(v, env);
    } catch (err) {
      throw invalidFlagValue(v, '-e, --env', (err as Error).message);
    }
  });
  return [...files.flatMap((f) => readKvFile(f, (k) => env[k])), ...values];
}
