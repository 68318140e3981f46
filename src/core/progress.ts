// Progress of long operations (load, import, pull, push, build), as data. The server turns
// these into Docker's JSON messages; engine code never formats bars or JSON.

export type ProgressEvent =
  /** A status line, per item when `id` is set (a layer), with byte counts when known. */
  | { status: string; id?: string; current?: number; total?: number }
  /** Free text (`Loaded image: busybox:latest\n`, build output). */
  | { stream: string }
  /** Structured data for the client (`{ ID }` after a build, `{ Tag, Digest, Size }` after a push). */
  | { aux: Record<string, unknown> };

export type ProgressSink = (event: ProgressEvent) => void;

export const discardProgress: ProgressSink = () => undefined;
