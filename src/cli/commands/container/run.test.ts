// `berth run` and `berth create` against a stub daemon that answers as docker's does: the
// requests in docker's order with docker's bodies, the streams, and the exit codes.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { InputStream } from '../../cli.js';
import { RUN_BIG_ARGS, RUN_BIG_BODY, RUN_SIMPLE_ARGS, RUN_SIMPLE_BODY } from '../testing/docker-recordings.js';
import { StubServer, frame } from '../testing/container-stub.js';
import { berth, eventually } from '../testing/run-berth.js';

const ID = 'a'.repeat(64);
const ATTACH = new RegExp(`^/containers/${ID}/attach$`);

/** A daemon for run: create, attach (frames), wait (answering after `waitMs`), start. */
function runDaemon(opts: { status?: number; waitMs?: number; output?: Buffer[]; tty?: boolean; holdMs?: number } = {}): StubServer {
  return new StubServer()
    .on('POST', '/containers/create', (_req, res) => res.json(201, { Id: ID, Warnings: ['w1'] }))
    .on('POST', ATTACH, (_req, res) => {
      const s = res.upgrade(opts.tty ? 'application/vnd.docker.raw-stream' : undefined);
      // unref: a test that ends early does not wait for the stub's timers.
      setTimeout(() => {
        for (const b of opts.output ?? [frame(1, 'hello\n'), frame(2, 'oops\n')]) s.write(b);
        s.end();
      }, opts.holdMs ?? 50).unref();
    })
    .on('POST', `/containers/${ID}/wait`, (_req, res) => {
      const r = res.stream();
      setTimeout(() => r.end(JSON.stringify({ StatusCode: opts.status ?? 3, Error: null })), opts.waitMs ?? 100).unref();
    })
    .on('POST', `/containers/${ID}/start`, (_req, res) => res.empty(204))
    .on('POST', `/containers/${ID}/resize`, (_req, res) => res.empty(200))
    .on('POST', `/containers/${ID}/kill`, (_req, res) => res.empty(204));
}

test('run -d: create, wait, start, the ID on stdout; the body is the docker CLI body', async (t) => {
  const stub = runDaemon({ waitMs: 60_000 });
  const r = await berth(t, stub, RUN_BIG_ARGS);
  assert.equal(r.code, 0);
  assert.equal(r.out, `${ID}\n`);
  assert.equal(r.err, 'WARNING: w1\n');
  assert.deepEqual(stub.paths(), ['POST /containers/create?platform=linux%2Famd64', `POST /containers/${ID}/wait?condition=removed`, `POST /containers/${ID}/start`]);
  assert.equal(stub.requests[0]?.body, `${RUN_BIG_BODY}\n`);
});

test('run attached: attach (Upgrade, FIN at once), wait, start, demuxed output, the exit code passed through', async (t) => {
  const stub = runDaemon({ status: 3 });
  const r = await berth(t, stub, RUN_SIMPLE_ARGS);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 3, out: 'hello\n', err: 'WARNING: w1\noops\n' });
  assert.deepEqual(stub.paths(), [
    'POST /containers/create?name=web',
    `POST /containers/${ID}/attach?stderr=1&stdout=1&stream=1`,
    `POST /containers/${ID}/wait?condition=next-exit`,
    `POST /containers/${ID}/start`,
  ]);
  assert.equal(stub.requests[0]?.body, `${RUN_SIMPLE_BODY}\n`);
  const attach = stub.requests[1];
  assert.equal(attach?.upgrade, true);
  assert.equal(attach?.headers.connection, 'Upgrade');
  assert.equal(attach?.headers.upgrade, 'tcp');
  assert.equal(attach?.fin, true);
  assert.equal(Buffer.concat(attach?.stdin ?? []).length, 0);
});

test('run does not start the container before the wait headers arrive', async (t) => {
  let waitAnswered = 0;
  const stub = runDaemon({ status: 0 })
    .on('POST', `/containers/${ID}/wait`, (_req, res) => {
      setTimeout(() => {
        waitAnswered = Date.now();
        res.stream().end(JSON.stringify({ StatusCode: 0, Error: null }));
      }, 150);
    })
    .on('POST', `/containers/${ID}/start`, (_req, res) => {
      assert.ok(waitAnswered > 0, 'start before the wait headers');
      res.empty(204);
    });
  const r = await berth(t, stub, ['run', 'busybox']);
  assert.equal(r.code, 0);
  assert.equal(stub.find('POST', `/containers/${ID}/start`).length, 1);
});

test('run -i: stdin goes into the hijacked connection and ends with a half-close', async (t) => {
  const stub = runDaemon({ status: 0, holdMs: 100 });
  const r = await berth(t, stub, ['run', '-i', '--rm', 'busybox', 'cat'], { stdin: 'hi\n' });
  assert.equal(r.code, 0);
  const attach = stub.find('POST', ATTACH)[0];
  assert.deepEqual(attach?.query, { stderr: '1', stdin: '1', stdout: '1', stream: '1' });
  assert.equal(Buffer.concat(attach?.stdin ?? []).toString(), 'hi\n');
  assert.equal(attach?.fin, true);
  assert.equal(stub.find('POST', `/containers/${ID}/wait`)[0]?.query.condition, 'removed');
  const body = JSON.parse(stub.requests[0]?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual([body.AttachStdin, body.OpenStdin, body.StdinOnce], [true, true, true]);
});

test('run with a 404 from create: "Unable to find image", the pull, its error, exit 125', async (t) => {
  const stub = new StubServer()
    .on('POST', '/containers/create', (_req, res) => res.error(404, 'No such image: busybox:latest'))
    .on('POST', '/images/create', (_req, res) => res.error(501, 'pulling images is not implemented'));
  const r = await berth(t, stub, ['run', 'busybox']);
  assert.equal(r.code, 125);
  assert.equal(
    r.err,
    "Unable to find image 'busybox:latest' locally\n" +
      "berth: Error response from daemon: pulling images is not implemented\n\nRun 'berth run --help' for more information\n",
  );
  assert.deepEqual(stub.paths(), ['POST /containers/create', 'POST /images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest']);
  assert.equal(stub.requests[1]?.headers['x-registry-auth'], 'e30=');
});

test('run: --pull=never does not pull; create prints its 404 as a daemon error (exit 1)', async (t) => {
  const notFound = (): StubServer => new StubServer().on('POST', '/containers/create', (_req, res) => res.error(404, 'No such image: x:latest'));
  const never = notFound();
  const r = await berth(t, never, ['run', '--pull', 'never', 'x']);
  assert.equal(r.code, 125);
  assert.equal(r.err, "berth: Error response from daemon: No such image: x:latest\n\nRun 'berth run --help' for more information\n");
  assert.equal(never.requests.length, 1);
  const created = await berth(t, notFound().on('POST', '/images/create', (_req, res) => res.error(501, 'no pulls')), ['create', 'x']);
  assert.equal(created.code, 1);
  assert.equal(created.err, "Unable to find image 'x:latest' locally\nError response from daemon: no pulls\n");
});

test('run: a failing start maps to 127, 126 or 125 as docker does', async (t) => {
  const cases: [string, number][] = [
    ['failed to create task for container: exec: "foo": executable file not found in $PATH: unknown', 127],
    ['exec: "/etc": no such file or directory', 127],
    ['exec: "/bin/x": permission denied', 126],
    ['exec: "/etc": is a directory', 126],
    ['cannot start a container that has stopped', 125],
  ];
  for (const [message, code] of cases) {
    const stub = runDaemon().on('POST', `/containers/${ID}/start`, (_req, res) => res.error(400, message));
    const r = await berth(t, stub, ['run', 'busybox']);
    assert.equal(r.code, code, message);
    assert.equal(r.err, `WARNING: w1\nberth: Error response from daemon: ${message}\n\nRun 'berth run --help' for more information\n`);
  }
});

test('run -d prints the ID even when start fails', async (t) => {
  const stub = new StubServer()
    .on('POST', '/containers/create', (_req, res) => res.json(201, { Id: ID, Warnings: [] }))
    .on('POST', `/containers/${ID}/wait`, (_req, res) => void res.stream())
    .on('POST', `/containers/${ID}/start`, (_req, res) => res.error(400, 'exec: "x": executable file not found in $PATH'));
  const r = await berth(t, stub, ['run', '-d', 'busybox']);
  assert.equal(r.code, 127);
  assert.equal(r.out, `${ID}\n`);
});

test('run -t with a terminal: raw stream, resize to the terminal size, stdin raw mode set and restored', async (t) => {
  const stub = runDaemon({ status: 0, tty: true, output: [Buffer.from('tty out\r\n')] });
  const input = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[] });
  const stdin: InputStream = Object.assign(input, {
    setRawMode(mode: boolean) {
      input.modes.push(mode);
      return input;
    },
  });
  const r = await berth(t, stub, ['run', '-it', 'busybox', 'sh'], { stdinStream: stdin, outTty: true });
  assert.equal(r.code, 0);
  assert.equal(r.out, 'tty out\r\n');
  const body = JSON.parse(stub.requests[0]?.body ?? '{}') as { Tty: boolean; HostConfig: { ConsoleSize: number[] } };
  assert.equal(body.Tty, true);
  assert.deepEqual(body.HostConfig.ConsoleSize, [30, 120]);
  // The resize goes out after start.
  await eventually(() => stub.find('POST', `/containers/${ID}/resize`).length > 0);
  assert.deepEqual(stub.find('POST', `/containers/${ID}/resize`)[0]?.query, { h: '30', w: '120' });
  assert.deepEqual(input.modes, [true, false]);
});

test('run -it: the detach keys end the session with exit 0 and nothing printed', async (t) => {
  const stub = runDaemon({ status: 9, waitMs: 60_000, tty: true, holdMs: 60_000, output: [] });
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const stdin: InputStream = Object.assign(input, { setRawMode: () => input });
  setTimeout(() => input.write(Buffer.from([0x61, 0x62, 0x10, 0x11])), 100);
  const r = await berth(t, stub, ['run', '-it', 'busybox', 'sh'], { stdinStream: stdin, outTty: true });
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 0, out: '', err: 'WARNING: w1\n' });
  const attach = stub.find('POST', ATTACH)[0];
  // The bytes before the keys were sent; the keys were not. (The stub reads them on its own time.)
  await eventually(() => Buffer.concat(attach?.stdin ?? []).length > 0);
  assert.equal(Buffer.concat(attach?.stdin ?? []).toString(), 'ab');
});

test('run -t without a terminal on stdin: the input device is not a TTY', async (t) => {
  const stub = runDaemon();
  const r = await berth(t, stub, ['run', '-it', 'busybox']);
  assert.deepEqual({ code: r.code, err: r.err }, { code: 1, err: 'the input device is not a TTY\n' });
  assert.equal(stub.requests.length, 0);
});

test('run forwards signals as kill?signal=NAME while attached (--sig-proxy)', async (t) => {
  const stub = runDaemon({ status: 0, holdMs: 300, waitMs: 300 });
  const done = berth(t, stub, ['run', 'busybox', 'sleep', '1']);
  await eventually(() => stub.find('POST', `/containers/${ID}/start`).length > 0);
  process.emit('SIGHUP', 'SIGHUP');
  const r = await done;
  assert.equal(r.code, 0);
  assert.deepEqual(stub.find('POST', `/containers/${ID}/kill`)[0]?.query, { signal: 'HUP' });
  assert.equal(process.listenerCount('SIGHUP'), 0);
});

test('run: the container command keeps its flags (flags end at the image)', async (t) => {
  const stub = runDaemon({ waitMs: 60_000 });
  const r = await berth(t, stub, ['run', '-d', '-h', 'box', '--rm', 'busybox', 'sh', '-c=x', '-d', '--rm', '-h']);
  assert.equal(r.code, 0);
  const body = JSON.parse(stub.requests[0]?.body ?? '{}') as { Cmd: string[]; Hostname: string; HostConfig: { AutoRemove: boolean } };
  assert.deepEqual(body.Cmd, ['sh', '-c=x', '-d', '--rm', '-h']);
  assert.equal(body.Hostname, 'box');
  assert.equal(body.HostConfig.AutoRemove, true);
});

test('run flag errors: pflag wording with the usage (125), option conflicts as berth: … (125)', async (t) => {
  const usage = "\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information\n";
  const cases: [string[], string][] = [
    [['-m', '1x'], `invalid argument "1x" for "-m, --memory" flag: invalid suffix: 'x'${usage}`],
    [['-e', '=x'], `invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x${usage}`],
    [['--cpus', 'abc'], `invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number${usage}`],
    [['--ulimit', 'nofile=3:2'], `invalid argument "nofile=3:2" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 3 > 2${usage}`],
    [['--restart', 'always', '--rm'], "berth: conflicting options: cannot specify both --restart and --rm\n\nRun 'berth run --help' for more information\n"],
    [['-p', '99999'], "berth: invalid containerPort: 99999\n\nRun 'berth run --help' for more information\n"],
    [['--pull', 'x'], `berth: invalid pull option: 'x': must be one of "always", "missing" or "never"\n\nRun 'berth run --help' for more information\n`],
  ];
  for (const [flags, err] of cases) {
    const stub = runDaemon();
    const r = await berth(t, stub, ['run', ...flags, 'busybox']);
    assert.deepEqual({ code: r.code, err: r.err }, { code: 125, err }, flags.join(' '));
    assert.equal(stub.requests.length, 0);
  }
  const r = await berth(t, runDaemon(), ['run', '-d', '-a', 'stdout', 'busybox']);
  assert.deepEqual({ code: r.code, err: r.err }, { code: 1, err: 'conflicting options: cannot specify both --attach and --detach\n' });
});

test('create: the same body, the ID on stdout, --cidfile written', async (t) => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'berth-cid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stub = runDaemon();
  const r = await berth(t, stub, ['create', '--cidfile', join(dir, 'cid'), '--name', 'web', '-e', 'A=1', 'busybox', 'echo', 'hi']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 0, out: `${ID}\n`, err: 'WARNING: w1\n' });
  assert.equal(readFileSync(join(dir, 'cid'), 'utf8'), ID);
  const body = JSON.parse(stub.requests[0]?.body ?? '{}') as { HostConfig: Record<string, unknown> };
  assert.equal(body.HostConfig.ContainerIDFile, join(dir, 'cid'));
  assert.deepEqual(stub.paths(), ['POST /containers/create?name=web']);
});
