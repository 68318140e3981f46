// Exec bodies → the engine's exec config and start options.

import { EngineError } from '../../core/errors.js';
import type { ExecConfig, ExecStartOptions } from '../../engine/containers/exec-service.js';

type Body = Record<string, unknown>;

function obj(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new EngineError('invalid-argument', 'the request body must be a JSON object');
  return body as Body;
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new EngineError('invalid-argument', `${what} must be a list of strings`);
  return v as string[];
}

function consoleSize(v: unknown): { rows: number; cols: number } | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [rows, cols] = v as unknown[];
  if (typeof rows !== 'number' || typeof cols !== 'number' || (rows === 0 && cols === 0)) return undefined;
  return { rows, cols };
}

export function toExecConfig(body: unknown): ExecConfig {
  const b = obj(body);
  const cfg: ExecConfig = {
    cmd: strings(b.Cmd, 'Cmd'),
    env: strings(b.Env, 'Env'),
    workingDir: typeof b.WorkingDir === 'string' ? b.WorkingDir : '',
    user: typeof b.User === 'string' ? b.User : '',
    tty: b.Tty === true,
    privileged: b.Privileged === true,
    attachStdin: b.AttachStdin === true,
    attachStdout: b.AttachStdout === true,
    attachStderr: b.AttachStderr === true,
    detachKeys: typeof b.DetachKeys === 'string' ? b.DetachKeys : '',
  };
  const size = consoleSize(b.ConsoleSize);
  if (size) cfg.consoleSize = size;
  return cfg;
}

export function toExecStart(body: unknown): ExecStartOptions {
  const b = obj(body);
  const opts: ExecStartOptions = { detach: b.Detach === true };
  if (typeof b.Tty === 'boolean') opts.tty = b.Tty;
  const size = consoleSize(b.ConsoleSize);
  if (size) opts.consoleSize = size;
  return opts;
}
