// `berth exec` against a stub daemon: docker's create and start bodies, the stream, and the
// exit code from the exec's inspect.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXEC_BODY } from '../testing/docker-recordings.js';
import { StubServer, frame } from '../testing/container-stub.js';
import { berth, eventually } from '../testing/run-berth.js';

const EXEC = 'e'.repeat(64);

function daemon(exitCode: number | null = 7): StubServer {
  return new StubServer()
    .on('GET', '/containers/web/json', (_req, res) => res.json(200, { Id: 'a'.repeat(64), Config: { Tty: false } }))
    .on('POST', '/containers/web/exec', (_req, res) => res.json(201, { Id: EXEC }))
    .on('POST', `/exec/${EXEC}/start`, (req, res) => {
      if (!req.upgrade) return res.empty(200);
      const s = res.upgrade();
      setTimeout(() => s.end(Buffer.concat([frame(1, 'hi\n'), frame(2, 'warn\n')])), 20);
    })
    .on('GET', `/exec/${EXEC}/json`, (_req, res) => res.json(200, { ID: EXEC, Running: false, ExitCode: exitCode }));
}

test('exec: inspect, create with docker’s body, hijacked start, output, exit code from the exec', async (t) => {
  const stub = daemon(7);
  const r = await berth(t, stub, ['exec', '-e', 'X=1', '-w', '/tmp', '-u', 'root', 'web', 'sh', '-c', 'echo hi']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 7, out: 'hi\n', err: 'warn\n' });
  assert.deepEqual(stub.paths(), ['GET /containers/web/json', 'POST /containers/web/exec', `POST /exec/${EXEC}/start`, `GET /exec/${EXEC}/json`]);
  assert.equal(stub.requests[1]?.body, `${EXEC_BODY}\n`);
  const start = stub.requests[2];
  assert.equal(start?.upgrade, true);
  assert.equal(start?.body, '{"Detach":false,"Tty":false}\n');
  await eventually(() => start?.fin === true);
  assert.equal(start?.fin, true);
});

test('exec: a command that cannot start exits with the exec’s 126/127; null while running reads as 0', async (t) => {
  const r = await berth(t, daemon(127), ['exec', 'web', 'nope']);
  assert.equal(r.code, 127);
  const zero = await berth(t, daemon(null), ['exec', 'web', 'true']);
  assert.equal(zero.code, 0);
});

test('exec -d: Detach:true, no stream, no inspect of the exec', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['exec', '-d', 'web', 'sleep', '10']);
  assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: '' });
  assert.deepEqual(JSON.parse(stub.requests[1]?.body ?? '{}'), {
    User: '',
    Privileged: false,
    Tty: false,
    AttachStdin: false,
    AttachStderr: false,
    AttachStdout: false,
    Detach: true,
    DetachKeys: '',
    Env: null,
    WorkingDir: '',
    Cmd: ['sleep', '10'],
  });
  assert.equal(stub.requests[2]?.upgrade, false);
  assert.deepEqual(JSON.parse(stub.requests[2]?.body ?? '{}'), { Detach: true, Tty: false });
  assert.equal(stub.requests.length, 3);
});

test('exec -i sends stdin; a missing container is a daemon error (exit 1)', async (t) => {
  const stub = daemon(0);
  const r = await berth(t, stub, ['exec', '-i', 'web', 'cat'], { stdin: 'data' });
  assert.equal(r.code, 0);
  const start = stub.find('POST', `/exec/${EXEC}/start`)[0];
  await eventually(() => Buffer.concat(start?.stdin ?? []).length > 0);
  assert.equal(Buffer.concat(start?.stdin ?? []).toString(), 'data');
  const missing = new StubServer().on('GET', '/containers/nope/json', (_req, res) => res.error(404, 'No such container: nope'));
  const m = await berth(t, missing, ['exec', 'nope', 'sh']);
  assert.deepEqual({ code: m.code, err: m.err }, { code: 1, err: 'Error response from daemon: No such container: nope\n' });
});
