// JSON-message rendering tests. The golden outputs were recorded from `docker pull` (CLI
// 28.2.2) against a stub daemon sending these streams: off a terminal (stdout a pipe) and on
// a terminal 120 and 80 columns wide (run under script(1)), with TZ=Europe/Berlin. The CLI's
// own "Using default tag: latest" line is left out.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { JsonMessageError } from './errors.js';
import {
  parseJsonLines,
  renderJsonMessages,
  type JsonMessage,
  type RenderJsonMessagesOptions,
} from './json-message.js';
import { type JsonProgressDetail, renderProgress } from '../../util/progress-bar.js';

interface Golden {
  readonly stream: readonly JsonMessage[];
  readonly notTerminal: string;
  readonly terminal120: string;
  readonly terminal80: string;
  /** What the CLI printed for the final errorDetail. */
  readonly stderr: string;
}

const golden: Readonly<Record<string, Golden>> = {
  pull: {
    stream: [
      { status: 'Pulling from library/alpine', id: 'latest' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'aaaaaaaaaaaa' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'bbbbbbbbbbbb' },
      { status: 'Downloading', progressDetail: { current: 12345678, total: 45678901 }, progress: '[====>   ]', id: 'aaaaaaaaaaaa' },
      { status: 'Downloading', progressDetail: { current: 100, total: 1000 }, id: 'bbbbbbbbbbbb' },
      { status: 'Verifying Checksum', progressDetail: {}, id: 'aaaaaaaaaaaa' },
      { status: 'Download complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
      { status: 'Extracting', progressDetail: { current: 5000000, total: 45678901 }, id: 'aaaaaaaaaaaa' },
      { status: 'Pull complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
      { status: 'Pull complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
      { status: 'Digest: sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5' },
      { stream: 'some stream text\n' },
      { error: 'bare error only' },
      { aux: { ID: 'sha256:x' } },
      { status: 'Status: Downloaded newer image for alpine:latest' },
      { errorDetail: { code: 3, message: 'boom' }, error: 'boom' },
      { status: 'after error' },
    ],
    notTerminal: 'latest: Pulling from library/alpine\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Pulling fs layer\naaaaaaaaaaaa: Verifying Checksum\naaaaaaaaaaaa: Download complete\naaaaaaaaaaaa: Pull complete\nbbbbbbbbbbbb: Pull complete\nDigest: sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5\nsome stream text\n\nStatus: Downloaded newer image for alpine:latest\n',
    terminal120: 'latest: Pulling from library/alpine\n\n\x1b[1A\x1b[2K\raaaaaaaaaaaa: Pulling fs layer \r\x1b[1B\n\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Pulling fs layer \r\x1b[1B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Downloading [=============>                                     ]  12.35MB/45.68MB\r\x1b[2B\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Downloading [=====>                                             ]     100B/1kB\r\x1b[1B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Verifying Checksum \r\x1b[2B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Download complete \r\x1b[2B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Extracting [=====>                                             ]      5MB/45.68MB\r\x1b[2B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Pull complete \r\x1b[2B\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Pull complete \r\x1b[1BDigest: sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5\nsome stream text\n\nStatus: Downloaded newer image for alpine:latest\n',
    terminal80: 'latest: Pulling from library/alpine\n\n\x1b[1A\x1b[2K\raaaaaaaaaaaa: Pulling fs layer \r\x1b[1B\n\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Pulling fs layer \r\x1b[1B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Downloading  12.35MB/45.68MB\r\x1b[2B\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Downloading     100B/1kB\r\x1b[1B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Verifying Checksum \r\x1b[2B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Download complete \r\x1b[2B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Extracting      5MB/45.68MB\r\x1b[2B\x1b[2A\x1b[2K\raaaaaaaaaaaa: Pull complete \r\x1b[2B\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Pull complete \r\x1b[1BDigest: sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5\nsome stream text\n\nStatus: Downloaded newer image for alpine:latest\n',
    stderr: 'boom\n',
  },
  fields: {
    stream: [
      { status: 'plain' },
      { status: 'with time', time: 1700000000 },
      { status: 'with nano', timeNano: 1700000000123456000, id: 'abc' },
      { status: 'with from', from: 'img:tag', id: 'e1' },
      { status: 'Waiting', progress: 'legacy text only', id: 'l1' },
      { status: 'legacy no id', progress: 'legacy text' },
      { status: 'Units', progressDetail: { current: 3, total: 10, units: 'items' }, id: 'u1' },
      { status: 'UnitsNoTotal', progressDetail: { current: 3, units: 'items' }, id: 'u2' },
      { status: 'NoTotal', progressDetail: { current: 123456 }, id: 'u3' },
      { status: 'Hide', progressDetail: { current: 5, total: 10, hidecounts: true }, id: 'u4' },
      { status: 'Wonky', progressDetail: { current: 20, total: 10 }, id: 'u5' },
      { status: 'WonkyUnits', progressDetail: { current: 20, total: 10, units: 'files' }, id: 'u6' },
      { status: 'Full', progressDetail: { current: 10, total: 10 }, id: 'u7' },
      { status: 'Zero', progressDetail: { current: 0, total: 10 }, id: 'u8' },
      { stream: 'stream with id', id: 's1', progressDetail: { current: 1, total: 2 } },
      { stream: 'no newline stream' },
      { status: 'again', progressDetail: { current: 999999, total: 1000000000000 }, id: 'u1' },
      { status: 'new id after reset', progressDetail: {}, id: 'n1' },
      { status: 'err with id', progressDetail: {}, id: 'n2', errorDetail: { message: 'layer failed' } },
      { status: 'never' },
    ],
    notTerminal: 'plain\n2023-11-14T23:13:20.000000000+01:00 with time\n2023-11-14T23:13:20.123456000+01:00 abc: with nano\ne1: (from img:tag) with from\nl1: Waiting legacy text onlylegacy no id legacy textno newline streamn1: new id after reset\n',
    terminal120: 'plain\n2023-11-14T23:13:20.000000000+01:00 with time\n2023-11-14T23:13:20.123456000+01:00 abc: with nano\ne1: (from img:tag) with from\n\n\x1b[1Al1: Waiting legacy text only\x1b[1Blegacy no id legacy text\n\x1b[1A\x1b[2K\ru1: Units [===============>                                   ] 3/10 items\r\x1b[1B\n\x1b[1A\x1b[2K\ru2: UnitsNoTotal 3 items\r\x1b[1B\n\x1b[1A\x1b[2K\ru3: NoTotal  123.5kB\r\x1b[1B\n\x1b[1A\x1b[2K\ru4: Hide [=========================>                         ] \r\x1b[1B\n\x1b[1A\x1b[2K\ru5: Wonky [==================================================>]      20B\r\x1b[1B\n\x1b[1A\x1b[2K\ru6: WonkyUnits [==================================================>] 20 files\r\x1b[1B\n\x1b[1A\x1b[2K\ru7: Full [==================================================>]      10B/10B\r\x1b[1B\n\x1b[1A\x1b[2K\ru8: Zero [>                                                  ]       0B/10B\r\x1b[1B\n\x1b[1A\x1b[1Bno newline stream\n\x1b[1A\x1b[2K\ru1: again [>                                                  ]   1000kB/1TB\r\x1b[1B\n\x1b[1A\x1b[2K\rn1: new id after reset \r\x1b[1B\n\x1b[1A\x1b[1B',
    terminal80: 'plain\n2023-11-14T23:13:20.000000000+01:00 with time\n2023-11-14T23:13:20.123456000+01:00 abc: with nano\ne1: (from img:tag) with from\n\n\x1b[1Al1: Waiting legacy text only\x1b[1Blegacy no id legacy text\n\x1b[1A\x1b[2K\ru1: Units 3/10 items\r\x1b[1B\n\x1b[1A\x1b[2K\ru2: UnitsNoTotal 3 items\r\x1b[1B\n\x1b[1A\x1b[2K\ru3: NoTotal  123.5kB\r\x1b[1B\n\x1b[1A\x1b[2K\ru4: Hide \r\x1b[1B\n\x1b[1A\x1b[2K\ru5: Wonky      20B\r\x1b[1B\n\x1b[1A\x1b[2K\ru6: WonkyUnits 20 files\r\x1b[1B\n\x1b[1A\x1b[2K\ru7: Full      10B/10B\r\x1b[1B\n\x1b[1A\x1b[2K\ru8: Zero       0B/10B\r\x1b[1B\n\x1b[1A\x1b[1Bno newline stream\n\x1b[1A\x1b[2K\ru1: again   1000kB/1TB\r\x1b[1B\n\x1b[1A\x1b[2K\rn1: new id after reset \r\x1b[1B\n\x1b[1A\x1b[1B',
    stderr: 'layer failed\n',
  },
};

async function render(
  messages: Iterable<unknown> | AsyncIterable<unknown>,
  opts: RenderJsonMessagesOptions = {},
): Promise<{ output: string; error: unknown; aux: JsonMessage[] }> {
  let output = '';
  const aux: JsonMessage[] = [];
  let error: unknown;
  try {
    await renderJsonMessages(messages, { write: (s) => (output += s) }, { ...opts, onAux: (m) => aux.push(m) });
  } catch (err) {
    error = err;
  }
  return { output, error, aux };
}

describe('renderJsonMessages against docker pull (CLI 28.2.2)', () => {
  let savedTz: string | undefined;
  beforeEach(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
  });
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  for (const [name, g] of Object.entries(golden)) {
    const modes: readonly (readonly [string, RenderJsonMessagesOptions, string])[] = [
      ['not a terminal', { isTerminal: false }, g.notTerminal],
      ['terminal, 120 columns', { isTerminal: true, terminalWidth: 120 }, g.terminal120],
      ['terminal, 80 columns', { isTerminal: true, terminalWidth: 80 }, g.terminal80],
    ];
    for (const [mode, opts, want] of modes) {
      test(`${name}: ${mode}`, async () => {
        const { output, error } = await render(g.stream, opts);
        assert.equal(output, want);
        assert.ok(error instanceof JsonMessageError);
        assert.equal(`${error.message}\n`, g.stderr);
      });
    }
  }
});

describe('renderJsonMessages', () => {
  test('aux messages go to the callback and are not printed', async () => {
    const { output, aux, error } = await render([
      { stream: 'Step 1/1 : FROM alpine\n' },
      { aux: { ID: 'sha256:abc' } },
      { stream: 'Successfully built abc\n' },
      { aux: null, status: 'aux null is no aux' },
    ]);
    assert.equal(error, undefined);
    assert.equal(output, 'Step 1/1 : FROM alpine\nSuccessfully built abc\naux null is no aux\n');
    assert.deepEqual(aux, [{ aux: { ID: 'sha256:abc' } }]);
  });

  test('errorDetail: code, default code 1, nothing printed after it', async () => {
    const build = await render([
      { stream: 'Step 2/2 : RUN exit 3\n' },
      { errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: '…' },
      { stream: 'never\n' },
    ]);
    assert.equal(build.output, 'Step 2/2 : RUN exit 3\n');
    assert.ok(build.error instanceof JsonMessageError);
    assert.equal(build.error.code, 3);
    assert.equal(build.error.message, "The command '/bin/sh -c exit 3' returned a non-zero code: 3");

    const noCode = await render([{ errorDetail: { message: 'failed' } }]);
    assert.ok(noCode.error instanceof JsonMessageError);
    assert.equal(noCode.error.code, 1);
  });

  test('a bare error is not an error', async () => {
    const { output, error } = await render([{ error: 'ignored' }, { status: 'next' }]);
    assert.equal(error, undefined);
    assert.equal(output, '\nnext\n');
  });

  test('a layer list starts afresh after a message without id', async () => {
    const { output } = await render(
      [
        { status: 'p', progressDetail: {}, id: 'a' },
        { status: 'Digest: x' },
        { status: 'q', progressDetail: {}, id: 'a' },
      ],
      { isTerminal: true },
    );
    assert.equal(output, '\n\x1b[1A\x1b[2K\ra: p \r\x1b[1BDigest: x\n\n\x1b[1A\x1b[2K\ra: q \r\x1b[1B');
  });

  test('messages of the wrong shape are refused as Go decoding does', async () => {
    const cases: readonly (readonly [unknown, string])[] = [
      ['text', 'json: cannot unmarshal string into Go value of type jsonmessage.JSONMessage'],
      [[1], 'json: cannot unmarshal array into Go value of type jsonmessage.JSONMessage'],
      [{ status: 1 }, 'json: cannot unmarshal number into Go struct field JSONMessage.status of type string'],
      [{ progressDetail: 'x' }, 'json: cannot unmarshal string into Go struct field JSONMessage.progressDetail of type jsonmessage.JSONProgress'],
    ];
    for (const [message, want] of cases) {
      const { error } = await render([message]);
      assert.ok(error instanceof Error);
      assert.equal(error.message, want);
    }
  });

  test('time prefix in UTC', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      const { output } = await render([{ status: 's', time: 1700000000 }, { status: 'n', timeNano: 1700000000000000512 }]);
      assert.equal(output, '2023-11-14T22:13:20.000000000Z s\n2023-11-14T22:13:20.000000512Z n\n');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  test('reads an async iterable', async () => {
    async function* messages(): AsyncGenerator<JsonMessage> {
      yield { status: 'one' };
      yield { status: 'two', id: 'x' };
    }
    const { output } = await render(messages());
    assert.equal(output, 'one\nx: two\n');
  });
});

describe('renderProgress', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  const startedSecondsAgo = (s: number): number => now / 1000 - s;
  const cases: readonly (readonly [string, JsonProgressDetail, number, string])[] = [
    ['nothing yet', {}, 200, ''],
    ['bytes with total', { current: 12345678, total: 45678901 }, 120, '[=============>                                     ]  12.35MB/45.68MB'],
    ['narrow terminal: no bar', { current: 12345678, total: 45678901 }, 110, ' 12.35MB/45.68MB'],
    ['no total', { current: 123456 }, 200, ' 123.5kB'],
    ['no total, units', { current: 3, units: 'items' }, 200, '3 items'],
    ['units', { current: 3, total: 10, units: 'items' }, 200, '[===============>                                   ] 3/10 items'],
    ['current beyond total', { current: 20, total: 10 }, 200, '[==================================================>]      20B'],
    ['hidden counts', { current: 5, total: 10, hidecounts: true }, 200, '[=========================>                         ] '],
    ['zero of total', { current: 0, total: 10 }, 200, '[>                                                  ]       0B/10B'],
    ['time left', { current: 25, total: 100, start: startedSecondsAgo(10) }, 200, '[============>                                      ]      25B/100B 30s'],
    ['time left, minutes', { current: 1, total: 100, start: startedSecondsAgo(10) }, 120, '[>                                                  ]       1B/100B 16m30s'],
    ['time left, hours', { current: 1, total: 1000, start: startedSecondsAgo(10) }, 60, '      1B/1kB 2h46m30s'],
    ['time left rounds half away from zero', { current: 2, total: 3, start: startedSecondsAgo(1) }, 60, '      2B/3B 1s'],
    ['no time left below 51 columns', { current: 25, total: 100, start: startedSecondsAgo(10) }, 50, '     25B/100B'],
    ['no time left when done', { current: 100, total: 100, start: startedSecondsAgo(10) }, 60, '    100B/100B'],
  ];
  for (const [name, detail, width, want] of cases) {
    test(name, () => assert.equal(renderProgress(detail, width, now), want));
  }
});

describe('parseJsonLines', () => {
  async function collect(chunks: readonly (string | Uint8Array)[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for await (const v of parseJsonLines(Readable.from(chunks))) out.push(v);
    return out;
  }

  test('moby framing: \\r\\n, split anywhere, last line without newline', async () => {
    const text = '{"status":"a"}\r\n{"stream":"é\\n"}\r\n\r\n{"id":"x"}';
    const bytes = new TextEncoder().encode(text);
    // Split inside the two-byte "é" and inside the second "\r\n" (all bytes before é are ASCII).
    const inChar = text.indexOf('é') + 1;
    const inNewline = bytes.indexOf(0x0d, inChar) + 1;
    const chunks = [bytes.subarray(0, inChar), bytes.subarray(inChar, inNewline), bytes.subarray(inNewline)];
    assert.deepEqual(await collect(chunks), [{ status: 'a' }, { stream: 'é\n' }, { id: 'x' }]);
  });

  test('string chunks', async () => {
    assert.deepEqual(await collect(['{"a":', '1}\n{"b"', ':2}\n']), [{ a: 1 }, { b: 2 }]);
  });

  test('invalid JSON', async () => {
    await assert.rejects(collect(['{"a":1}\nnot json\n']), { message: 'invalid JSON message: not json' });
  });

  test('feeds renderJsonMessages', async () => {
    const stream = Readable.from(['{"status":"Pulling fs layer","progressDetail":{},"id":"abc"}\r\n', '{"status":"Digest: sha256:x"}\r\n']);
    const { output } = await render(parseJsonLines(stream));
    assert.equal(output, 'abc: Pulling fs layer\nDigest: sha256:x\n');
  });
});
