// What a network's DNS server answers, as the asking container sees it: the running
// containers on every user-defined network the asker is on (it may ask the server of any of
// its networks: its resolv.conf names the first one's), found by name, network alias or short
// ID, and named back as `<container>.<network>` for PTR queries. Pure functions of the records.

import type { ContainerRecord, EndpointState } from '../containers/container-record.js';
import type { NetworkRecord } from './network-store.js';

export interface VisibleEndpoint {
  c: ContainerRecord;
  ep: EndpointState;
  netName: string;
}

/** Endpoints of running containers on the user-defined networks the asker (by address) is on. */
export function visibleEndpoints(
  containers: ContainerRecord[],
  networkById: (id: string) => NetworkRecord | undefined,
  n: NetworkRecord,
  from: string,
): VisibleEndpoint[] {
  const asker = containers.find((c) => c.state.network?.endpoints[n.name]?.ip === from);
  // An asker we do not know (the host itself) sees the network it asked.
  const nets = asker ? Object.entries(asker.state.network!.endpoints) : [[n.name, { networkId: n.id }] as const];
  const out: VisibleEndpoint[] = [];
  for (const [netName, { networkId }] of nets) {
    if (networkById(networkId)?.predefined !== false) continue;
    for (const c of containers) {
      const ep = c.state.network?.endpoints[netName];
      if (ep && ep.networkId === networkId) out.push({ c, ep, netName });
    }
  }
  return out;
}

/** Addresses of a container name, network alias or short ID (lower case); undefined: none. */
export function lookupName(visible: VisibleEndpoint[], name: string): string[] | undefined {
  const out: string[] = [];
  for (const { c, ep, netName } of visible) {
    const names = [c.name, c.id.slice(0, 12), ...(c.spec.endpoints[netName]?.aliases ?? [])].map((x) => x.toLowerCase());
    if (names.includes(name) && !out.includes(ep.ip)) out.push(ep.ip);
  }
  return out.length > 0 ? out : undefined;
}

/** PTR answers: `<container>.<network>` for an address, as Docker's DNS names them. */
export function lookupAddress(visible: VisibleEndpoint[], address: string): string[] | undefined {
  const out = visible.filter(({ ep }) => ep.ip === address).map(({ c, netName }) => `${c.name}.${netName}`);
  return out.length > 0 ? out : undefined;
}
