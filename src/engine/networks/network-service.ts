// Networks: the predefined bridge, host and none, user-defined bridge networks, and a
// container's place on them. A container's namespace is made when it starts (before runc,
// which joins it through the spec) and removed when it stops; its addresses come from each
// network's allocator, rebuilt at daemon start from the endpoints running containers record.
// Kernel work is in src/network (bridges, namespaces, nftables, DNS); this file decides what.

import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { EngineError, conflict, invalidArgument, kindOf, notFound } from '../../core/errors.js';
import type { Filters } from '../../core/filters.js';
import { KeyedMutex } from '../../util/keyed-mutex.js';
import { parseTimestampOrDuration, unixTimeToMillis } from '../../util/units.js';
import { DnsServer, hostNameservers } from '../../network/dns-server.js';
import { type FirewallModel, type PortForward, applyRuleset, deleteTable } from '../../network/firewall.js';
import { AddressAllocator, type AddressPoolSpec, chooseSubnet } from '../../network/ipam.js';
import { type Subnet, contains, formatIPv4, formatSubnet, macForAddress, overlaps, parseAddressInSubnet, parseIPv4, parseSubnet } from '../../network/ipv4.js';
import { type InterfaceSpec, addInterfaces, createSandbox, deleteBridge, deleteSandbox, ensureBridge, linkExists, removeInterfaces } from '../../network/links.js';
import { hostRoutes } from '../../network/host-routes.js';
import type { EventBus } from '../events/event-bus.js';
import type { ContainerRecord, EndpointState, NetworkState, PortBinding } from '../containers/container-record.js';
import type { EndpointRequest } from '../containers/spec/container-spec.js';
import type { IpamPool, NetworkRecord, NetworkStore } from './network-store.js';
import { type VisibleEndpoint, lookupAddress, lookupName, visibleEndpoints } from './network-names.js';
import { bindPorts, toForward } from './published-ports.js';

export interface NetworkSettings {
  /** Network namespaces live in `<execRoot>/netns`. */
  execRoot: string;
  /** The default bridge's interface (dockerd's --bridge). */
  bridgeName: string;
  /** The default bridge's gateway and subnet (dockerd's --bip), else chosen from the pools. */
  bip?: string;
  addressPools: AddressPoolSpec[];
  /** The nftables table holding this daemon's rules (`ip <name>`). */
  firewallTable: string;
  /** Daemon-wide --dns: the upstream resolvers of the networks' DNS servers. */
  dns: string[];
}

/** What `network create` asks for: a record's settable fields, with the driver as typed. */
export interface NetworkCreateRequest extends Pick<NetworkRecord, 'name' | 'internal' | 'attachable' | 'labels' | 'options'> {
  driver: string;
  enableIPv6: boolean;
  ipam: { driver: string; options: Record<string, string>; config: Partial<IpamPool>[] };
}

/** What the containers' side offers the network service: their records, read-only. */
export interface ContainerView {
  list(): ContainerRecord[];
}

/** What a starting container gets: its namespace, endpoints and what to write into its files. */
export interface NetworkSetup {
  state: NetworkState;
  /** The container's own address for /etc/hosts. */
  address?: string;
  /** Nameservers for /etc/resolv.conf when the network has its own DNS server. */
  nameservers?: string[];
}

export const NETWORK_LIST_FILTERS = ['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'];
export const NETWORK_PRUNE_FILTERS = ['label', 'label!', 'until'];
const PREDEFINED = ['bridge', 'host', 'none'];
const LOCK = 'networks';

export class NetworkService {
  private readonly lock = new KeyedMutex();
  private readonly allocators = new Map<string, AddressAllocator>();
  /** Networks whose bridge, DNS server and firewall rules are in place in this run. */
  private readonly up = new Set<string>();
  private readonly dns = new Map<string, DnsServer>();
  private readonly ports = new Map<string, PortForward[]>();
  private containers: ContainerView = { list: () => [] };

  constructor(
    private readonly store: NetworkStore,
    private readonly settings: NetworkSettings,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  setContainers(view: ContainerView): void {
    this.containers = view;
  }

  // ---- networks --------------------------------------------------------------------------

  /** Makes the predefined networks on first start, and the default bridge follow --bip. */
  async init(): Promise<void> {
    for (const name of PREDEFINED) {
      const existing = this.store.byName(name);
      if (name !== 'bridge') {
        if (!existing) await this.store.save(this.newRecord({ name, driver: name === 'host' ? 'host' : 'null', predefined: true }));
        continue;
      }
      const inUse = existing ? this.containers.list().some((c) => c.state.network?.endpoints.bridge) : false;
      if (existing && (inUse || this.bridgeMatchesSettings(existing))) continue;
      const pool = await this.defaultBridgePool(existing);
      await this.store.save({
        ...this.newRecord({ name, driver: 'bridge', predefined: true }),
        ...(existing ? { id: existing.id, created: existing.created } : {}),
        bridge: this.settings.bridgeName,
        ipam: { driver: 'default', options: {}, config: [pool] },
        options: {
          'com.docker.network.bridge.default_bridge': 'true',
          'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true',
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': this.settings.bridgeName,
          'com.docker.network.driver.mtu': '1500',
        },
      });
    }
  }

  private bridgeMatchesSettings(rec: NetworkRecord): boolean {
    if (rec.bridge !== this.settings.bridgeName) return false;
    if (!this.settings.bip) return true;
    const { address, subnet } = parseAddressInSubnet(this.settings.bip);
    const pool = rec.ipam.config[0];
    return pool?.subnet === formatSubnet(subnet) && pool.gateway === formatIPv4(address);
  }

  private async defaultBridgePool(existing: NetworkRecord | undefined): Promise<IpamPool> {
    if (this.settings.bip) {
      const { address, subnet } = parseAddressInSubnet(this.settings.bip);
      return { subnet: formatSubnet(subnet), gateway: formatIPv4(address) };
    }
    const kept = existing?.ipam.config[0];
    if (kept && existing?.bridge === this.settings.bridgeName) return kept;
    const subnet = chooseSubnet(this.settings.addressPools, await this.takenSubnets());
    return { subnet: formatSubnet(subnet), gateway: formatIPv4(subnet.base + 1) };
  }

  private newRecord(p: { name: string; driver: NetworkRecord['driver']; predefined: boolean }): NetworkRecord {
    return {
      id: randomBytes(32).toString('hex'),
      name: p.name,
      driver: p.driver,
      created: new Date().toISOString(),
      internal: false,
      attachable: false,
      labels: {},
      options: {},
      ipam: { driver: 'default', options: {}, config: [] },
      predefined: p.predefined,
    };
  }

  /** Subnets in use: our networks' and every route of the host (other bridges, other daemons). */
  private async takenSubnets(): Promise<Subnet[]> {
    const ours = this.store.list().flatMap((n) => n.ipam.config.map((c) => parseSubnet(c.subnet, { loose: true })));
    return [...ours, ...(await hostRoutes())];
  }

  list(filters?: Filters): NetworkRecord[] {
    filters?.validateKeys(NETWORK_LIST_FILTERS);
    return this.store.list().filter((n) => !filters || this.matches(n, filters));
  }

  private matches(n: NetworkRecord, f: Filters): boolean {
    if (!f.fuzzyMatch('id', n.id) || !f.match('name', n.name) || !f.exactMatch('driver', n.driver)) return false;
    if (!f.exactMatch('scope', 'local') || !f.matchKVList('label', n.labels)) return false;
    if (f.has('type')) {
      for (const t of f.get('type')) {
        if (t !== 'custom' && t !== 'builtin') throw invalidArgument(`invalid filter: 'type'='${t}'`);
      }
      if (!f.exactMatch('type', n.predefined ? 'builtin' : 'custom')) return false;
    }
    if (f.has('dangling')) {
      const want = f.get('dangling')[0];
      if (want !== 'true' && want !== 'false' && want !== '1' && want !== '0') throw invalidArgument(`invalid filter 'dangling=${want}'`);
      const dangling = !n.predefined && this.attached(n).length === 0;
      if (dangling !== (want === 'true' || want === '1')) return false;
    }
    return true;
  }

  resolve(ref: string): NetworkRecord {
    return this.store.resolve(ref);
  }

  /** The network, or undefined when there is none by that name or ID. */
  find(ref: string): NetworkRecord | undefined {
    try {
      return this.store.resolve(ref);
    } catch (err) {
      if (kindOf(err) === 'not-found') return undefined;
      throw err;
    }
  }

  /**
   * Containers with an endpoint on the network: running ones (a stopped container has none,
   * as in dockerd, so it holds no network back from rm or prune).
   */
  attached(n: NetworkRecord): ContainerRecord[] {
    return this.containers.list().filter((c) => {
      if (n.driver === 'bridge') return c.state.network?.endpoints[n.name]?.networkId === n.id;
      return (c.state.status === 'running' || c.state.status === 'paused') && networksOf(c).includes(n.name);
    });
  }

  async create(req: NetworkCreateRequest): Promise<{ id: string; warning: string }> {
    return this.lock.run(LOCK, async () => {
      if (!req.name) throw invalidArgument('network name cannot be empty');
      if (PREDEFINED.includes(req.name)) {
        throw new EngineError('permission-denied', `operation is not permitted on predefined ${req.name} network`);
      }
      if (this.store.byName(req.name)) throw conflict(`network with name ${req.name} already exists`);
      const driver = req.driver || 'bridge';
      if (driver !== 'bridge') {
        if (driver === 'host' || driver === 'null') {
          throw new EngineError('permission-denied', `only one instance of "${driver}" network is allowed`);
        }
        throw notFound(`could not find plugin ${driver} in v1 plugin registry: plugin not found`);
      }
      if (req.ipam.driver && req.ipam.driver !== 'default') {
        throw notFound(`could not find plugin ${req.ipam.driver} in v1 plugin registry: plugin not found`);
      }
      if (req.enableIPv6) throw new EngineError('not-implemented', 'IPv6 networks are not supported by berth yet');
      if (req.ipam.config.length > 1) throw new EngineError('not-implemented', 'berth supports one IPv4 subnet per network');
      const pool = await this.poolFor(req.ipam.config[0] ?? {});
      const rec = this.newRecord({ name: req.name, driver: 'bridge', predefined: false });
      const bridge = req.options['com.docker.network.bridge.name'] || `br-${rec.id.slice(0, 12)}`;
      if (bridge.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(bridge)) throw invalidArgument(`invalid bridge name: ${bridge}`);
      if (this.store.list().some((n) => n.bridge === bridge)) throw conflict(`bridge name ${bridge} is already in use`);
      const full: NetworkRecord = {
        ...rec,
        internal: req.internal,
        attachable: req.attachable,
        labels: req.labels,
        options: req.options,
        ipam: { driver: 'default', options: req.ipam.options, config: [pool] },
        bridge,
      };
      await this.store.save(full);
      try {
        await this.bringUp(full);
      } catch (err) {
        await this.store.remove(full.id);
        throw err;
      }
      this.publish(full, 'create');
      return { id: full.id, warning: '' };
    });
  }

  private async poolFor(c: Partial<IpamPool>): Promise<IpamPool> {
    let subnet: Subnet;
    if (c.subnet) {
      subnet = parseSubnet(c.subnet);
      for (const other of this.store.list().flatMap((n) => n.ipam.config)) {
        if (overlaps(subnet, parseSubnet(other.subnet, { loose: true }))) {
          throw new EngineError('permission-denied', 'invalid pool request: Pool overlaps with other one on this address space');
        }
      }
    } else {
      if (c.ipRange || c.gateway) throw invalidArgument('ip-range and gateway need a subnet (--subnet)');
      subnet = chooseSubnet(this.settings.addressPools, await this.takenSubnets());
    }
    const gateway = c.gateway ? parseIPv4(c.gateway) : subnet.base + 1;
    if (gateway === undefined) throw invalidArgument(`invalid gateway address ${c.gateway}`);
    if (!contains(subnet, gateway)) throw invalidArgument(`no matching subnet for gateway ${c.gateway}`);
    const pool: IpamPool = { subnet: formatSubnet(subnet), gateway: formatIPv4(gateway) };
    if (c.ipRange) {
      const range = parseSubnet(c.ipRange);
      if (!contains(subnet, range.base) || range.prefix < subnet.prefix) throw invalidArgument(`no matching subnet for range ${c.ipRange}`);
      pool.ipRange = formatSubnet(range);
    }
    if (c.auxAddresses && Object.keys(c.auxAddresses).length > 0) {
      for (const [name, addr] of Object.entries(c.auxAddresses)) {
        const a = parseIPv4(addr);
        if (a === undefined || !contains(subnet, a)) throw invalidArgument(`no matching subnet for aux-address ${addr} (${name})`);
      }
      pool.auxAddresses = c.auxAddresses;
    }
    return pool;
  }

  async remove(ref: string): Promise<void> {
    await this.lock.run(LOCK, async () => {
      const n = this.store.resolve(ref);
      if (n.predefined) throw new EngineError('permission-denied', `${n.name} is a pre-defined network and cannot be removed`);
      const active = this.containers.list().filter((c) => c.state.network?.endpoints[n.name]?.networkId === n.id);
      if (active.length > 0) {
        throw new EngineError(
          'permission-denied',
          `error while removing network: network ${n.name} has active endpoints (${active.map((c) => `name:"${c.name}" id:"${c.id.slice(0, 12)}"`).join(', ')})`,
        );
      }
      await this.bringDown(n);
      await this.store.remove(n.id);
      this.allocators.delete(n.id);
      this.publish(n, 'destroy');
    });
  }

  async prune(filters?: Filters): Promise<string[]> {
    filters?.validateKeys(NETWORK_PRUNE_FILTERS);
    const until = filters?.has('until')
      ? Math.min(...filters.get('until').map((v) => unixTimeToMillis(parseTimestampOrDuration(v, new Date()))))
      : undefined;
    const deleted: string[] = [];
    for (const n of this.store.list()) {
      if (n.predefined || this.attached(n).length > 0) continue;
      if (until !== undefined && new Date(n.created).getTime() >= until) continue;
      if (filters && !filters.matchLabels(n.labels)) continue;
      try {
        await this.remove(n.id);
        deleted.push(n.name);
      } catch (err) {
        this.log.warn({ err, network: n.name }, 'cannot prune a network');
      }
    }
    return deleted;
  }

  // ---- kernel state of a network -----------------------------------------------------------

  private allocator(n: NetworkRecord): AddressAllocator {
    let a = this.allocators.get(n.id);
    if (a) return a;
    const pool = n.ipam.config[0];
    if (!pool) throw internalNoPool(n);
    a = new AddressAllocator({
      subnet: parseSubnet(pool.subnet, { loose: true }),
      gateway: parseIPv4(pool.gateway)!,
      ...(pool.ipRange ? { range: parseSubnet(pool.ipRange) } : {}),
      reserved: Object.values(pool.auxAddresses ?? {}).map((x) => parseIPv4(x)!),
    });
    for (const c of this.containers.list()) {
      const ep = c.state.network?.endpoints[n.name];
      if (ep?.networkId === n.id) a.markUsed(parseIPv4(ep.ip)!);
    }
    this.allocators.set(n.id, a);
    return a;
  }

  /** The bridge with its gateway, the DNS server of a user network, and the NAT rules. */
  private async bringUp(n: NetworkRecord): Promise<void> {
    if (this.up.has(n.id) || n.driver !== 'bridge') return;
    const pool = n.ipam.config[0];
    if (!pool || !n.bridge) throw internalNoPool(n);
    const subnet = parseSubnet(pool.subnet, { loose: true });
    await ensureBridge({ name: n.bridge, gateway: parseIPv4(pool.gateway)!, prefix: subnet.prefix });
    // Routing between the bridge and the world, as dockerd turns it on.
    await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
    this.up.add(n.id);
    await this.applyFirewall();
    if (!n.predefined && !this.dns.has(n.id)) {
      const server = await DnsServer.listen({
        address: pool.gateway,
        lookup: (name, from) => lookupName(this.visible(n, from), name),
        reverse: (address, from) => lookupAddress(this.visible(n, from), address),
        upstream: n.internal ? [] : this.settings.dns.length > 0 ? this.settings.dns : await hostNameservers(),
        log: this.log,
      }).catch((err: unknown) => {
        this.log.warn({ err, network: n.name }, 'cannot start the network DNS server: names will not resolve');
        return undefined;
      });
      if (server) this.dns.set(n.id, server);
    }
  }

  private async bringDown(n: NetworkRecord): Promise<void> {
    this.dns.get(n.id)?.close();
    this.dns.delete(n.id);
    const wasUp = this.up.delete(n.id);
    if (wasUp) await this.applyFirewall();
    if (n.bridge) await deleteBridge(n.bridge);
  }

  private async applyFirewall(): Promise<void> {
    const model: FirewallModel = { networks: [], ports: [...this.ports.values()].flat() };
    for (const id of this.up) {
      const n = this.store.get(id);
      const pool = n?.ipam.config[0];
      if (!n?.bridge || !pool) continue;
      model.networks.push({ bridge: n.bridge, subnet: parseSubnet(pool.subnet, { loose: true }), internal: n.internal });
    }
    await applyRuleset(this.settings.firewallTable, model);
  }

  private visible(n: NetworkRecord, from: string): VisibleEndpoint[] {
    return visibleEndpoints(this.containers.list(), (id) => this.store.get(id), n, from);
  }

  // ---- containers ------------------------------------------------------------------------

  /** Create-time checks: the networks exist and can take the container. */
  checkCreate(spec: ContainerRecord['spec']): void {
    for (const name of networkNames(spec)) {
      const n = this.find(name);
      if (!n) continue;
      if (n.driver !== 'bridge' && networkNames(spec).length > 1) {
        throw invalidArgument(`container cannot be disconnected from host network or connected to host network`);
      }
      const ip = spec.endpoints[name]?.ipv4Address;
      if (ip) {
        if (n.predefined) throw invalidArgument('user specified IP address is supported on user defined networks only');
        const pool = n.ipam.config[0];
        const a = parseIPv4(ip);
        if (a === undefined) throw invalidArgument(`invalid IPv4 address: ${ip}`);
        if (pool && !contains(parseSubnet(pool.subnet, { loose: true }), a)) {
          throw invalidArgument(`no configured subnet or ip-range contain the IP address ${ip}`);
        }
      }
      if (n.predefined && (spec.endpoints[name]?.aliases.length ?? 0) > 0 && n.name === 'bridge') {
        throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
      }
    }
  }

  /** Where the container's network namespace is bound while it runs (bridge networks). */
  sandboxPath(rec: ContainerRecord): string | undefined {
    return rec.spec.network.kind === 'bridge' ? join(this.settings.execRoot, 'netns', rec.id) : undefined;
  }

  /** Before the container's process exists: namespace, interfaces, published ports. */
  async setUp(rec: ContainerRecord): Promise<NetworkSetup | undefined> {
    const sandbox = this.sandboxPath(rec);
    if (!sandbox) return undefined;
    const endpoints: Record<string, EndpointState> = {};
    const ifs: InterfaceSpec[] = [];
    const taken: { n: NetworkRecord; addr: number }[] = [];
    const release = (): Promise<void> =>
      this.lock.run(LOCK, async () => {
        for (const t of taken) this.allocator(t.n).release(t.addr);
        if (this.ports.delete(rec.id)) await this.applyFirewall().catch((err: unknown) => this.log.warn({ err }, 'cannot update the firewall rules'));
      });
    // Addresses and host ports are decided under the lock (and so reserved); the namespace is
    // made outside it, so that containers starting together do not wait for each other.
    let bindings: PortBinding[] = [];
    try {
      await this.lock.run(LOCK, async () => {
        for (const [i, name] of networksOf(rec).entries()) {
          const n = this.store.resolve(name);
          if (n.driver !== 'bridge') continue;
          await this.bringUp(n);
          const { ep, iface, addr } = this.newEndpoint(rec, n, `eth${i}`, i === 0);
          taken.push({ n, addr });
          endpoints[n.name] = ep;
          ifs.push(iface);
        }
        const ports = await bindPorts(rec, Object.values(endpoints)[0], [...this.ports.values()].flat());
        bindings = ports.bindings;
        if (ports.forwards.length > 0) this.ports.set(rec.id, ports.forwards);
      });
    } catch (err) {
      await release();
      throw err;
    }
    try {
      await createSandbox(sandbox, ifs);
    } catch (err) {
      await release();
      throw err;
    }
    if (bindings.length > 0) {
      try {
        await this.lock.run(LOCK, () => this.applyFirewall());
      } catch (err) {
        await deleteSandbox(sandbox, ifs.map((i) => i.hostIf));
        await release();
        throw err;
      }
    }
    const first = Object.entries(endpoints)[0];
    const firstNet = first ? this.store.get(first[1].networkId) : undefined;
    return {
      state: { sandbox, endpoints, ports: bindings },
      ...(first ? { address: first[1].ip } : {}),
      ...(first && firstNet && !firstNet.predefined ? { nameservers: [first[1].gateway] } : {}),
    };
  }

  private newEndpoint(rec: ContainerRecord, n: NetworkRecord, ifname: string, primary: boolean): { ep: EndpointState; iface: InterfaceSpec; addr: number } {
    const pool = n.ipam.config[0]!;
    const req: EndpointRequest | undefined = rec.spec.endpoints[n.name];
    const preferred = req?.ipv4Address ? parseIPv4(req.ipv4Address) : undefined;
    const addr = this.allocator(n).allocate(preferred);
    const prefixLen = parseSubnet(pool.subnet, { loose: true }).prefix;
    const mac = req?.macAddress || (primary ? rec.spec.macAddress : undefined) || macForAddress(addr);
    const hostIf = `veth${randomBytes(4).toString('hex').slice(0, 7)}`;
    const gateway = parseIPv4(pool.gateway)!;
    const ep: EndpointState = {
      networkId: n.id,
      endpointId: randomBytes(32).toString('hex'),
      ip: formatIPv4(addr),
      prefixLen,
      gateway: pool.gateway,
      mac,
      ifname,
      hostIf,
    };
    const iface: InterfaceSpec = {
      ifname,
      hostIf,
      bridge: n.bridge!,
      mac,
      address: addr,
      prefix: prefixLen,
      // An internal network has no way out: no default route through it.
      ...(primary && !n.internal ? { defaultGateway: gateway } : {}),
    };
    return { ep, iface, addr };
  }

  /** After the container's process is gone: namespace, addresses and ports go. */
  async tearDown(rec: ContainerRecord): Promise<void> {
    const state = rec.state.network;
    if (!state) return;
    await deleteSandbox(state.sandbox, Object.values(state.endpoints).map((e) => e.hostIf));
    await this.lock.run(LOCK, async () => {
      for (const [name, ep] of Object.entries(state.endpoints)) {
        const n = this.store.get(ep.networkId);
        if (n) this.allocator(n).release(parseIPv4(ep.ip)!);
        else this.log.debug({ network: name }, 'endpoint of a network that is gone');
      }
      if (this.ports.delete(rec.id)) await this.applyFirewall();
    });
  }

  /** `network connect` of a running container: one more interface in its namespace. */
  async connectRunning(rec: ContainerRecord, n: NetworkRecord): Promise<EndpointState> {
    const state = rec.state.network;
    if (!state) throw conflict(`container ${rec.name} has no network namespace of its own to connect`);
    return this.lock.run(LOCK, async () => {
      await this.bringUp(n);
      const used = new Set(Object.values(state.endpoints).map((e) => e.ifname));
      let i = 0;
      while (used.has(`eth${i}`)) i++;
      const { ep, iface, addr } = this.newEndpoint(rec, n, `eth${i}`, false);
      try {
        await addInterfaces(state.sandbox, [iface]);
      } catch (err) {
        this.allocator(n).release(addr);
        throw err;
      }
      return ep;
    });
  }

  async disconnectRunning(rec: ContainerRecord, n: NetworkRecord): Promise<void> {
    const ep = rec.state.network?.endpoints[n.name];
    if (!ep) return;
    await this.lock.run(LOCK, async () => {
      await removeInterfaces([ep.hostIf]);
      this.allocator(n).release(parseIPv4(ep.ip)!);
    });
  }

  publishConnect(n: NetworkRecord, containerId: string, action: 'connect' | 'disconnect'): void {
    this.events.publish({ type: 'network', action, actor: { id: n.id, attributes: { container: containerId, name: n.name, type: n.driver } } });
  }

  private publish(n: NetworkRecord, action: string): void {
    this.events.publish({ type: 'network', action, actor: { id: n.id, attributes: { name: n.name, type: n.driver } } });
  }

  // ---- daemon start and stop -------------------------------------------------------------

  /**
   * At daemon start, after the containers are restored: bridges, DNS and rules for the
   * networks running containers use, and namespaces nobody owns removed (a crash's leftovers).
   */
  async restore(): Promise<void> {
    const running = this.containers.list().filter((c) => c.state.network);
    for (const c of running) {
      const fw = c.state.network!.ports.map((b) => toForward(b, c.state.network!));
      if (fw.length > 0) this.ports.set(c.id, fw.filter((f): f is PortForward => f !== undefined));
    }
    const needed = new Set(running.flatMap((c) => Object.values(c.state.network!.endpoints).map((e) => e.networkId)));
    for (const n of this.store.list()) {
      if (needed.has(n.id) || (!n.predefined && n.driver === 'bridge')) {
        await this.lock.run(LOCK, () => this.bringUp(n)).catch((err: unknown) => this.log.error({ err, network: n.name }, 'cannot set up a network'));
      }
    }
    const dir = join(this.settings.execRoot, 'netns');
    const owned = new Set(running.map((c) => c.state.network!.sandbox));
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, entry);
      if (!owned.has(path)) await deleteSandbox(path, []);
    }
  }

  /**
   * At daemon stop: DNS servers close. With no container running the bridges and rules go
   * too; running containers keep theirs (they outlive the daemon) until it starts again.
   */
  async close(): Promise<void> {
    for (const s of this.dns.values()) s.close();
    this.dns.clear();
    if (this.containers.list().some((c) => c.state.network)) return;
    let had = this.up.size > 0;
    for (const n of this.store.list()) {
      if (n.bridge && (await linkExists(n.bridge))) {
        had = true;
        await deleteBridge(n.bridge);
      }
    }
    this.up.clear();
    if (had) await deleteTable(this.settings.firewallTable).catch((err: unknown) => this.log.warn({ err }, 'cannot remove the firewall rules'));
  }
}

function internalNoPool(n: NetworkRecord): EngineError {
  return new EngineError('internal', `network ${n.name} has no address pool`);
}

/** The networks a container is connected to, the one it was created on first. */
export function networkNames(spec: ContainerRecord['spec']): string[] {
  if (spec.network.kind === 'host') return ['host'];
  if (spec.network.kind === 'none') return ['none'];
  if (spec.network.kind === 'container') return [];
  const primary = spec.network.name;
  return [primary, ...Object.keys(spec.endpoints).filter((n) => n !== primary)];
}

export function networksOf(rec: ContainerRecord): string[] {
  return networkNames(rec.spec);
}
