// Docker's JSON message stream as JsonMessageWriter writes it (engine-api.md §2.2): the message
// shapes, the progress throttle, and in-band errors.

import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { EngineError } from '../core/errors.js';
import { JsonMessageWriter } from './json-stream.js';

/** The part of a ServerResponse the writer uses, collecting what it writes. */
class Sink {
  readonly chunks: string[] = [];
  writableEnded = false;
  destroyed = false;

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  get text(): string {
    return this.chunks.join('');
  }

  messages(): Record<string, unknown>[] {
    return this.chunks.map((c) => {
      assert.ok(c.endsWith('\r\n'), `line ends with \\r\\n: ${JSON.stringify(c)}`);
      assert.equal(c.indexOf('\n'), c.length - 1, 'one message per line');
      return JSON.parse(c) as Record<string, unknown>;
    });
  }
}

function writer(): { w: JsonMessageWriter; sink: Sink } {
  const sink = new Sink();
  return { w: new JsonMessageWriter(sink as unknown as ServerResponse), sink };
}

describe('message shapes', () => {
  test('stream text', () => {
    const { w, sink } = writer();
    w.write({ stream: 'Loaded image: busybox:latest\n' });
    assert.equal(sink.text, '{"stream":"Loaded image: busybox:latest\\n"}\r\n');
  });

  test('aux data, with the empty progressDetail moby sends', () => {
    const { w, sink } = writer();
    w.write({ aux: { ID: 'sha256:abc' } });
    assert.equal(sink.text, '{"progressDetail":{},"aux":{"ID":"sha256:abc"}}\r\n');
  });

  test('a status without an id', () => {
    const { w, sink } = writer();
    w.write({ status: 'sha256:abc' });
    assert.equal(sink.text, '{"status":"sha256:abc"}\r\n');
  });

  test('a status for an id has an empty progressDetail', () => {
    const { w, sink } = writer();
    w.write({ status: 'Pulling fs layer', id: '3d3d3d3d3d3d' });
    assert.deepEqual(sink.messages(), [{ status: 'Pulling fs layer', progressDetail: {}, id: '3d3d3d3d3d3d' }]);
  });

  test('progress with a known total has the bar text', () => {
    const { w, sink } = writer();
    w.write({ status: 'Loading layer', id: 'abc', current: 1_000_000, total: 4_000_000 });
    const [msg] = sink.messages();
    assert.deepEqual(msg?.progressDetail, { current: 1_000_000, total: 4_000_000 });
    assert.equal(msg?.id, 'abc');
    assert.equal(typeof msg?.progress, 'string');
    const bar = String(msg?.progress);
    assert.match(bar, /^\[=+>\s+\]\s+1MB\/4MB$/);
    // A quarter of moby's 50-column bar.
    assert.equal(bar.indexOf('>'), 1 + 12);
  });

  test('progress without a total has no total and no bar, only the count', () => {
    const { w, sink } = writer();
    w.write({ status: 'Receiving', current: 2_048 });
    const [msg] = sink.messages();
    assert.deepEqual(msg?.progressDetail, { current: 2_048 });
    assert.ok(!String(msg?.progress).includes('['));
    assert.match(String(msg?.progress), /2\.048kB$/);
  });

  test('a total of zero is left out of progressDetail', () => {
    const { w, sink } = writer();
    w.write({ status: 'Loading layer', id: 'abc', current: 0, total: 0 });
    const [msg] = sink.messages();
    assert.deepEqual(msg?.progressDetail, { current: 0 });
  });
});

describe('progress throttling', () => {
  test('at most one message per id and status per 100 ms; the final one always goes out', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const { w, sink } = writer();
    const sent = (): string[] => sink.messages().map((m) => `${String(m.id)} ${String(m.status)} ${JSON.stringify(m.progressDetail)}`);

    w.write({ status: 'Loading layer', id: 'a', current: 10, total: 100 });
    t.mock.timers.tick(50);
    w.write({ status: 'Loading layer', id: 'a', current: 20, total: 100 }); // too soon: dropped
    w.write({ status: 'Loading layer', id: 'b', current: 5, total: 100 }); // another id
    w.write({ status: 'Extracting', id: 'a', current: 5, total: 100 }); // another status
    t.mock.timers.tick(50);
    w.write({ status: 'Loading layer', id: 'a', current: 30, total: 100 }); // 100 ms later
    t.mock.timers.tick(10);
    w.write({ status: 'Loading layer', id: 'a', current: 40, total: 100 }); // too soon: dropped
    w.write({ status: 'Loading layer', id: 'a', current: 100, total: 100 }); // final: sent anyway
    w.write({ status: 'Loading layer', id: 'a', current: 100, total: 100 }); // final again: sent
    w.write({ status: 'Loaded', id: 'a' }); // no count: never throttled

    assert.deepEqual(sent(), [
      'a Loading layer {"current":10,"total":100}',
      'b Loading layer {"current":5,"total":100}',
      'a Extracting {"current":5,"total":100}',
      'a Loading layer {"current":30,"total":100}',
      'a Loading layer {"current":100,"total":100}',
      'a Loading layer {"current":100,"total":100}',
      'a Loaded {}',
    ]);
  });

  test('stream and aux messages are never throttled', () => {
    const { w, sink } = writer();
    for (let i = 0; i < 5; i++) w.write({ stream: `line ${i}\n` });
    w.write({ aux: { n: 1 } });
    w.write({ aux: { n: 2 } });
    assert.equal(sink.chunks.length, 7);
  });
});

describe('in-band errors', () => {
  test('errorDetail and error, without a code', () => {
    const { w, sink } = writer();
    w.writeError(new EngineError('internal', 'disk full'));
    assert.equal(sink.text, '{"errorDetail":{"message":"disk full"},"error":"disk full"}\r\n');
  });

  test('errorDetail carries the code when given (the CLI exits with it)', () => {
    const { w, sink } = writer();
    const message = "The command '/bin/sh -c exit 3' returned a non-zero code: 3";
    w.writeError(new Error(message), 3);
    assert.deepEqual(sink.messages(), [{ errorDetail: { message, code: 3 }, error: message }]);
  });

  test('a thrown non-Error is written as text', () => {
    const { w, sink } = writer();
    w.writeError('plain text');
    assert.deepEqual(sink.messages(), [{ errorDetail: { message: 'plain text' }, error: 'plain text' }]);
  });
});

test('nothing is written once the response has ended or been destroyed', () => {
  const { w, sink } = writer();
  sink.writableEnded = true;
  w.write({ stream: 'late\n' });
  w.writeError(new Error('late'));
  sink.writableEnded = false;
  sink.destroyed = true;
  w.write({ status: 'late' });
  assert.deepEqual(sink.chunks, []);
});
