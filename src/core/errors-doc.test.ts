// docs/errors.md documents every error kind with its HTTP status (style item 15, after fastify's
// test/internals/errors.test.js). This fails when a kind is missing from the doc, when the doc
// lists a kind that no longer exists, or when a status disagrees with server/errors.ts.
//
// The doc's contract: under the heading `## Engine error kinds`, the first table has one row per
// kind, the kind in backticks in the first column and the status in the second. The registry
// server's error codes have their own heading and table, checked the same way against
// registry/errors.ts.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REGISTRY_ERROR_STATUS } from '../registry/errors.js';
import { HTTP_STATUS } from '../server/errors.js';
import { ERROR_KINDS, type ErrorKind } from './errors.js';

const KINDS_HEADING = 'Engine error kinds';
const REGISTRY_HEADING = 'Registry error codes';

/** docs/errors.md of the repository: three levels above the compiled file, else from the cwd. */
function docPath(): string {
  const besideBuild = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));
  return existsSync(besideBuild) ? besideBuild : join(process.cwd(), 'docs', 'errors.md');
}

/** The cells of each body row of the first table under `## <heading>` (before the next `## `). */
function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`docs/errors.md has no "## ${heading}" heading`);
  const rows: string[][] = [];
  let inTable = false;
  for (const raw of lines.slice(start + 1)) {
    const line = raw.trim();
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    rows.push(
      line
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((c) => c.trim()),
    );
  }
  // Drop the header row and the |---| separator.
  return rows.filter((cells) => !cells.every((c) => /^:?-+:?$/.test(c))).slice(1);
}

/** Everything wrong with the kinds table, in words; empty when the doc is right. */
function checkKindsTable(
  markdown: string,
  kinds: readonly string[],
  status: Readonly<Record<string, number>>,
  heading = KINDS_HEADING,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const cells of tableUnder(markdown, heading)) {
    const [kindCell = '', statusCell = '', meaning = ''] = cells;
    const m = /^`([^`]+)`$/.exec(kindCell);
    if (!m) {
      problems.push(`row ${JSON.stringify(cells.join(' | '))}: the first column must be a kind in backticks`);
      continue;
    }
    const kind = m[1]!;
    if (seen.has(kind)) problems.push(`${kind}: listed twice`);
    seen.add(kind);
    if (!kinds.includes(kind)) {
      problems.push(`${kind}: documented but not an ErrorKind (stale entry?)`);
      continue;
    }
    if (statusCell !== String(status[kind])) problems.push(`${kind}: documented as ${statusCell}, but server/errors.ts maps it to ${status[kind]}`);
    if (meaning === '') problems.push(`${kind}: no meaning given`);
  }
  for (const kind of kinds) if (!seen.has(kind)) problems.push(`${kind}: missing from docs/errors.md`);
  return problems;
}

describe('docs/errors.md', () => {
  const doc = readFileSync(docPath(), 'utf8');

  test('ERROR_KINDS lists exactly the kinds that have an HTTP status', () => {
    // HTTP_STATUS is a Record<ErrorKind, number>, so the compiler keeps its keys complete.
    assert.deepEqual([...ERROR_KINDS].sort(), Object.keys(HTTP_STATUS).sort());
    assert.equal(new Set(ERROR_KINDS).size, ERROR_KINDS.length);
  });

  test('documents every error kind with its HTTP status, and nothing stale', () => {
    assert.deepEqual(checkKindsTable(doc, ERROR_KINDS, HTTP_STATUS), []);
  });

  test('documents every registry error code with its HTTP status, and nothing stale', () => {
    const codes = Object.keys(REGISTRY_ERROR_STATUS);
    const problems = checkKindsTable(doc, codes, REGISTRY_ERROR_STATUS, REGISTRY_HEADING);
    assert.deepEqual(problems.map((p) => p.replace('an ErrorKind', 'a registry error code').replace('server/errors.ts', 'registry/errors.ts')), []);
  });
});

describe('the check itself', () => {
  const kinds: readonly ErrorKind[] = ['not-found', 'conflict'];
  const status = { 'not-found': 404, conflict: 409 };
  const doc = (rows: string, heading = KINDS_HEADING): string =>
    `# Errors\n\nIntro.\n\n## ${heading}\n\nText.\n\n| Kind | HTTP status | Meaning |\n|---|---|---|\n${rows}\n\n## Other\n\n| Kind | HTTP status | Meaning |\n|---|---|---|\n| \`gone\` | 500 | not in the kinds table |\n`;

  test('a complete table passes', () => {
    assert.deepEqual(checkKindsTable(doc('| `not-found` | 404 | missing |\n| `conflict` | 409 | wrong state |'), kinds, status), []);
  });

  const broken: [what: string, rows: string, problem: string][] = [
    ['a missing kind', '| `not-found` | 404 | missing |', 'conflict: missing from docs/errors.md'],
    ['a stale kind', '| `not-found` | 404 | x |\n| `conflict` | 409 | y |\n| `gone` | 410 | z |', 'gone: documented but not an ErrorKind (stale entry?)'],
    ['a wrong status', '| `not-found` | 400 | x |\n| `conflict` | 409 | y |', 'not-found: documented as 400, but server/errors.ts maps it to 404'],
    ['a duplicate', '| `not-found` | 404 | x |\n| `not-found` | 404 | x |\n| `conflict` | 409 | y |', 'not-found: listed twice'],
    ['an empty meaning', '| `not-found` | 404 |  |\n| `conflict` | 409 | y |', 'not-found: no meaning given'],
    ['a kind without backticks', '| not-found | 404 | x |\n| `conflict` | 409 | y |', 'row "not-found | 404 | x": the first column must be a kind in backticks'],
  ];
  for (const [what, rows, problem] of broken) {
    test(`fails on ${what}`, () => {
      assert.ok(checkKindsTable(doc(rows), kinds, status).includes(problem), checkKindsTable(doc(rows), kinds, status).join('\n'));
    });
  }

  test('fails when the heading is gone', () => {
    assert.throws(() => checkKindsTable(doc('| `not-found` | 404 | x |', 'Kinds'), kinds, status), /no "## Engine error kinds" heading/);
  });

  test('reads only the first table of its own section', () => {
    const rows = tableUnder(doc('| `not-found` | 404 | x |'), KINDS_HEADING);
    assert.deepEqual(rows, [['`not-found`', '404', 'x']]);
  });
});
