// The commands through runProgram, as `berth …` runs them: names, aliases and shortcuts, Go-style
// boolean flag values (`-H=false`), and the exit codes program.ts maps errors to.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError, noSuchImage } from '../../core/errors.js';
import { IMAGE_ID, createFakeServer, type FakeBackends } from '../../server/testing/fake-backends.js';
import { COMMANDS } from '../commands.js';
import { runProgram } from '../program.js';
import { type FakeCliOptions, fakeCli } from './testing/fake-cli.js';


type TestContext = Parameters<typeof fakeCli>[0];

async function berth(t: TestContext, fake: FakeBackends, argv: string[], opts: FakeCliOptions = {}): Promise<{ code: number; out: string; err: string }> {
  const cli = await fakeCli(t, createFakeServer(fake).app, opts);
  const code = await runProgram(argv, COMMANDS, { version: '0.1.0', makeCli: () => cli });
  return { code, out: cli.stdout(), err: cli.stderr() };
}

test('every command answers to its docker names', async (t) => {
  const { fake } = createFakeServer();
  const removed = `Untagged: busybox:latest\nDeleted: ${IMAGE_ID}\n`;
  for (const argv of [['rmi', 'x'], ['image', 'rm', 'x'], ['image', 'remove', 'x'], ['image', 'rmi', 'x']]) {
    assert.deepEqual(await berth(t, fake, argv), { code: 0, out: removed, err: '' }, argv.join(' '));
  }
  for (const argv of [['history', '-q', 'x'], ['image', 'history', '-q', 'x']]) {
    assert.equal((await berth(t, fake, argv)).out, '1f1f1f1f1f1f\n');
  }
  for (const argv of [['tag', 'a', 'b'], ['image', 'tag', 'a', 'b']]) {
    assert.equal((await berth(t, fake, argv)).code, 0);
  }
  for (const argv of [['info', '-f', '{{.Name}}'], ['system', 'info', '--format', '{{.Name}}']]) {
    assert.equal((await berth(t, fake, argv)).out, 'fakehost\n');
  }
  assert.equal((await berth(t, fake, ['version', '-f', '{{.Server.Os}}'])).out, 'linux\n');
  assert.equal((await berth(t, fake, ['image', 'inspect', '-f', '{{.Os}}', 'x'])).out, 'linux\n');
  assert.match((await berth(t, fake, ['system', 'df'])).out, /^TYPE {12}TOTAL/);
  assert.equal((await berth(t, fake, ['image', 'prune', '-f'])).out, 'Total reclaimed space: 0B\n');
  assert.equal((await berth(t, fake, ['save', 'x'])).out, 'fake tar bytes');
  assert.equal((await berth(t, fake, ['load'], { stdin: 'x' })).out, 'Loaded image: busybox:latest\n');
  assert.equal((await berth(t, fake, ['import', '-', 'x'], { stdin: 'x' })).out, `${IMAGE_ID}\n`);
  const until = String(Math.ceil(Date.now() / 1000));
  assert.equal((await berth(t, fake, ['events', '--since', '1h', '--until', until])).code, 0);
  assert.equal((await berth(t, fake, ['system', 'events', '--since', '1h', '--until', until])).code, 0);
});

test('flags as pflag reads them: -H=false, --human=false, --force=true, --no-trunc, -f=value', async (t) => {
  const { fake } = createFakeServer();
  fake.images.historyItems = [{ id: IMAGE_ID, created: new Date(Date.now() - 7200_000), createdBy: 'x', tags: [], size: 1234, comment: '' }];
  for (const flag of ['-H=false', '--human=false', '-H=0', '--human=F']) {
    assert.match((await berth(t, fake, ['history', flag, 'x'])).out, /^IMAGE +CREATED AT +CREATED BY +SIZE +COMMENT\n1f1f1f1f1f1f +\S+ +x +1234 /, flag);
  }
  assert.match((await berth(t, fake, ['history', '--human=true', 'x'])).out, /2 hours ago +x +1\.23kB/);
  assert.match((await berth(t, fake, ['history', '--no-trunc', 'x'])).out, new RegExp(`^${IMAGE_ID} `, 'm'));
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  assert.deepEqual(await berth(t, fake, ['rmi', '--force=true', 'nope']), { code: 0, out: '', err: 'Error response from daemon: No such image: nope:latest\n' });
  assert.equal((await berth(t, fake, ['rmi', '-f=false', 'nope'])).code, 1);
  assert.equal((await berth(t, fake, ['history', '-H=maybe', 'x'])).code, 125);
  // A short flag's value may follow `=`, as pflag allows.
  assert.equal((await berth(t, fake, ['image', 'inspect', '-f={{.Os}}', 'x'])).out, 'linux\n');
  assert.equal((await berth(t, fake, ['history', '-q', '--format={{.Size}}', 'x'])).out, '1.23kB\n');
  // After `--` nothing is a flag.
  assert.equal((await berth(t, fake, ['image', 'inspect', '-f', '{{.Os}}', '--', '-H=false'])).out, 'linux\n');
  assert.equal(fake.images.lastName, '-H=false');
});

test('exit codes: daemon errors 1, flag errors 125, format parse errors 64, stream errors 1', async (t) => {
  const { fake } = createFakeServer();
  fake.images.failFor.set('nope', noSuchImage('nope:latest'));
  assert.deepEqual(await berth(t, fake, ['history', 'nope']), { code: 1, out: '', err: 'Error response from daemon: No such image: nope:latest\n' });
  assert.deepEqual(await berth(t, fake, ['rmi', 'nope']), { code: 1, out: '', err: 'Error response from daemon: No such image: nope:latest\n' });
  assert.deepEqual(await berth(t, fake, ['image', 'inspect', '-f', '{{', 'x']), { code: 64, out: '', err: 'template parsing error: template: :1: unclosed action\n' });
  assert.equal((await berth(t, fake, ['image', 'prune', '-f', '--filter', 'bad'])).code, 125);
  assert.deepEqual(await berth(t, fake, ['save', 'x'], { outTty: true }), {
    code: 1,
    out: '',
    err: 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n',
  });
  assert.deepEqual(await berth(t, fake, ['load'], { inTty: true }), { code: 1, out: '', err: 'requested load from stdin, but stdin is empty\n' });
  fake.imageTransfer.importScript = { progress: [{ status: 'Importing' }], error: new EngineError('invalid-argument', 'bad tar') };
  assert.deepEqual(await berth(t, fake, ['import', '-'], { stdin: 'x' }), { code: 1, out: 'Importing\n', err: 'bad tar\n' });
  assert.deepEqual(await berth(t, fake, ['image', 'prune'], { stdin: 'n\n' }), {
    code: 0,
    out: 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ',
    err: '',
  });
});

test('each entry of commands.ts lists its command as the command’s own spec declares it', async () => {
  for (const entry of COMMANDS) {
    const spec = await entry.load();
    assert.deepEqual(
      [entry.group, entry.name, entry.aliases, entry.shortcuts, entry.description, entry.flags],
      [spec.group, spec.name, spec.aliases, spec.shortcuts, spec.description, (spec.options ?? []).length > 0],
      `${entry.group ?? ''} ${entry.name}`,
    );
  }
});

test('a command line loads only the command it runs', async (t) => {
  const { fake } = createFakeServer();
  const loaded: string[] = [];
  const spied = COMMANDS.map((e) => ({ ...e, load: () => (loaded.push(`${e.group ?? ''} ${e.name}`), e.load()) }));
  const cli = await fakeCli(t, createFakeServer(fake).app);
  assert.equal(await runProgram(['image', 'ls', '-q'], spied, { version: '0.1.0', makeCli: () => cli }), 0);
  assert.deepEqual(loaded, ['image ls']);
});
