// `berth system events` / `berth events`: the daemon's event stream, one line per event as
// docker prints it (`<time> <Type> <Action> <Actor.ID> (k=v, …)`) or through --format. It
// streams until interrupted, or until --until has passed. --since and --until take what
// docker's client takes (a duration before now, an RFC 3339 date or time, Unix seconds) and
// send Unix seconds.

import { systemEvents } from '../../../client/system.js';
import { errorMessage } from '../../../core/errors.js';
import { parseTimestampOrDuration, parseGoDuration } from '../../../util/units.js';
import type { Cli } from '../../cli.js';
import type { CommandSpec } from '../../command-spec.js';
import { FormatError } from '../../output/errors.js';
import { GoTemplate } from '../../output/go-template.js';
import { TemplateError } from '../../output/template-error.js';
import { CommandFailure } from '../../program.js';
import { filtersJson } from '../filters-flag.js';
import { formatRfc3339NanoFixed } from '../go-time.js';

export interface EventsOptions {
  since?: string;
  until?: string;
  filter?: string[];
  format?: string;
}

/** One event as docker's events.Message: Go field names for templates, wire names for JSON. */
interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> | null };
  scope?: string;
  time?: number;
  timeNano?: bigint;
}

export const eventsCommand: CommandSpec<EventsOptions> = {
  group: 'system',
  name: 'events',
  shortcuts: ['events'],
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  args: { max: 0 },
  options: [
    { flags: '-f, --filter <filter>', description: 'Filter output based on conditions provided', repeat: true },
    { flags: '--format <string>', description: "Format output using a custom template: 'json', 'TEMPLATE'" },
    { flags: '--since <string>', description: 'Show all events created since timestamp' },
    { flags: '--until <string>', description: 'Stream events until this timestamp' },
  ],
  run: (cli, _args, opts) => runEvents(cli, opts),
};

export async function runEvents(cli: Cli, opts: EventsOptions, signal?: AbortSignal): Promise<void> {
  const tmpl = makeTemplate(opts.format ?? '');
  const now = new Date();
  const query: Parameters<typeof systemEvents>[1] = { filters: filtersJson(opts.filter ?? []) };
  if (opts.since) query.since = clientTimestamp(opts.since, now);
  if (opts.until) query.until = clientTimestamp(opts.until, now);
  if (signal) query.signal = signal;
  const res = await systemEvents(cli.client(), query);
  try {
    for await (const line of lines(res)) {
      const ev = parseEvent(line);
      cli.out.write(tmpl ? `${execute(tmpl, eventContext(ev))}\n` : prettyEvent(ev));
    }
  } catch (err) {
    // Interrupted on purpose: not an error.
    if (signal?.aborted) return;
    throw err;
  }
}

/** docker's makeTemplate: parsed, and tried once on an empty event so mistakes show at once. */
function makeTemplate(format: string): GoTemplate | undefined {
  if (format === '') return undefined;
  try {
    const tmpl = GoTemplate.parse(format === 'json' ? '{{json .}}' : format);
    execute(tmpl, eventContext({ Type: '', Action: '', Actor: { ID: '', Attributes: null } }));
    return tmpl;
  } catch (err) {
    const msg = err instanceof FormatError ? err.message : errorMessage(err);
    throw new FormatError(`Error parsing format: ${msg}`, 64, { cause: err });
  }
}

function execute(tmpl: GoTemplate, ctx: object): string {
  try {
    const actor = (ctx as { Actor?: unknown }).Actor;
    return tmpl.execute(ctx, { typeName: (v) => (v === ctx ? '*events.Message' : v === actor ? 'events.Actor' : undefined) });
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(err.message, 1, { cause: err });
    throw err;
  }
}

/** The event with Go's field names for templates; its JSON keeps the wire names (omitempty). */
function eventContext(ev: EventMessage): object {
  const ctx: Record<string, unknown> = {};
  const wire: [string, string, unknown, boolean][] = [
    ['Status', 'status', ev.status ?? '', true],
    ['ID', 'id', ev.id ?? '', true],
    ['From', 'from', ev.from ?? '', true],
    ['Type', 'Type', ev.Type, false],
    ['Action', 'Action', ev.Action, false],
    // A Go map: `.Actor.Attributes.name` reads a key, and a missing one is <no value>.
    ['Actor', 'Actor', { ID: ev.Actor.ID, Attributes: new Map(Object.entries(ev.Actor.Attributes ?? {})) }, false],
    ['Scope', 'scope', ev.scope ?? '', true],
    ['Time', 'time', ev.time ?? 0, true],
    ['TimeNano', 'timeNano', ev.timeNano ?? 0n, true],
  ];
  for (const [goName, jsonName, value, omitEmpty] of wire) {
    const empty = value === '' || value === 0 || value === 0n;
    // Enumerable under the JSON name (what {{json .}} writes), readable under the Go name.
    if (!(omitEmpty && empty)) ctx[jsonName] = value;
    if (goName !== jsonName || (omitEmpty && empty)) Object.defineProperty(ctx, goName, { value, enumerable: false });
  }
  return ctx;
}

/** docker's prettyPrintEvent. */
function prettyEvent(ev: EventMessage): string {
  let out = '';
  if (ev.timeNano) out += `${formatRfc3339NanoFixed(ev.timeNano)} `;
  else if (ev.time) out += `${formatRfc3339NanoFixed(BigInt(ev.time) * 1_000_000_000n)} `;
  out += `${ev.Type} ${ev.Action} ${ev.Actor.ID}`;
  const attrs = ev.Actor.Attributes ?? {};
  const keys = Object.keys(attrs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length > 0) out += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return `${out}\n`;
}

/** One JSON event; timeNano is read exactly (it does not fit a double). */
function parseEvent(line: string): EventMessage {
  let nano: bigint | undefined;
  const text = line.replace(/([{,]\s*)"timeNano"\s*:\s*(-?\d+)/, (_m, pre: string, n: string) => {
    nano = BigInt(n);
    return `${pre}"timeNano":0`;
  });
  const raw = JSON.parse(text) as Partial<EventMessage> & { Actor?: Partial<EventMessage['Actor']> };
  return {
    ...raw,
    Type: raw.Type ?? '',
    Action: raw.Action ?? '',
    Actor: { ID: raw.Actor?.ID ?? '', Attributes: raw.Actor?.Attributes ?? null },
    timeNano: nano ?? 0n,
  } as EventMessage;
}

async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of input) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const l = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (l !== '') yield l;
      nl = buf.indexOf('\n');
    }
  }
  buf += decoder.decode();
  if (buf.trim() !== '') yield buf.trim();
}

/**
 * The moby client's GetTimestamp: a Go duration counts back from now (whole seconds), a date
 * or date-time becomes `seconds.nanoseconds`, Unix seconds pass through.
 */
export function clientTimestamp(value: string, now: Date): string {
  if (value !== '0') {
    try {
      const d = parseGoDuration(value);
      return String(Math.floor((now.getTime() - Number(d / 1_000_000n)) / 1000));
    } catch {
      // Not a duration: a time.
    }
  }
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  try {
    const t = parseTimestampOrDuration(value, now);
    return `${t.seconds}.${String(t.nanos).padStart(9, '0')}`;
  } catch (err) {
    if (value.includes('-')) throw new CommandFailure(errorMessage(err));
    throw new CommandFailure(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
  }
}
