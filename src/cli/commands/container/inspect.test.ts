// `berth container inspect` and the generic `berth inspect` against a stub daemon.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StubServer } from '../testing/container-stub.js';
import { berth } from '../testing/run-berth.js';

/** The last matching route answers: the catch-alls first. */
function daemon(): StubServer {
  return new StubServer()
    .on('GET', /^\/containers\/.*\/json$/, (req, res) => res.error(404, `No such container: ${req.path.split('/')[2]}`))
    .on('GET', '/containers/web/json', (req, res) => res.json(200, { Id: 'a'.repeat(64), Name: '/web', ...(req.query.size ? { SizeRw: 1 } : {}) }))
    .on('GET', /^\/images\//, (_req, res) => res.error(404, 'No such image: x'))
    .on('GET', '/images/alpine/json', (_req, res) => res.json(200, { Id: 'sha256:1', Os: 'linux' }))
    .on('GET', '/info', (_req, res) => res.json(200, { Swarm: { ControlAvailable: false } }))
    .on('GET', /^\/(networks|volumes|plugins)\//, (_req, res) => res.error(404, 'not found'));
}

test('container inspect: the JSON array, --format, -s, errors after the output (exit 1)', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['container', 'inspect', '-s', 'web', 'nope']);
  assert.equal(r.code, 1);
  assert.equal(r.out, `[\n    {\n        "Id": "${'a'.repeat(64)}",\n        "Name": "/web",\n        "SizeRw": 1\n    }\n]\n`);
  assert.equal(r.err, 'Error response from daemon: No such container: nope\n');
  assert.deepEqual(stub.paths(), ['GET /containers/web/json?size=1', 'GET /containers/nope/json?size=1']);
  const f = await berth(t, daemon(), ['container', 'inspect', '-f', '{{.Name}}', 'web']);
  assert.equal(f.out, '/web\n');
});

test('inspect: container first, then image, network, volume, plugin; nothing found is "No such object"', async (t) => {
  const stub = daemon();
  const r = await berth(t, stub, ['inspect', '-f', '{{.Os}}', 'alpine']);
  assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: 'linux\n' });
  assert.deepEqual(stub.paths(), ['GET /containers/alpine/json', 'GET /images/alpine/json']);
  const none = daemon();
  const n = await berth(t, none, ['inspect', 'x']);
  assert.deepEqual({ code: n.code, out: n.out, err: n.err }, { code: 1, out: '[]\n', err: 'Error: No such object: x\n' });
  assert.deepEqual(none.paths(), ['GET /containers/x/json', 'GET /images/x/json', 'GET /networks/x', 'GET /volumes/x', 'GET /info', 'GET /plugins/x/json']);
  const typed = await berth(t, daemon(), ['inspect', '--type', 'container', 'alpine']);
  assert.deepEqual({ code: typed.code, err: typed.err }, { code: 1, err: 'Error response from daemon: No such container: alpine\n' });
  const sized = await berth(t, daemon(), ['inspect', '-s', '-f', '{{.Os}}', 'alpine']);
  assert.equal(sized.err, 'WARNING: --size ignored for image\n');
  const bad = await berth(t, daemon(), ['inspect', '--type', 'bogus', 'x']);
  assert.equal(bad.err, 'unknown type: "bogus": must be one of "config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"\n');
});
