// `berth port` and `berth top` against a stub daemon: docker's lines and table.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';
import { naturalCompare } from './port.js';

function daemon(): StubServer {
  return new StubServer()
    .on('GET', '/containers/web/json', (_req, res) =>
      res.json(200, {
        Id: 'a'.repeat(64),
        NetworkSettings: {
          Ports: {
            '80/tcp': [
              { HostIp: '0.0.0.0', HostPort: '8080' },
              { HostIp: '::', HostPort: '8080' },
            ],
            '443/tcp': null,
            '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
          },
        },
      }),
    )
    .on('GET', '/containers/web/top', (_req, res) =>
      res.json(200, {
        Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
        Processes: [['root', '12345', '12320', '0', '10:00', '?', '00:00:00', 'sleep 100']],
      }),
    );
}

test('port: every published port as `80/tcp -> 0.0.0.0:8080`, sorted naturally', async (t) => {
  const r = await berth(t, daemon(), ['port', 'web']);
  assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: '53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n' });
});

test('port CONTAINER PORT: the host addresses; errors in docker’s words', async (t) => {
  assert.equal((await berth(t, daemon(), ['port', 'web', '80'])).out, '0.0.0.0:8080\n[::]:8080\n');
  assert.equal((await berth(t, daemon(), ['port', 'web', '53/udp'])).out, '127.0.0.1:5353\n');
  const none = await berth(t, daemon(), ['port', 'web', '443']);
  assert.deepEqual({ code: none.code, err: none.err }, { code: 1, err: "Error: No public port '443' published for web\n" });
  const bad = await berth(t, daemon(), ['port', 'web', 'abc']);
  assert.deepEqual({ code: bad.code, err: bad.err }, { code: 1, err: 'Error: invalid port (abc): strconv.ParseUint: parsing "abc": invalid syntax\n' });
});

test('top: ps arguments passed through; the table aligned as docker aligns it', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['top', 'web', '-o', 'pid,cmd']);
  assert.equal(r.code, 0);
  assert.deepEqual(stub.paths(), ['GET /containers/web/top?ps_args=-o+pid%2Ccmd']);
  assert.equal(
    r.out,
    'UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD\n' +
      'root                12345               12320               0                   10:00               ?                   00:00:00            sleep 100\n',
  );
});

test('naturalCompare sorts numbers by value and digits first', () => {
  assert.deepEqual(['8080/tcp', '80/tcp', '443/tcp', '9/udp', 'a', '1a'].sort(naturalCompare), ['1a', '9/udp', '80/tcp', '443/tcp', '8080/tcp', 'a']);
});
