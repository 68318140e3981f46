// `berth network ls` against a stub daemon; the expected bytes were printed by docker 28.2.2
// for the same answers (docker-compare.test.ts checks them live where docker is installed).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../testing/run-berth.js';
import { goTimeOfRfc3339 } from './ls.js';
import { network, networkDaemon } from './testing/stub-daemon.js';

test('network ls: docker’s default table, sorted naturally by name (net9 before net10)', async (t) => {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'ls']);
  assert.deepEqual(
    { code: r.code, out: r.out, err: r.err },
    {
      code: 0,
      out:
        'NETWORK ID     NAME      DRIVER    SCOPE\n' +
        '111111111111   bridge    bridge    local\n' +
        '222222222222   host      host      local\n' +
        'ffffffffffff   mynet     bridge    local\n' +
        '444444444444   net9      bridge    local\n' +
        '333333333333   net10     bridge    local\n',
      err: '',
    },
  );
  assert.deepEqual(stub.paths(), ['GET /networks']);
});

test('network list -q, --no-trunc; filters as docker sends them (keys sorted)', async (t) => {
  assert.equal((await berth(t, networkDaemon(), ['network', 'list', '-q'])).out, '111111111111\n222222222222\nffffffffffff\n444444444444\n333333333333\n');
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'ls', '--no-trunc', '--format', 'table {{.ID}}\\t{{.Name}}', '-f', 'name=b', '-f', 'driver=bridge', '-f', 'name=a']);
  assert.match(r.out, /^NETWORK ID {57}NAME\n1{64} {3}bridge\n/);
  assert.deepEqual(stub.requests[0]?.query, { filters: '{"driver":{"bridge":true},"name":{"a":true,"b":true}}' });
});

test('network ls --format: json and the fields of docker’s network context', async (t) => {
  const json = await berth(t, networkDaemon([network()]), ['network', 'ls', '--format', 'json']);
  assert.equal(
    json.out,
    '{"CreatedAt":"2026-11-29 10:00:00.123456789 +0000 UTC","Driver":"bridge","ID":"ffffffffffff","IPv4":"true","IPv6":"false","Internal":"false","Labels":"a=b","Name":"mynet","Scope":"local"}\n',
  );
  const custom = await berth(t, networkDaemon(), ['network', 'ls', '--format', '{{.Name}} {{.IPv6}} {{.Internal}} {{.Labels}} {{.Label "a"}}']);
  assert.equal(custom.out, 'bridge false false  \nhost false false  \nmynet false false a=b b\nnet9 true true  \nnet10 false false  \n');
  // A format other than table wins over -q, without a warning.
  const quiet = await berth(t, networkDaemon([network()]), ['network', 'ls', '-q', '--format', '{{.Name}}']);
  assert.deepEqual({ out: quiet.out, err: quiet.err }, { out: 'mynet\n', err: '' });
  const raw = await berth(t, networkDaemon([network()]), ['network', 'ls', '--format', 'raw']);
  assert.equal(raw.out, 'network_id: ffffffffffff\nname: mynet\ndriver: bridge\nscope: local\n\n');
});

test('network ls: a null list is an empty table', async (t) => {
  const stub = networkDaemon().on('GET', '/networks', (_req, res) => res.json(200, null));
  assert.equal((await berth(t, stub, ['network', 'ls'])).out, 'NETWORK ID   NAME      DRIVER    SCOPE\n');
});

test('network ls: errors in docker’s words and exit codes', async (t) => {
  const field = await berth(t, networkDaemon(), ['network', 'ls', '--format', '{{.Nope}}']);
  assert.deepEqual(
    { code: field.code, out: field.out, err: field.err },
    { code: 1, out: '', err: 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *network.networkContext\n' },
  );
  const filter = await berth(t, networkDaemon(), ['network', 'ls', '-f', 'bad']);
  assert.deepEqual(
    { code: filter.code, err: filter.err },
    {
      code: 125,
      err: 'invalid argument "bad" for "-f, --filter" flag: bad format of filter (expected name=value)\n\nUsage:  berth network ls [OPTIONS]\n\nRun \'berth network ls --help\' for more information\n',
    },
  );
});

test('goTimeOfRfc3339: Go’s time.Time.String of the decoded Created', () => {
  assert.equal(goTimeOfRfc3339('2026-11-29T10:00:00.123456789Z'), '2026-11-29 10:00:00.123456789 +0000 UTC');
  assert.equal(goTimeOfRfc3339('2026-11-29T10:00:00.1200Z'), '2026-11-29 10:00:00.12 +0000 UTC');
  assert.equal(goTimeOfRfc3339('2026-11-29T10:00:00Z'), '2026-11-29 10:00:00 +0000 UTC');
  assert.equal(goTimeOfRfc3339('2026-11-29T12:00:00.5+02:00'), '2026-11-29 12:00:00.5 +0200 +0200');
  assert.equal(goTimeOfRfc3339('yesterday'), 'yesterday');
});
