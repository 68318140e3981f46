// Client calls for the exec endpoints: create, start (hijacked or detached), resize, inspect.

import type { EngineClient } from './engine-client.js';
import { type HijackedStream, hijack } from './hijack.js';

const seg = (id: string): string => encodeURIComponent(id);

/** `POST /containers/{id}/exec`'s body, in the docker CLI's field order. */
export interface ExecCreateBody {
  User: string;
  Privileged: boolean;
  Tty: boolean;
  ConsoleSize?: [number, number];
  AttachStdin: boolean;
  AttachStderr: boolean;
  AttachStdout: boolean;
  Detach: boolean;
  DetachKeys: string;
  Env: string[] | null;
  WorkingDir: string;
  Cmd: string[];
}

export interface ExecStartBody {
  Detach: boolean;
  Tty: boolean;
  ConsoleSize?: [number, number];
}

export interface ExecInspectWire {
  ID: string;
  Running: boolean;
  /** null while running. */
  ExitCode: number | null;
  [field: string]: unknown;
}

export function execCreate(c: EngineClient, container: string, body: ExecCreateBody): Promise<{ Id: string }> {
  return c.json('POST', `/containers/${seg(container)}/exec`, { body });
}

/** Starts an exec and hijacks the connection for its streams. */
export function execStartAttached(c: EngineClient, id: string, body: ExecStartBody): Promise<HijackedStream> {
  return hijack(c, `/exec/${seg(id)}/start`, { body });
}

/** Starts an exec in the background (`Detach: true`): an empty 200, no stream. */
export function execStartDetached(c: EngineClient, id: string, body: ExecStartBody): Promise<void> {
  return c.json('POST', `/exec/${seg(id)}/start`, { body });
}

export function execResize(c: EngineClient, id: string, size: { height: number; width: number }): Promise<void> {
  return c.json('POST', `/exec/${seg(id)}/resize`, { query: { h: size.height, w: size.width } });
}

export function execInspect(c: EngineClient, id: string): Promise<ExecInspectWire> {
  return c.json('GET', `/exec/${seg(id)}/json`);
}
