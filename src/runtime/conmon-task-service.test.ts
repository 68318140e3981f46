// Root tests of ConmonTaskService with the real conmon and runc: each test has its own state
// dir, runc root and cgroup parent, a busybox bundle bound onto <bundle>/rootfs, and checks
// afterwards that no mount, runc container, conmon process or cgroup is left.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { isRoot, mountsUnder } from '../../test/helpers/env.js';
import { busyboxRootfs } from '../cli/seed/busybox-rootfs.js';
import { isEngineError } from '../core/errors.js';
import type { OciResources, OciSpec } from '../oci/runtime-spec.js';
import { unescapeMountPath } from './cgroups.js';
import { ConmonTaskService } from './conmon-task-service.js';
import { readLog, type LogEntry } from './k8s-file-log.js';
import type { AttachStreams, Process, Task, TaskIo } from './task-service.js';

const execFileAsync = promisify(execFile);

function missingTools(): string | false {
  if (!isRoot()) return 'needs root (runc, mounts, cgroups); run the suite as root';
  for (const tool of ['/usr/bin/conmon', '/usr/sbin/runc', '/bin/busybox']) {
    if (!existsSync(tool)) return `needs ${tool}`;
  }
  return false;
}
const skip = missingTools();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_AUDIT_WRITE'];

/** A minimal valid config.json, modelled on `runc spec`. */
function ociSpec(id: string, cgroupParent: string, args: string[], o: { terminal?: boolean; resources?: OciResources }): OciSpec {
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: o.terminal === true,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: id,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      cgroupsPath: `/${cgroupParent}/${id}`,
      resources: { devices: [{ allow: false, access: 'rwm' }], ...o.resources },
      maskedPaths: ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

let rootfsDir = '';

before(async () => {
  if (skip !== false) return;
  rootfsDir = await mkdtemp(join(tmpdir(), 'berth-busybox-'));
  const { tar } = await busyboxRootfs();
  const child = spawn('tar', ['-x', '-C', rootfsDir], { stdio: ['pipe', 'ignore', 'inherit'] });
  tar.pipe(child.stdin);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, 'unpacking the busybox rootfs');
});

after(async () => {
  if (rootfsDir !== '') await rm(rootfsDir, { recursive: true, force: true });
});

interface RunOptions {
  args: string[];
  terminal?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  consoleSize?: { rows: number; cols: number };
  resources?: OciResources;
  log?: boolean;
}

interface Env {
  dir: string;
  stateDir: string;
  runcRoot: string;
  svc: ConmonTaskService;
  newService(): ConmonTaskService;
  create(id: string, o: RunOptions): Promise<{ task: Task; bundle: string; logPath: string }>;
}

const silent = pino({ enabled: false });

/** Where the daemon keeps runtime state in production is tmpfs (the exec root); so do the tests. */
const RUN_BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

async function setup(t: TestContext): Promise<Env> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-rt-'));
  const run = await mkdtemp(join(RUN_BASE, 'berth-rt-'));
  const stateDir = join(run, 'state');
  const runcRoot = join(run, 'runc');
  const cgroupParent = `berth-test-${dir.slice(-6)}`;
  const newService = (): ConmonTaskService =>
    new ConmonTaskService({ stateDir, runcRoot, runtimes: { runc: { path: 'runc' } }, defaultRuntime: 'runc', log: silent });
  const svc = newService();
  t.after(async () => {
    const problems: string[] = [];
    for (const info of await svc.list().catch(() => [])) {
      problems.push(`task ${info.id} left`);
      await svc.delete(info.id).catch((err: unknown) => problems.push(`delete ${info.id}: ${String(err)}`));
    }
    let conmons = await conmonsUnder(stateDir);
    for (let i = 0; i < 100 && conmons.length > 0; i++) {
      await sleep(50);
      conmons = await conmonsUnder(stateDir);
    }
    for (const pid of conmons) {
      problems.push(`conmon ${pid} still running`);
      process.kill(pid, 'SIGKILL');
    }
    const runcDir = join(runcRoot, 'runc');
    const { stdout } = await execFileAsync('runc', ['--root', runcDir, 'list', '-q']);
    for (const id of stdout.split('\n').filter((l) => l !== '')) {
      problems.push(`runc container ${id} left`);
      await execFileAsync('runc', ['--root', runcDir, 'delete', '-f', id]).catch(() => undefined);
    }
    for (const mp of await cgroupHierarchies()) {
      const parent = join(mp, cgroupParent);
      if (!existsSync(parent)) continue;
      for (const e of await readdir(parent, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        problems.push(`cgroup ${join(parent, e.name)} left`);
        await rmdir(join(parent, e.name)).catch(() => undefined);
      }
      await rmdir(parent).catch((err: unknown) => problems.push(`rmdir ${parent}: ${String(err)}`));
    }
    for (const m of mountsUnder(dir).reverse()) {
      problems.push(`mount ${m} left`);
      await execFileAsync('umount', ['-l', m]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
    await rm(run, { recursive: true, force: true });
    assert.deepEqual(problems, []);
  });

  return {
    dir,
    stateDir,
    runcRoot,
    svc,
    newService,
    async create(id, o) {
      const bundle = join(dir, 'bundles', id);
      await mkdir(bundle, { recursive: true });
      const spec = ociSpec(id, cgroupParent, o.args, o);
      await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
      const logPath = join(dir, 'logs', id, 'log');
      await mkdir(join(dir, 'logs', id), { recursive: true });
      const io: TaskIo = { terminal: o.terminal === true, stdin: o.stdin === true };
      if (o.stdinOnce !== undefined) io.stdinOnce = o.stdinOnce;
      if (o.consoleSize !== undefined) io.consoleSize = o.consoleSize;
      if (o.log !== false) io.logPath = logPath;
      const task = await svc.create({ id, bundle, rootfs: [{ type: 'bind', source: rootfsDir, options: ['rbind', 'ro'] }], io });
      return { task, bundle, logPath };
    },
  };
}

/** Mount points of every cgroup hierarchy, also named ones (name=systemd) that runc uses too. */
async function cgroupHierarchies(): Promise<string[]> {
  const out: string[] = [];
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
    const sep = line.indexOf(' - ');
    const fstype = line.slice(sep + 3).split(' ')[0];
    const mp = line.split(' ')[4];
    if (sep >= 0 && mp !== undefined && (fstype === 'cgroup' || fstype === 'cgroup2')) out.push(unescapeMountPath(mp));
  }
  return out;
}

/** conmon processes whose command line names the test's state dir. */
async function conmonsUnder(stateDir: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith('conmon\0') || cmd.includes('/conmon\0')) {
      if (cmd.includes(stateDir)) out.push(Number(name));
    }
  }
  return out;
}

/** Reads an attach connection's output in the background. */
class Output {
  stdout = '';
  stderr = '';
  readonly ended: Promise<void>;

  constructor(io: AttachStreams) {
    this.ended = (async () => {
      for await (const c of io.output) {
        if (c.stream === 'stdout') this.stdout += c.data.toString();
        else this.stderr += c.data.toString();
      }
    })();
  }

  async until(re: RegExp, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!re.test(this.stdout)) {
      if (Date.now() > deadline) assert.fail(`no ${re} in output ${JSON.stringify(this.stdout)}`);
      await sleep(10);
    }
  }
}

async function entries(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.stream}:${e.line.toString()}${e.partial ? '…' : ''}`);
  return out;
}

function ms(from: number): number {
  return Math.round((performance.now() - from) * 10) / 10;
}

describe('ConmonTaskService (conmon + runc)', { skip }, () => {
  it('runs a container: output on the attach socket and in the log, exit code, delete twice', async (t) => {
    const env = await setup(t);
    const { task, logPath } = await env.create('c1', { args: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    assert.equal(await task.status(), 'created');
    assert.ok(task.pid > 0);
    const io = await task.attach();
    const out = new Output(io);
    await task.start();
    const exit = await task.wait();
    await out.ended;
    assert.equal(out.stdout, 'out\n');
    assert.equal(out.stderr, 'err\n');
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.oomKilled, false);
    assert.ok(Date.now() - exit.exitedAt.getTime() < 10_000);
    assert.equal(await task.status(), 'stopped');
    assert.deepEqual((await entries(readLog(logPath))).sort(), ['stderr:err', 'stdout:out']);
    const infos = await env.svc.list();
    assert.deepEqual(infos.map((i) => [i.id, i.status, i.exit?.exitCode]), [['c1', 'stopped', 3]]);
    assert.equal((await env.svc.delete('c1'))?.exitCode, 3);
    assert.equal(await env.svc.delete('c1'), undefined);
    assert.deepEqual(await env.svc.list(), []);
    await assert.rejects(env.svc.get('c1'), (err: unknown) => isEngineError(err) && err.kind === 'not-found');
  });

  it('is quick: create, start, wait and delete of `true`', async (t) => {
    const env = await setup(t);
    const times: Record<string, number[]> = { create: [], start: [], wait: [], delete: [], total: [] };
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const { task } = await env.create(`q${i}`, { args: ['true'], log: true });
      const t1 = performance.now();
      await task.start();
      const t2 = performance.now();
      assert.equal((await task.wait()).exitCode, 0);
      const t3 = performance.now();
      await env.svc.delete(`q${i}`);
      const t4 = performance.now();
      if (i === 0) continue; // warm-up
      times['create']?.push(t1 - t0);
      times['start']?.push(t2 - t1);
      times['wait']?.push(t3 - t2);
      times['delete']?.push(t4 - t3);
      times['total']?.push(t4 - t0);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const rawStart = performance.now();
    const bundle = join(env.dir, 'raw');
    await mkdir(join(bundle, 'rootfs'), { recursive: true });
    await writeFile(join(bundle, 'config.json'), JSON.stringify(ociSpec('raw', 'berth-raw', ['true'], {})));
    await execFileAsync('mount', ['--rbind', '-o', 'ro', rootfsDir, join(bundle, 'rootfs')]);
    const raw: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const r0 = performance.now();
        await execFileAsync('runc', ['--root', join(env.runcRoot, 'raw'), 'run', '--bundle', bundle, `raw${i}`]);
        raw.push(performance.now() - r0);
      }
    } finally {
      await execFileAsync('umount', ['-R', join(bundle, 'rootfs')]);
      for (const mp of await cgroupHierarchies()) await rmdir(join(mp, 'berth-raw')).catch(() => undefined);
    }
    t.diagnostic(
      `median ms: ${Object.entries(times).map(([k, v]) => `${k} ${median(v).toFixed(1)}`).join(', ')}; raw runc run ${median(raw).toFixed(1)} (took ${ms(rawStart)} ms)`,
    );
  });

  it('pipes stdin and closes it (stdinOnce)', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('cat', { args: ['cat'], stdin: true, stdinOnce: true });
    const io = await task.attach();
    const out = new Output(io);
    await task.start();
    await io.write(Buffer.from('hello\n'));
    await io.write(Buffer.from(`${'x'.repeat(100_000)}\n`)); // more than one attach packet
    await out.until(/hello\n/);
    await io.closeStdin();
    assert.equal((await task.wait()).exitCode, 0);
    await out.ended;
    assert.equal(out.stdout, `hello\n${'x'.repeat(100_000)}\n`);
    await env.svc.delete('cat');
  });

  it('keeps stdin open across attaches without stdinOnce', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('keep', { args: ['sh', '-c', 'while read x; do echo "got $x"; done; echo eof'], stdin: true });
    await task.start();
    const a = await task.attach();
    const outA = new Output(a);
    await a.write(Buffer.from('one\n'));
    await outA.until(/got one/);
    await a.closeStdin();
    a.close();
    const b = await task.attach();
    const outB = new Output(b);
    await b.write(Buffer.from('two\n'));
    await outB.until(/got two/);
    assert.equal(await task.status(), 'running');
    await task.kill('KILL');
    assert.equal((await task.wait()).exitCode, 137);
    await outB.ended;
    await env.svc.delete('keep');
  });

  it('runs on a terminal and resizes it', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('tty', { args: ['sh'], terminal: true, stdin: true, consoleSize: { rows: 24, cols: 80 } });
    const io = await task.attach();
    const out = new Output(io);
    await task.start();
    await io.write(Buffer.from('stty size\n'));
    await out.until(/24 80\r\n/);
    await task.resize({ rows: 50, cols: 132 });
    await task.resize({ rows: 51, cols: 133 }); // close behind: coalesced, the newest wins
    await task.resize({ rows: 52, cols: 134 });
    await io.write(Buffer.from('stty size\n'));
    await out.until(/52 134\r\n/);
    await io.write(Buffer.from('exit 4\n'));
    assert.equal((await task.wait()).exitCode, 4);
    await out.ended;
    assert.equal(out.stderr, '');
    await env.svc.delete('tty');
  });

  it('execs with and without a terminal, and reports failures', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('ex', { args: ['sleep', '1000'] });
    await task.start();
    const proc = (args: string[]) => ({ user: { uid: 0, gid: 0 }, args, cwd: '/', env: ['PATH=/bin:/usr/bin'] });
    const run = async (p: Process, stdin?: string): Promise<{ out: Output; code: number }> => {
      const io = await p.attach();
      const out = new Output(io);
      await p.start();
      if (stdin !== undefined) {
        await io.write(Buffer.from(stdin));
        await io.closeStdin();
      }
      const { exitCode } = await p.wait();
      await out.ended;
      return { out, code: exitCode };
    };

    const t0 = performance.now();
    const plain = await run(await task.exec({ execId: 'e1', process: proc(['sh', '-c', 'echo out; echo err >&2; exit 5']), io: { terminal: false, stdin: false } }));
    const execMs = ms(t0);
    assert.deepEqual([plain.out.stdout, plain.out.stderr, plain.code], ['out\n', 'err\n', 5]);

    const tty = await run(await task.exec({ execId: 'e2', process: proc(['sh', '-c', 'stty size; exit 2']), io: { terminal: true, stdin: false, consoleSize: { rows: 33, cols: 99 } } }));
    assert.deepEqual([tty.out.stdout, tty.code], ['33 99\r\n', 2]);

    const cat = await run(await task.exec({ execId: 'e3', process: proc(['cat']), io: { terminal: false, stdin: true } }), 'piped\n');
    assert.deepEqual([cat.out.stdout, cat.code], ['piped\n', 0]);

    const detached = await task.exec({ execId: 'e4', process: proc(['sh', '-c', 'exit 9']), io: { terminal: false, stdin: false } });
    await detached.start();
    assert.ok(detached.pid > 0);
    assert.equal((await detached.wait()).exitCode, 9);

    const signalled = await task.exec({ execId: 'e5', process: proc(['sleep', '100']), io: { terminal: false, stdin: false } });
    await signalled.start();
    await signalled.kill('TERM');
    assert.equal((await signalled.wait()).exitCode, 143);

    const failures: [string, RegExp][] = [
      ['nope', /exec: "nope": executable file not found in \$PATH/],
      ['/etc/passwd', /exec: "\/etc\/passwd": permission denied/],
      ['/etc', /exec: "\/etc": permission denied/],
    ];
    for (const [i, [cmd, re]] of failures.entries()) {
      const p = await task.exec({ execId: `bad${i}`, process: proc([cmd]), io: { terminal: false, stdin: false } });
      await p.attach();
      const check = (err: unknown): boolean => isEngineError(err) && err.kind === 'invalid-argument' && re.test(err.message);
      await assert.rejects(p.start(), check);
      await assert.rejects(p.wait(), check);
    }
    t.diagnostic(`exec (attach, start, output, exit): ${execMs} ms; runtime messages: ${failures.map(([c]) => c).join(', ')} checked`);
    assert.deepEqual(await readdir(join(env.stateDir, 'tasks', 'ex', 'exec')), []);
    await task.kill('KILL');
    assert.equal((await task.wait()).exitCode, 137);
    await env.svc.delete('ex');
  });

  it('delivers signals to the init', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('sig', { args: ['sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'] });
    const io = await task.attach();
    const out = new Output(io);
    await task.start();
    await out.until(/ready/);
    await task.kill('TERM');
    assert.equal((await task.wait()).exitCode, 42);
    await out.ended;
    await assert.rejects(task.kill('KILL'), (err: unknown) => isEngineError(err) && err.kind === 'conflict');
    await env.svc.delete('sig');
  });

  it('pauses, resumes, lists pids, reads stats and updates limits', async (t) => {
    const env = await setup(t);
    const mib = 1024 * 1024;
    const { task } = await env.create('res', { args: ['sh', '-c', 'sleep 1000 & wait'], resources: { memory: { limit: 256 * mib, swap: 256 * mib }, pids: { limit: 100 } } });
    await task.start();
    const pids = await task.pids();
    assert.ok(pids.includes(task.pid), `${pids.join(',')} has ${task.pid}`);
    const s = await task.stats();
    assert.ok(s.cpu.totalNs > 0n);
    assert.ok(s.memory.usage > 0);
    assert.equal(s.memory.limit, 256 * mib);
    assert.ok(s.pids.current >= 1);
    assert.equal(s.pids.limit, 100);
    assert.ok(Object.keys(s.memory.stats).length > 5);
    await task.update({ memory: { limit: 128 * mib, swap: 128 * mib } });
    assert.equal((await task.stats()).memory.limit, 128 * mib);
    await task.pause();
    assert.equal(await task.status(), 'paused');
    assert.deepEqual((await env.svc.list()).map((i) => i.status), ['paused']);
    await assert.rejects(task.pause(), (err: unknown) => isEngineError(err) && err.kind === 'conflict');
    await task.resume();
    assert.equal(await task.status(), 'running');
    await task.kill('KILL', { all: true });
    const exit = await task.wait();
    assert.deepEqual([exit.exitCode, exit.oomKilled], [137, false]);
    await env.svc.delete('res');
  });

  it('tells an OOM kill', async (t) => {
    const env = await setup(t);
    const mib = 1024 * 1024;
    const { task } = await env.create('oom', { args: ['sh', '-c', 'x=aaaaaaaa; while :; do x=$x$x; done'], resources: { memory: { limit: 16 * mib, swap: 16 * mib } } });
    await task.start();
    const exit = await task.wait();
    assert.deepEqual([exit.exitCode, exit.oomKilled], [137, true]);
    assert.equal((await env.svc.list())[0]?.exit?.oomKilled, true);
    assert.equal((await env.svc.delete('oom'))?.oomKilled, true);
  });

  it('reads its log with tail, since and follow, across a rotation', async (t) => {
    const env = await setup(t);
    const { task, logPath } = await env.create('log', {
      args: ['sh', '-c', 'i=0; while [ $i -lt 40 ]; do echo line$i; i=$((i+1)); sleep 0.01; done; echo oops >&2; printf end'],
    });
    await task.start();
    const followed: LogEntry[] = [];
    let rotated = false;
    for await (const e of readLog(logPath, { follow: true, done: task.wait() })) {
      followed.push(e);
      if (followed.length === 10 && !rotated) {
        rotated = true;
        await rename(logPath, `${logPath}.1`);
        await env.svc.reopenLog('log');
      }
    }
    const lines = followed.map((e) => `${e.stream}:${e.line.toString()}${e.partial ? '…' : ''}`);
    assert.deepEqual(lines, [...Array.from({ length: 40 }, (_v, i) => `stdout:line${i}`), 'stderr:oops', 'stdout:end…']);
    // Reading the log reads the rotated file first.
    const old = await entries(readLog(`${logPath}.1`));
    assert.deepEqual(await entries(readLog(logPath)), lines);
    assert.ok(old.length >= 10 && old.length <= lines.length - 2, `${old.length} of ${lines.length} in the old file`);
    assert.deepEqual(await entries(readLog(logPath, { tail: 2 })), ['stderr:oops', 'stdout:end…']);
    const mid = followed[20]?.time ?? 0n;
    const since = await entries(readLog(`${logPath}.1`, { since: mid }));
    assert.ok(since.every((l) => Number(l.slice('stdout:line'.length)) >= 20 || !l.startsWith('stdout:line')));
    await env.svc.delete('log');
  });

  it('re-adopts a running task from a second service instance', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('adopt', { args: ['sh', '-c', 'while read x; do echo "got $x"; done'], stdin: true });
    await task.start();
    const other = env.newService();
    assert.deepEqual((await other.list()).map((i) => [i.id, i.status, i.pid]), [['adopt', 'running', task.pid]]);
    const again = await other.get('adopt');
    assert.equal(again.pid, task.pid);
    const io = await again.attach();
    const out = new Output(io);
    await io.write(Buffer.from('hi\n'));
    await out.until(/got hi/);
    await again.kill('KILL');
    assert.equal((await again.wait()).exitCode, 137);
    await out.ended;
    assert.equal((await other.delete('adopt'))?.exitCode, 137);
  });

  it('reports an exit that happened while no service ran', async (t) => {
    const env = await setup(t);
    const { task } = await env.create('gone', { args: ['sh', '-c', 'exit 7'] });
    const conmonPid = Number(await readFile(join(env.stateDir, 'tasks', 'gone', 'conmon.pid'), 'utf8'));
    await task.start();
    for (let i = 0; i < 200 && existsSync(`/proc/${conmonPid}`); i++) await sleep(10);
    const later = env.newService();
    const [info] = await later.list();
    assert.deepEqual([info?.id, info?.status, info?.exit?.exitCode], ['gone', 'stopped', 7]);
    assert.equal((await (await later.get('gone')).wait()).exitCode, 7);
    assert.equal((await later.delete('gone'))?.exitCode, 7);
    assert.equal(await later.delete('gone'), undefined);
  });

  it('refuses what cannot run and leaves nothing behind; deletes a running task', async (t) => {
    const env = await setup(t);
    await assert.rejects(env.create('bad1', { args: ['nope'] }), (err: unknown) =>
      isEngineError(err) && err.kind === 'invalid-argument' && /exec: "nope": executable file not found in \$PATH/.test(err.message));
    await assert.rejects(env.create('bad2', { args: ['/etc'] }), (err: unknown) =>
      isEngineError(err) && err.kind === 'invalid-argument' && /exec: "\/etc": permission denied/.test(err.message));
    assert.deepEqual(await readdir(join(env.stateDir, 'tasks')), []);
    assert.deepEqual(await readdir(join(env.stateDir, 's')), []);
    assert.deepEqual(mountsUnder(env.dir), []);
    await assert.rejects(env.svc.create({ id: '../x', bundle: env.dir, rootfs: [], io: { terminal: false, stdin: false } }), (err: unknown) =>
      isEngineError(err) && err.kind === 'invalid-argument');
    const { task } = await env.create('run', { args: ['sleep', '1000'] });
    await assert.rejects(env.create('run', { args: ['true'] }), (err: unknown) => isEngineError(err) && err.kind === 'already-exists');
    await task.start();
    const exit = await env.svc.delete('run');
    assert.equal(exit?.exitCode, 137);
    assert.equal(await env.svc.delete('run'), undefined);
  });
});
