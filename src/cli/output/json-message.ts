// Renders a JSON-message stream (pull, push, build, load, import: engine-api.md §2.2) the way
// the docker CLI's jsonmessage.DisplayJSONMessagesStream does.
//
// On a terminal, each message that has an `id` and progress (progressDetail, even {}, or a
// `progress` text) owns a line: the first one for an id prints a newline to claim it, later
// ones move the cursor up to it, erase it, write `<id>: <status> <bar>` and move back down. Any
// message without id+progress forgets those lines (the next layer list starts afresh).
// Off a terminal, messages whose progressDetail has a current or total are dropped; the rest
// print `<id>: <status>`, or the `stream` text as is.
// `aux` messages are not printed but passed to onAux (build image ID, push digest). A message
// with errorDetail stops the rendering with a JsonMessageError; a bare `error` field is not an
// error for the CLI (it prints the message's status, usually an empty line).
//
// Example (not a terminal):
//   {"status":"Pulling from library/alpine","id":"latest"}  → "latest: Pulling from library/alpine\n"
//   {"status":"Downloading","progressDetail":{"current":1,"total":9},"id":"a1"} → (nothing)

import { type JsonProgressDetail, renderProgress } from '../../util/progress-bar.js';
import { JsonMessageError } from './errors.js';
import type { TextSink } from './text-sink.js';


export interface JsonErrorDetail {
  readonly code?: number;
  readonly message?: string;
}

export interface JsonMessage {
  readonly stream?: string;
  readonly status?: string;
  readonly progressDetail?: JsonProgressDetail | null;
  /** Pre-rendered progress bar; the terminal display renders progressDetail instead. */
  readonly progress?: string;
  readonly id?: string;
  readonly from?: string;
  /** Unix seconds. */
  readonly time?: number;
  /** Unix nanoseconds; wins over time. */
  readonly timeNano?: number;
  readonly errorDetail?: JsonErrorDetail | null;
  readonly error?: string;
  readonly aux?: unknown;
}

export interface RenderJsonMessagesOptions {
  /** Whether out is a terminal: progress lines are redrawn in place. */
  readonly isTerminal?: boolean;
  /** Terminal columns; docker draws the bar above 110 and the time left above 50. Default 200. */
  readonly terminalWidth?: number;
  /** Receives aux messages, which are never printed. */
  readonly onAux?: (message: JsonMessage) => void;
  /** Current time in ms, for the time-left estimate. */
  readonly now?: () => number;
}

const esc = '\x1b[';
const eraseLine = `${esc}2K`;

function cursorUp(n: number): string {
  return n === 0 ? '' : `${esc}${n}A`;
}

function cursorDown(n: number): string {
  return n === 0 ? '' : `${esc}${n}B`;
}

const fieldTypes: Readonly<Record<string, { js: 'string' | 'number' | 'object'; go: string }>> = {
  stream: { js: 'string', go: 'string' },
  status: { js: 'string', go: 'string' },
  progress: { js: 'string', go: 'string' },
  id: { js: 'string', go: 'string' },
  from: { js: 'string', go: 'string' },
  error: { js: 'string', go: 'string' },
  time: { js: 'number', go: 'int64' },
  timeNano: { js: 'number', go: 'int64' },
  progressDetail: { js: 'object', go: 'jsonmessage.JSONProgress' },
  errorDetail: { js: 'object', go: 'jsonmessage.JSONError' },
};

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Checks the shape Go's decoder would accept; null fields count as absent, as in Go. */
function toJsonMessage(raw: unknown): JsonMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`json: cannot unmarshal ${jsonTypeName(raw)} into Go value of type jsonmessage.JSONMessage`);
  }
  for (const [field, want] of Object.entries(fieldTypes)) {
    const v: unknown = (raw as Record<string, unknown>)[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== want.js || Array.isArray(v)) {
      throw new Error(`json: cannot unmarshal ${jsonTypeName(v)} into Go struct field JSONMessage.${field} of type ${want.go}`);
    }
  }
  return raw as JsonMessage;
}

/** Go's RFC3339NanoFixed in local time: 2023-11-14T23:13:20.000000000+01:00. */
function formatTime(seconds: number, nanos: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${two(Math.trunc(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return (
    `${String(d.getFullYear()).padStart(4, '0')}-${two(d.getMonth() + 1)}-${two(d.getDate())}` +
    `T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(nanos).padStart(9, '0')}${zone}`
  );
}

function timePrefix(jm: JsonMessage): string {
  if (jm.timeNano) {
    const seconds = Math.floor(jm.timeNano / 1e9);
    return `${formatTime(seconds, Math.round(jm.timeNano - seconds * 1e9))} `;
  }
  if (jm.time) return `${formatTime(jm.time, 0)} `;
  return '';
}

/**
 * Writes one message (docker's JSONMessage.Display); returns the error an errorDetail
 * carries instead of writing anything for it.
 */
function display(jm: JsonMessage, out: TextSink, isTerminal: boolean, width: number, nowMs: number): JsonMessageError | undefined {
  if (jm.errorDetail) return new JsonMessageError(jm.errorDetail.message ?? '', jm.errorDetail.code || 1);
  const progress = jm.progressDetail ? renderProgress(jm.progressDetail, width, nowMs) : '';
  let endl = '';
  let text = '';
  if (isTerminal && !jm.stream && jm.progressDetail) {
    endl = '\r';
    text += eraseLine + endl;
  } else if (jm.progressDetail && progress !== '') {
    return undefined;
  }
  text += timePrefix(jm);
  if (jm.id) text += `${jm.id}: `;
  if (jm.from) text += `(from ${jm.from}) `;
  const status = jm.status ?? '';
  if (jm.progressDetail && isTerminal) text += `${status} ${progress}${endl}`;
  else if (jm.progress) text += `${status} ${jm.progress}${endl}`;
  else if (jm.stream) text += `${jm.stream}${endl}`;
  else text += `${status}${endl}\n`;
  out.write(text);
  return undefined;
}

/** Renders a message stream to out; rejects with JsonMessageError on an errorDetail. */
export async function renderJsonMessages(
  messages: AsyncIterable<unknown> | Iterable<unknown>,
  out: TextSink,
  opts: RenderJsonMessagesOptions = {},
): Promise<void> {
  const isTerminal = opts.isTerminal ?? false;
  // Off a terminal docker cannot ask for a width and assumes 200.
  const width = isTerminal ? (opts.terminalWidth ?? 200) : 200;
  const now = opts.now ?? Date.now;
  // Line of each id counted from the first progress line; the cursor sits below the last.
  const lines = new Map<string, number>();
  for await (const raw of messages) {
    const jm = toJsonMessage(raw);
    if (jm.aux !== undefined && jm.aux !== null) {
      opts.onAux?.(jm);
      continue;
    }
    let diff = 0;
    if (jm.id && (jm.progressDetail || jm.progress)) {
      let line = lines.get(jm.id);
      if (line === undefined) {
        line = lines.size;
        lines.set(jm.id, line);
        if (isTerminal) out.write('\n');
      }
      diff = lines.size - line;
      if (isTerminal) out.write(cursorUp(diff));
    } else {
      lines.clear();
    }
    const err = display(jm, out, isTerminal, width, now());
    if (jm.id && isTerminal) out.write(cursorDown(diff));
    if (err) throw err;
  }
}

/** Splits newline-delimited JSON (moby ends each message with \r\n) into parsed values. */
export async function* parseJsonLines(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buf = '';
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line) as unknown;
    } catch (err) {
      throw new Error(`invalid JSON message: ${line.length > 80 ? `${line.slice(0, 80)}…` : line}`, { cause: err });
    }
  };
  for await (const chunk of input) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line !== '') yield parse(line);
      nl = buf.indexOf('\n');
    }
  }
  buf += decoder.decode();
  if (buf.trim() !== '') yield parse(buf.trim());
}
