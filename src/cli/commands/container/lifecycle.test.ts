// stop, restart, kill, rm, pause, unpause, wait, rename and update against a stub daemon: the
// requests docker sends, each argument printed, failures reported together (exit 1).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UPDATE_BODY } from '../testing/docker-recordings.js';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';

/** Every container route answers 204 (200 JSON for wait/update), except for `missing`. */
function daemon(): StubServer {
  return new StubServer()
    .on('POST', /^\/containers\/[^/]+\/(stop|restart|kill|pause|unpause|rename)$/, (_req, res) => res.empty(204))
    .on('DELETE', /^\/containers\/[^/]+$/, (_req, res) => res.empty(204))
    .on('POST', /^\/containers\/[^/]+\/wait$/, (req, res) => void res.stream().end(JSON.stringify({ StatusCode: req.path.includes('web2') ? 2 : 0, Error: null })))
    .on('POST', /^\/containers\/[^/]+\/update$/, (_req, res) => res.json(200, { Warnings: [] }))
    .on('POST', /^\/containers\/missing\//, (_req, res) => res.error(404, 'No such container: missing'))
    .on('DELETE', '/containers/missing', (_req, res) => res.error(404, 'No such container: missing'))
    .on('DELETE', '/containers/running', (_req, res) =>
      res.error(409, 'cannot remove container "/running": container is running: stop the container before removing or force remove'),
    );
}

test('stop: each container stopped is printed; the failures follow on stderr (exit 1)', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['stop', '-t', '3', '-s', 'INT', 'web', 'missing', 'web2']);
  assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 1, out: 'web\nweb2\n', err: 'Error response from daemon: No such container: missing\n' });
  assert.deepEqual(stub.paths().sort(), ['POST /containers/missing/stop?signal=INT&t=3', 'POST /containers/web/stop?signal=INT&t=3', 'POST /containers/web2/stop?signal=INT&t=3']);
  const plain = daemon();
  await berth(t, plain, ['container', 'stop', 'web']);
  assert.deepEqual(plain.paths(), ['POST /containers/web/stop']);
});

test('restart, kill, pause, unpause: the request and the name', async (t) => {
  const cases: [string[], string][] = [
    [['restart', '-t', '0', 'web'], 'POST /containers/web/restart?t=0'],
    [['kill', '-s', 'HUP', 'web'], 'POST /containers/web/kill?signal=HUP'],
    [['kill', 'web'], 'POST /containers/web/kill'],
    [['pause', 'web'], 'POST /containers/web/pause'],
    [['container', 'unpause', 'web'], 'POST /containers/web/unpause'],
  ];
  for (const [argv, path] of cases) {
    const stub = daemon();
    const r = await berth(t, stub, argv);
    assert.deepEqual({ code: r.code, out: r.out, paths: stub.paths() }, { code: 0, out: 'web\n', paths: [path] }, argv.join(' '));
  }
  const dep = await berth(t, daemon(), ['restart', '--time', '5', 'web']);
  assert.equal(dep.out, 'Flag --time has been deprecated, use --timeout instead\nweb\n');
});

test('rm: -f ignores missing containers (exit 0, reported on stderr); without -f they fail', async (t) => {
  const forced = daemon();
  const f = await berth(t, forced, ['rm', '-f', '-v', 'missing', 'web']);
  assert.deepEqual({ code: f.code, out: f.out, err: f.err }, { code: 0, out: 'web\n', err: 'Error response from daemon: No such container: missing\n' });
  assert.deepEqual(forced.find('DELETE', '/containers/web')[0]?.query, { force: '1', v: '1' });
  const plain = await berth(t, daemon(), ['rm', 'missing', 'running', 'web']);
  assert.deepEqual(
    { code: plain.code, out: plain.out, err: plain.err },
    {
      code: 1,
      out: 'web\n',
      err:
        'Error response from daemon: No such container: missing\n' +
        'Error response from daemon: cannot remove container "/running": container is running: stop the container before removing or force remove\n',
    },
  );
  const link = daemon();
  await berth(t, link, ['container', 'remove', '-l', '/web/']);
  assert.deepEqual(link.paths(), ['DELETE /containers/web?link=1']);
});

test('wait prints each exit code; rename; update sends docker’s body', async (t) => {
  const w = await berth(t, daemon(), ['wait', 'web', 'web2']);
  assert.deepEqual({ code: w.code, out: w.out }, { code: 0, out: '0\n2\n' });
  const rn = daemon();
  const r = await berth(t, rn, ['rename', 'web', 'new']);
  assert.deepEqual({ code: r.code, out: r.out, paths: rn.paths() }, { code: 0, out: '', paths: ['POST /containers/web/rename?name=new'] });
  const empty = await berth(t, daemon(), ['rename', 'web', ' ']);
  assert.deepEqual({ code: empty.code, err: empty.err }, { code: 1, err: 'Error: Neither old nor new names may be empty\n' });
  const failed = await berth(t, daemon(), ['rename', 'missing', 'x']);
  assert.deepEqual(
    { code: failed.code, err: failed.err },
    { code: 1, err: 'Error response from daemon: No such container: missing\nError: failed to rename container named missing\n' },
  );
  const up = daemon();
  const u = await berth(t, up, ['update', '--memory', '64m', '--cpus', '1.5', '--restart', 'on-failure:2', '--pids-limit', '10', 'web']);
  assert.deepEqual({ code: u.code, out: u.out }, { code: 0, out: 'web\n' });
  assert.equal(up.requests[0]?.body, `${UPDATE_BODY}\n`);
  const none = await berth(t, daemon(), ['update', 'web']);
  assert.deepEqual({ code: none.code, err: none.err }, { code: 1, err: 'you must provide one or more flags when using this command\n' });
});
