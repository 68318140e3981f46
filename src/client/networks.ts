// Client calls for the network endpoints, one function per endpoint, mirroring moby's client
// (client/network_*.go): the request bodies in its field order, so that berthd sees what the
// docker CLI sends. The wire shapes are the parts the CLI reads; inspect results keep every
// other field for `network inspect` to print.

import type { EngineClient } from './engine-client.js';

const seg = (id: string): string => encodeURIComponent(id);

export interface IpamConfigWire {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface IpamWire {
  Driver: string;
  Options: Record<string, string> | null;
  Config: IpamConfigWire[] | null;
}

/** An entry of `GET /networks` and the body of `GET /networks/{id}` (which has more). */
export interface NetworkSummaryWire {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv4?: boolean;
  EnableIPv6: boolean;
  IPAM?: IpamWire;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly?: boolean;
  Labels: Record<string, string> | null;
  Options?: Record<string, string> | null;
}

/** `POST /networks/create`: network.CreateRequest in the order encoding/json writes it. */
export interface NetworkCreateRequestWire {
  Driver: string;
  Scope: string;
  /** Omitted unless --ipv4 was given (a *bool). */
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  IPAM: IpamWire | null;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly: boolean;
  ConfigFrom: { Network: string } | null;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  Name: string;
}

export interface NetworkCreateResponseWire {
  Id: string;
  Warning?: string;
}

export interface EndpointIpamConfigWire {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
}

/** network.EndpointSettings as the CLI sends it to connect (the daemon fills the rest in). */
export interface EndpointSettingsWire {
  IPAMConfig: EndpointIpamConfigWire | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

/**
 * The EndpointSettings fields only the daemon fills in (network.EndpointSettings' operational
 * data), empty as the docker CLI sends them on connect and create.
 */
export const DAEMON_ENDPOINT_FIELDS = {
  NetworkID: '',
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  DNSNames: null,
} as const satisfies Partial<EndpointSettingsWire>;

export interface NetworkPruneReportWire {
  NetworksDeleted: string[] | null;
}

/** The daemon may answer `null` for no networks, as Go encodes a nil slice. */
export function networkList(c: EngineClient, opts: { filters?: string } = {}): Promise<NetworkSummaryWire[] | null> {
  return c.json('GET', '/networks', { query: { filters: opts.filters } });
}

/** `GET /networks/{id}[?verbose=true][&scope=…]`: moby writes verbose as the word `true`. */
export function networkInspect(c: EngineClient, id: string, opts: { verbose?: boolean; scope?: string } = {}): Promise<NetworkSummaryWire> {
  return c.json('GET', `/networks/${seg(id)}`, { query: { verbose: opts.verbose ? 'true' : undefined, scope: opts.scope || undefined } });
}

export function networkCreate(c: EngineClient, body: NetworkCreateRequestWire): Promise<NetworkCreateResponseWire> {
  return c.json('POST', '/networks/create', { body });
}

export function networkRemove(c: EngineClient, id: string): Promise<void> {
  return c.json('DELETE', `/networks/${seg(id)}`);
}

export function networkPrune(c: EngineClient, opts: { filters?: string } = {}): Promise<NetworkPruneReportWire> {
  return c.json('POST', '/networks/prune', { query: { filters: opts.filters } });
}

export function networkConnect(c: EngineClient, id: string, container: string, endpoint: EndpointSettingsWire | null): Promise<void> {
  return c.json('POST', `/networks/${seg(id)}/connect`, { body: { Container: container, EndpointConfig: endpoint } });
}

export function networkDisconnect(c: EngineClient, id: string, container: string, opts: { force?: boolean } = {}): Promise<void> {
  return c.json('POST', `/networks/${seg(id)}/disconnect`, { body: { Container: container, Force: opts.force === true } });
}
