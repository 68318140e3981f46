// The volume service on a real local driver in a temporary directory (no driver options, so
// nothing is mounted): names, create-or-get, in-use refusals, list filters, prune rules, usage.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { kindOf } from '../../core/errors.js';
import { Filters } from '../../core/filters.js';
import { LocalDriver } from '../../volume/local-driver.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { EventBus } from '../events/event-bus.js';
import { VolumeService } from './volume-service.js';
import { VolumeStore } from './volume-store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function service(): Promise<{ volumes: VolumeService; events: EventBus; root: string; users: Map<string, string[]> }> {
  const root = await mkdtemp(join(tmpdir(), 'berth-volumes-'));
  dirs.push(root);
  const store = await VolumeStore.open(root);
  const events = new EventBus();
  const volumes = new VolumeService(store, new Map([['local', new LocalDriver(root)]]), events, pino({ level: 'silent' }));
  // Container ID → the volumes it names: all the service asks of containers.
  const users = new Map<string, string[]>();
  volumes.setContainers({
    list: () => [...users].map(([id, names]) => ({ id, volumes: names.map((name) => ({ name })) }) as unknown as ContainerRecord),
  });
  return { volumes, events, root, users };
}

const req = (name: string, more: { labels?: Record<string, string>; options?: Record<string, string> } = {}) => ({
  name,
  driver: '',
  options: more.options ?? {},
  labels: more.labels ?? {},
});

const rejects = async (p: Promise<unknown>, kind: string, message: string | RegExp): Promise<void> => {
  await assert.rejects(p, (err: unknown) => {
    assert.equal(kindOf(err), kind);
    if (typeof message === 'string') assert.equal((err as Error).message, message);
    else assert.match((err as Error).message, message);
    return true;
  });
};

describe('VolumeService', () => {
  test('create keeps Docker layout and returns the existing volume for a known name', async () => {
    const { volumes, root, events } = await service();
    const v = await volumes.create(req('data', { labels: { a: '1' } }));
    assert.equal(v.mountpoint, join(root, 'data', '_data'));
    assert.equal(v.driver, 'local');
    assert.match(v.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok((await stat(v.mountpoint)).isDirectory());
    assert.equal(JSON.parse(await readFile(join(root, 'data', 'volume.json'), 'utf8')).name, 'data');
    assert.deepEqual((await volumes.create(req('data'))).labels, { a: '1' });
    assert.deepEqual(events.recent().map((e) => [e.action, e.actor.id, e.actor.attributes.driver]), [['create', 'data', 'local'], ['create', 'data', 'local']]);
    await mkdir(join(root, 'half-made', '_data'), { recursive: true });
    const reopened = new VolumeService(await VolumeStore.open(root), new Map([['local', new LocalDriver(root)]]), events, pino({ level: 'silent' }));
    assert.equal(reopened.inspect('data').name, 'data');
    // A directory without its record is a create a crash cut short: gone at the next start.
    await assert.rejects(stat(join(root, 'half-made')), { code: 'ENOENT' });
  });

  test('refuses bad names, unknown drivers and options with dockerd words', async () => {
    const { volumes } = await service();
    await rejects(volumes.create(req('a')), 'invalid-argument', 'create a: volume name is too short, names should be at least two alphanumeric characters');
    await rejects(volumes.create(req('a/b')), 'invalid-argument', /^create a\/b: "a\/b" includes invalid characters for a local volume name/);
    await rejects(volumes.create({ ...req('x1'), driver: 'nfs' }), 'not-found', 'create x1: error looking up volume plugin nfs: plugin "nfs" not found');
    await rejects(volumes.create(req('x2', { options: { foo: 'bar' } })), 'invalid-argument', 'create x2: invalid option: "foo"');
    await rejects(volumes.create(req('x3', { options: { type: 'tmpfs' } })), 'invalid-argument', 'create x3: missing required option: "device"');
    await rejects(Promise.resolve().then(() => volumes.inspect('nope')), 'not-found', 'get nope: no such volume');
    assert.match((await volumes.create(req(''))).name, /^[0-9a-f]{64}$/);
  });

  test('remove refuses a volume in use, force ignores a missing one', async () => {
    const { volumes, users, events } = await service();
    await volumes.create(req('data'));
    users.set('c1', ['data']);
    await rejects(volumes.remove('data'), 'conflict', 'remove data: volume is in use - [c1]');
    users.delete('c1');
    await volumes.remove('data');
    await rejects(volumes.remove('data'), 'not-found', 'get data: no such volume');
    await volumes.remove('data', { force: true });
    assert.equal(events.recent().at(-1)?.action, 'destroy');
  });

  test('a container being created holds its volumes until its record names them', async () => {
    const { volumes } = await service();
    await volumes.create(req('data'), { createdFor: 'c2' });
    await rejects(volumes.remove('data'), 'conflict', 'remove data: volume is in use - [c2]');
    assert.deepEqual(await volumes.prune(new Filters(), { all: true }), { deleted: [], spaceReclaimed: 0 });
    volumes.forgetCreating('c2');
    await volumes.remove('data');
  });

  test('list filters: name, label, driver, dangling', async () => {
    const { volumes, users } = await service();
    await volumes.create(req('web-data', { labels: { app: 'web' } }));
    await volumes.create(req('db-data', { labels: { app: 'db' } }));
    users.set('c1', ['db-data']);
    const names = (f: [string, string][]): string[] => volumes.list(new Filters(f.map(([k, v]) => [k, [v]]))).map((v) => v.name).sort();
    assert.deepEqual(names([['name', 'web']]), ['web-data']);
    assert.deepEqual(names([['label', 'app=db']]), ['db-data']);
    assert.deepEqual(names([['driver', 'local']]), ['db-data', 'web-data']);
    assert.deepEqual(names([['dangling', 'true']]), ['web-data']);
    assert.deepEqual(names([['dangling', 'false']]), ['db-data']);
    assert.throws(() => names([['until', '1h']]), /invalid filter 'until'/);
  });

  test('prune takes unused anonymous volumes, all of them with all, and counts sizes', async () => {
    const { volumes, users } = await service();
    const anon = await volumes.createAnonymous();
    const used = await volumes.createAnonymous();
    const named = await volumes.create(req('named'));
    users.set('c1', [used.name]);
    await writeFile(join(anon.mountpoint, 'f'), 'x'.repeat(100));
    await writeFile(join(named.mountpoint, 'f'), 'y'.repeat(10));
    assert.deepEqual(await volumes.prune(new Filters(), { all: false }), { deleted: [anon.name], spaceReclaimed: 100 });
    const usage = await volumes.diskUsage();
    assert.deepEqual(usage.map((u) => [u.name, u.size, u.refCount]).sort(), [[named.name, 10, 0], [used.name, 0, 1]].sort());
    assert.deepEqual(await volumes.prune(new Filters([['all', ['true']]]), { all: false }), { deleted: ['named'], spaceReclaimed: 10 });
  });
});
