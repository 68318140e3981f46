// The stream helpers: stdcopy demultiplexing and the detach-key watcher.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { CaptureStream } from '../testing/fake-cli.js';
import { frame } from '../testing/container-stub.js';
import { EscapeWatcher, parseDetachKeys, streamHijacked } from './hijacked-io.js';
import { stdCopy } from './stdcopy.js';

test('stdCopy: frames split anywhere; stdin frames to stdout; a system frame is an error', async () => {
  const out = new CaptureStream();
  const err = new CaptureStream();
  const bytes = Buffer.concat([frame(1, 'ab'), frame(2, 'cd'), frame(0, 'ef'), frame(1, 'tail')]);
  const chunks = [...bytes].map((b) => Buffer.from([b]));
  await stdCopy(chunks, out, err);
  assert.equal(out.text(), 'abeftail');
  assert.equal(err.text(), 'cd');
  await assert.rejects(stdCopy([frame(3, 'boom')], out, err), /^StdCopyError: error from daemon in stream: boom$/);
  await assert.rejects(stdCopy([frame(1, 'x').fill(7, 0, 1)], out, err), /Unrecognized input header: 7/);
});

test('detach keys: moby/term ToBytes; the watcher holds a partial match back', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-[,DEL')], [97, 0, 27, 127]);
  assert.throws(() => parseDetachKeys('ctrl-1'), /Unknown character: 'ctrl-1'/);
  const w = new EscapeWatcher(Buffer.from([16, 17]));
  assert.deepEqual(w.feed(Buffer.from([97, 16])), { forward: Buffer.from([97]), escaped: false });
  assert.deepEqual(w.feed(Buffer.from([98])), { forward: Buffer.from([16, 98]), escaped: false });
  assert.deepEqual(w.feed(Buffer.from([16])), { forward: Buffer.alloc(0), escaped: false });
  assert.deepEqual(w.feed(Buffer.from([17, 99])), { forward: Buffer.alloc(0), escaped: true });
});

test('streamHijacked without stdin half-closes at once and ends with the output', async () => {
  const conn = new PassThrough();
  let ended = false;
  conn.on('finish', () => {
    ended = true;
  });
  const out = new CaptureStream();
  const done = streamHijacked(conn, { tty: true, stdout: out });
  assert.equal(ended, false);
  await new Promise((r) => setImmediate(r));
  assert.equal(ended, true);
  assert.equal(await done, 'ended');
});
