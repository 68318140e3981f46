// Volumes: named ones (`volume create`, `-v name:/path`), anonymous ones (image VOLUMEs, `-v
// /path`, `--mount type=volume` without a source), which containers use them, and their
// events. Where a volume's data lives is the driver's business (src/volume); this file decides
// when it is made, mounted, released and removed, with moby's words for each refusal.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { EngineError, conflict, invalidArgument, kindOf, notFound } from '../../core/errors.js';
import type { Filters } from '../../core/filters.js';
import { KeyedMutex } from '../../util/keyed-mutex.js';
import type { VolumeDriver } from '../../volume/volume-driver.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { EventBus } from '../events/event-bus.js';
import { ANONYMOUS_LABEL, type VolumeRecord, type VolumeStore } from './volume-store.js';

export interface VolumeCreateRequest {
  /** '' makes an anonymous-looking name (64 hex digits), as dockerd does. */
  name: string;
  driver: string;
  options: Record<string, string>;
  labels: Record<string, string>;
}

/** A volume as inspect shows it. */
export interface VolumeDetails extends VolumeRecord {
  mountpoint: string;
}

export interface VolumeUsage extends VolumeDetails {
  size: number;
  refCount: number;
}

/** What the containers' side offers: their records, read-only. */
export interface ContainerView {
  list(): ContainerRecord[];
}

export const VOLUME_LIST_FILTERS = ['dangling', 'driver', 'label', 'name'];
export const VOLUME_PRUNE_FILTERS = ['label', 'label!', 'all'];
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class VolumeService {
  private readonly lock = new KeyedMutex();
  private containers: ContainerView = { list: () => [] };
  /** Volumes a container being created has taken, before its record exists (volume → IDs). */
  private readonly creating = new Map<string, Set<string>>();

  constructor(
    private readonly store: VolumeStore,
    private readonly drivers: ReadonlyMap<string, VolumeDriver>,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  setContainers(view: ContainerView): void {
    this.containers = view;
  }

  // ---- lookups ---------------------------------------------------------------------------

  list(filters: Filters): VolumeDetails[] {
    filters.validateKeys(VOLUME_LIST_FILTERS);
    const dangling = filters.has('dangling') ? filters.getBoolOrDefault('dangling', false) : undefined;
    const used = this.usedNames();
    return this.store
      .list()
      .filter((v) => !filters.has('name') || filters.match('name', v.name))
      .filter((v) => !filters.has('driver') || filters.exactMatch('driver', v.driver))
      .filter((v) => !filters.has('label') || filters.matchKVList('label', v.labels))
      .filter((v) => dangling === undefined || used.has(v.name) !== dangling)
      .map((v) => this.details(v));
  }

  inspect(name: string): VolumeDetails {
    return this.details(this.get(name));
  }

  /** IDs of the containers that use the volume, whatever their state, and those being created with it. */
  users(name: string): string[] {
    const ids = this.containers
      .list()
      .filter((c) => c.volumes?.some((m) => m.name === name))
      .map((c) => c.id);
    return [...new Set([...ids, ...(this.creating.get(name) ?? [])])];
  }

  /** The container's record now names its volumes (or its create failed): they are its no longer by this count. */
  forgetCreating(containerId: string): void {
    for (const [name, ids] of this.creating) if (ids.delete(containerId) && ids.size === 0) this.creating.delete(name);
  }

  async diskUsage(): Promise<VolumeUsage[]> {
    const counts = new Map<string, number>();
    for (const c of this.containers.list()) for (const m of new Set((c.volumes ?? []).map((v) => v.name))) counts.set(m, (counts.get(m) ?? 0) + 1);
    return Promise.all(
      this.store.list().map(async (v) => ({
        ...this.details(v),
        size: await this.driver(v.driver).size(v.name).catch(() => -1),
        refCount: counts.get(v.name) ?? 0,
      })),
    );
  }

  // ---- create, remove, prune -------------------------------------------------------------

  /**
   * `createdFor`: a container being created takes the volume at once, under the volume's lock,
   * so that a `volume rm` between this and its record's save is refused (forgetCreating ends it).
   */
  async create(req: VolumeCreateRequest, opts: { createdFor?: string } = {}): Promise<VolumeDetails> {
    const name = req.name === '' ? randomBytes(32).toString('hex') : req.name;
    if (name.length < 2 || !NAME.test(name)) {
      throw invalidArgument(
        name.length < 2 && NAME.test(`${name}x`)
          ? `create ${name}: volume name is too short, names should be at least two alphanumeric characters`
          : `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    }
    const driverName = req.driver || 'local';
    const driver = this.drivers.get(driverName);
    if (!driver) throw notFound(`create ${name}: error looking up volume plugin ${driverName}: plugin "${driverName}" not found`);
    return this.lock.run(name, async () => {
      if (opts.createdFor) this.creating.set(name, (this.creating.get(name) ?? new Set()).add(opts.createdFor));
      const existing = this.store.get(name);
      if (existing) {
        if (existing.driver !== driverName) throw conflict(`create ${name}: volume name must be unique`);
        // dockerd logs a create for every create call, a volume that exists included.
        this.publish(existing, 'create', { driver: existing.driver });
        return this.details(existing);
      }
      try {
        await driver.create({ name, options: req.options });
      } catch (err) {
        if (err instanceof EngineError) throw new EngineError(err.kind, `create ${name}: ${err.message}`, { cause: err });
        throw err;
      }
      const rec: VolumeRecord = {
        name,
        driver: driverName,
        created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        labels: req.labels,
        options: req.options,
      };
      await this.store.save(rec);
      this.publish(rec, 'create', { driver: driverName });
      return this.details(rec);
    });
  }

  /** An anonymous volume for a container: a random name and Docker's anonymous label. */
  createAnonymous(opts: { createdFor?: string } = {}): Promise<VolumeDetails> {
    return this.create({ name: '', driver: 'local', options: {}, labels: { [ANONYMOUS_LABEL]: '' } }, opts);
  }

  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.lock.run(name, async () => {
      const rec = this.store.get(name);
      if (!rec) {
        if (opts.force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = this.users(name);
      if (users.length > 0) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.store.remove(name);
      await this.driver(rec.driver).remove({ name, options: rec.options });
      this.publish(rec, 'destroy', { driver: rec.driver });
    });
  }

  /** Unused volumes; anonymous ones only unless `all` (API ≥ 1.42 asks with filter all=true). */
  async prune(filters: Filters, opts: { all: boolean }): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    filters.validateKeys(VOLUME_PRUNE_FILTERS);
    const all = opts.all || filters.getBoolOrDefault('all', false);
    const used = this.usedNames();
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (const v of this.store.list()) {
      if (used.has(v.name)) continue;
      if (!all && !Object.hasOwn(v.labels, ANONYMOUS_LABEL)) continue;
      if (!filters.matchLabels(v.labels)) continue;
      const size = await this.driver(v.driver).size(v.name).catch(() => 0);
      try {
        await this.remove(v.name);
      } catch (err) {
        if (kindOf(err) === 'conflict' || kindOf(err) === 'not-found') continue;
        throw err;
      }
      deleted.push(v.name);
      spaceReclaimed += size;
    }
    this.events.publish({ type: 'volume', action: 'prune', actor: { id: '', attributes: { reclaimed: String(spaceReclaimed) } } });
    return { deleted, spaceReclaimed };
  }

  // ---- containers' use -------------------------------------------------------------------

  /** Makes the volume reachable for a starting container; the host path of its data. */
  async mount(name: string, containerId: string, at: { destination: string; readOnly: boolean }): Promise<string> {
    const rec = this.get(name);
    const path = await this.lock.run(name, () => this.driver(rec.driver).mount({ name, options: rec.options }, containerId));
    this.publish(rec, 'mount', {
      container: containerId,
      destination: at.destination,
      driver: rec.driver,
      propagation: '',
      'read/write': String(!at.readOnly),
    });
    return path;
  }

  /** Runs `fn` on the volume's data, mounted for it alone (copy-up at container create); no events. */
  async populate(name: string, ref: string, fn: (path: string) => Promise<void>): Promise<void> {
    const rec = this.get(name);
    const v = { name, options: rec.options };
    const key = `${ref}/populate`;
    const path = await this.lock.run(name, () => this.driver(rec.driver).mount(v, key));
    try {
      await fn(path);
    } finally {
      await this.lock.run(name, () => this.driver(rec.driver).unmount(v, key));
    }
  }

  /** Releases a stopped container's use; a volume gone meanwhile is no error. */
  async unmount(name: string, containerId: string): Promise<void> {
    const rec = this.store.get(name);
    if (!rec) return;
    await this.lock.run(name, () => this.driver(rec.driver).unmount({ name, options: rec.options }, containerId));
    this.publish(rec, 'unmount', { container: containerId, driver: rec.driver });
  }

  /** After a daemon restart: a running container keeps its mounts. */
  async adopt(name: string, containerId: string): Promise<void> {
    const rec = this.store.get(name);
    if (rec) await this.driver(rec.driver).adopt({ name, options: rec.options }, containerId);
  }

  /** Removes a removed container's anonymous volume unless another container uses it too. */
  async removeAnonymous(name: string): Promise<void> {
    await this.remove(name).catch((err: unknown) => {
      if (kindOf(err) === 'conflict' || kindOf(err) === 'not-found') return;
      this.log.warn({ err, volume: name }, 'cannot remove an anonymous volume');
    });
  }

  // ---- helpers ---------------------------------------------------------------------------

  private get(name: string): VolumeRecord {
    const rec = this.store.get(name);
    if (!rec) throw notFound(`get ${name}: no such volume`);
    return rec;
  }

  private driver(name: string): VolumeDriver {
    const d = this.drivers.get(name);
    if (!d) throw notFound(`error looking up volume plugin ${name}: plugin "${name}" not found`);
    return d;
  }

  private details(v: VolumeRecord): VolumeDetails {
    return { ...v, mountpoint: this.driver(v.driver).path(v.name) };
  }

  private usedNames(): Set<string> {
    return new Set([...this.containers.list().flatMap((c) => (c.volumes ?? []).map((m) => m.name)), ...this.creating.keys()]);
  }

  private publish(rec: VolumeRecord, action: string, attributes: Record<string, string>): void {
    this.events.publish({ type: 'volume', action, actor: { id: rec.name, attributes } });
  }
}
