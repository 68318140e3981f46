// Tab writer tests. The first table was recorded from the docker CLI 28.2.2: each input was
// fed through `docker images --format 'table …'` (the header and four rows chosen by
// {{if eq .Tag …}}), so the outputs are what docker's tabwriter printed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { displayWidth, TabWriter, type TabWriterOptions } from './tab-writer.js';

function render(input: string | readonly string[], opts?: TabWriterOptions): { output: string; writes: string[] } {
  const writes: string[] = [];
  const tw = new TabWriter({ write: (s) => writes.push(s) }, opts);
  for (const chunk of typeof input === 'string' ? [input] : input) tw.write(chunk);
  tw.flush();
  return { output: writes.join(''), writes };
}

const dockerCases: readonly (readonly [string, string, string])[] = [
  [
    'docExample',
    'aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\nx\n',
    'aaaa      bbb       d\naa        b         dd\na         \naa        cccc      eee\nx\n',
  ],
  [
    'shortCells',
    'a\tb\tc\ndd\tee\tff\ng\th\ti\nj\tk\tl\nm\tn\to\n',
    'a         b         c\ndd        ee        ff\ng         h         i\nj         k         l\nm         n         o\n',
  ],
  [
    'trailingTab',
    'a\tb\t\ncc\tdd\t\ne\t\nf\ng\th\t\n',
    'a         b         \ncc        dd        \ne         \nf\ng         h         \n',
  ],
  [
    'emptyCells',
    '\t\tx\na\t\ty\n\tb\tz\n\t\t\nw\n',
    '                    x\na                   y\n          b         z\n                    \nw\n',
  ],
  [
    'wideChars',
    '日本語\tx\nab\ty\n日本語日本語日本語\tz\ne\u0301\tq\n😀\tr\n',
    '日本語               x\nab                   y\n日本語日本語日本語   z\ne\u0301                    q\n😀                   r\n',
  ],
  [
    'noTabLineBreaksBlock',
    'a\tb\nno tabs here at all\ncccccccccccccc\td\ne\tf\ng\th\n',
    'a         b\nno tabs here at all\ncccccccccccccc   d\ne                f\ng                h\n',
  ],
  [
    'multiLineRows',
    'H1\tH2\na\tb\nccc\td\ne\tf\n\ng\th\nx\ty\nz\n',
    'H1        H2\na         b\nccc       d\ne         f\n\ng         h\nx         y\nz\n',
  ],
  [
    'longCells',
    'abcdefghijklmnop\tx\ty\na\tabcdefghijklmnopqrstu\tz\ns\tt\tu\nv\nw\tx\n',
    'abcdefghijklmnop   x                       y\na                  abcdefghijklmnopqrstu   z\ns                  t                       u\nv\nw         x\n',
  ],
  [
    'ragged',
    'a\tb\tc\td\na\tb\naaaaaaaaaaaaa\tb\tc\td\na\tbbbbbbbbbbbbbbbbbb\tc\td\na\tb\tc\td\n',
    'a               b         c         d\na               b\naaaaaaaaaaaaa   b                    c         d\na               bbbbbbbbbbbbbbbbbb   c         d\na               b                    c         d\n',
  ],
  [
    'nestedBlocks',
    'x\ty\tz\nxx\tyyyyyyyyyyyyy\tz\nxxx\tyy\nxxxxxxxxxxxxxxxx\ty\tz\tw\nx\n',
    'x                  y               z\nxx                 yyyyyyyyyyyyy   z\nxxx                yy\nxxxxxxxxxxxxxxxx   y         z         w\nx\n',
  ],
  [
    'spacesInCells',
    '  lead\ttrail  \tmid dle\na b\tc d\te\nx\ty\tz\np\nq\n',
    '  lead    trail     mid dle\na b       c d       e\nx         y         z\np\nq\n',
  ],
];

describe('TabWriter against docker CLI 28.2.2', () => {
  for (const [name, input, want] of dockerCases) {
    test(name, () => assert.equal(render(input).output, want));

    test(`${name}, written one character at a time`, () => {
      assert.equal(render(Array.from(input)).output, want);
    });
  }
});

describe('TabWriter', () => {
  test('the docker images table', () => {
    const input =
      'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n' +
      'alpine\tlatest\t9c7a54a9a43c\t2 weeks ago\t7.8MB\n' +
      'registry.example.com:5000/team/app\tv1.2.3\t111111111111\tAbout an hour ago\t1.23GB\n';
    assert.equal(
      render(input).output,
      'REPOSITORY                           TAG       IMAGE ID       CREATED             SIZE\n' +
        'alpine                               latest    9c7a54a9a43c   2 weeks ago         7.8MB\n' +
        'registry.example.com:5000/team/app   v1.2.3    111111111111   About an hour ago   1.23GB\n',
    );
  });

  test('a line without tabs is written before flush', () => {
    const writes: string[] = [];
    const tw = new TabWriter({ write: (s) => writes.push(s) });
    tw.write('a\tb\n');
    assert.deepEqual(writes, []);
    tw.write('plain\n');
    assert.deepEqual(writes, ['a         b\nplain\n']);
    tw.flush();
    assert.deepEqual(writes, ['a         b\nplain\n']);
  });

  test('a form feed ends the column blocks', () => {
    assert.equal(render('a\tb\fccccccccccccccc\td\n').output, 'a         b\nccccccccccccccc   d\n');
    assert.equal(render('a\tb\nccccccccccccccc\td\n').output, 'a                 b\nccccccccccccccc   d\n');
  });

  test('text after the last newline is written without one', () => {
    assert.equal(render('a\tb').output, 'a         b');
    assert.equal(render('x\ty\na\tb').output, 'x         y\na         b');
  });

  test('vertical tabs terminate cells too', () => {
    assert.equal(render('a\vb\ncc\vd\n').output, 'a         b\ncc        d\n');
  });

  test('flush with nothing buffered writes nothing', () => {
    assert.deepEqual(render('').writes, []);
  });

  test('other settings: padChar, minWidth, padding', () => {
    const dots = { minWidth: 0, tabWidth: 8, padding: 1, padChar: '.' };
    assert.equal(render('a\tbb\tc\naaa\tb\tc\n', dots).output, 'a...bb.c\naaa.b..c\n');
    const tabs = { minWidth: 0, tabWidth: 8, padding: 1, padChar: '\t' };
    assert.equal(render('a\tb\nabcdefghi\tc\n', tabs).output, 'a\t\tb\nabcdefghi\tc\n');
  });

  test('invalid settings are refused', () => {
    assert.throws(() => new TabWriter({ write: () => undefined }, { minWidth: -1, tabWidth: 1, padding: 1, padChar: ' ' }), RangeError);
    assert.throws(() => new TabWriter({ write: () => undefined }, { minWidth: 1, tabWidth: 1, padding: 1, padChar: '' }), RangeError);
  });
});

describe('displayWidth', () => {
  const cases: readonly (readonly [string, number])[] = [
    ['abc', 3],
    ['', 0],
    ['日本語', 6],
    ['e\u0301', 1],
    ['😀', 2],
    ['👍🏽', 2],
    ['\u200b', 0],
    ['\x1b', 0],
    ['ｱ', 1],
    ['Ａ', 2],
    ['한국', 4],
    ['é', 1],
  ];
  for (const [s, want] of cases) {
    test(JSON.stringify(s), () => assert.equal(displayWidth(s), want));
  }
});
