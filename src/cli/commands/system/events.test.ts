// `berth events` against the real API server with fake backends (the real event bus).

process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeServer } from '../../../server/testing/fake-backends.js';
import { FormatError } from '../../output/errors.js';
import { CommandFailure } from '../../program.js';
import { fakeCli } from '../testing/fake-cli.js';
import { clientTimestamp, runEvents } from './events.js';

const ID = `sha256:${'1f'.repeat(32)}`;

function withEvents(): { server: ReturnType<typeof createFakeServer>; nanos: bigint[] } {
  const server = createFakeServer();
  const bus = server.fake.events;
  const nanos = [
    bus.publish({ type: 'image', action: 'tag', actor: { id: ID, attributes: { name: 'a/b:1', z: 'last', a: 'first' } } }).timeNano,
    bus.publish({ type: 'container', action: 'start', actor: { id: 'c'.repeat(64), attributes: { image: 'busybox', name: 'web' } } }).timeNano,
  ];
  return { server, nanos };
}

/** RFC 3339 with nine fraction digits, in UTC (TZ is set above). */
function fixed(nano: bigint): string {
  const ms = Number(nano / 1_000_000n);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${String(nano % 1_000_000_000n).padStart(9, '0')}Z`);
}

test('events --since --until: one line per event, attributes sorted', async (t) => {
  const { server, nanos } = withEvents();
  const cli = await fakeCli(t, server.app);
  await runEvents(cli, { since: '1h', until: String(Math.ceil(Date.now() / 1000) + 1) });
  assert.equal(
    cli.stdout(),
    `${fixed(nanos[0] ?? 0n)} image tag ${ID} (a=first, name=a/b:1, z=last)\n` +
      `${fixed(nanos[1] ?? 0n)} container start ${'c'.repeat(64)} (image=busybox, name=web)\n`,
  );
});

test('events --filter and --format (Go field names; json with the wire names)', async (t) => {
  const { server, nanos } = withEvents();
  const cli = await fakeCli(t, server.app);
  const until = String(Math.ceil(Date.now() / 1000) + 1);
  await runEvents(cli, { since: '1h', until, filter: ['type=image'], format: '{{.TimeNano}} {{.Status}} {{.Actor.Attributes.name}} {{.Actor.Attributes}}' });
  assert.equal(cli.stdout(), `${nanos[0]} tag a/b:1 map[a:first name:a/b:1 z:last]\n`);
  const cli2 = await fakeCli(t, createFakeServer(server.fake).app);
  await runEvents(cli2, { since: '1h', until, filter: ['event=start'], format: 'json' });
  assert.equal(
    cli2.stdout(),
    `{"status":"start","id":"${'c'.repeat(64)}","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"${'c'.repeat(64)}","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":${nanos[1]! / 1_000_000_000n},"timeNano":${nanos[1]}}\n`,
  );
});

test('events streams until interrupted', async (t) => {
  const { app, fake } = createFakeServer();
  const cli = await fakeCli(t, app);
  const stop = new AbortController();
  const done = runEvents(cli, { format: '{{.Action}}' }, stop.signal);
  // Wait for the subscription, then publish and stop.
  for (let i = 0; i < 100 && cli.stdout() === ''; i++) {
    fake.events.publish({ type: 'image', action: 'pull', actor: { id: ID, attributes: {} } });
    await new Promise((r) => setTimeout(r, 20));
  }
  stop.abort();
  await done;
  assert.match(cli.stdout(), /^(pull\n)+$/);
});

test('events --format errors are found before streaming (exit 64)', async (t) => {
  const { app } = createFakeServer();
  const cli = await fakeCli(t, app);
  await assert.rejects(runEvents(cli, { format: '{{.Nope}}' }), (err: unknown) => {
    assert.ok(err instanceof FormatError);
    assert.equal(err.exitCode, 64);
    assert.equal(err.message, 'Error parsing format: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *events.Message');
    return true;
  });
});

test('--since/--until become what the moby client sends', () => {
  const now = new Date('2024-05-01T10:00:00.500Z');
  assert.equal(clientTimestamp('10m', now), String(Date.parse('2024-05-01T09:50:00Z') / 1000));
  assert.equal(clientTimestamp('0', now), '0');
  assert.equal(clientTimestamp('1714557600', now), '1714557600');
  assert.equal(clientTimestamp('1714557600.5', now), '1714557600.5');
  assert.equal(clientTimestamp('2024-05-01T10:00:00Z', now), '1714557600.000000000');
  assert.equal(clientTimestamp('2024-05-01T10:00:00.25+02:00', now), '1714550400.250000000');
  assert.equal(clientTimestamp('2024-05-01', now), '1714521600.000000000');
  assert.throws(() => clientTimestamp('bad', now), new CommandFailure('failed to parse value as time or duration: "bad"'));
});
