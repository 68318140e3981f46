// Networks on the wire: the create and connect bodies in, `network.Inspect` out (Docker's
// field names and the nulls dockerd sends).

import type { ContainerRecord } from '../../engine/containers/container-record.js';
import type { EndpointRequest } from '../../engine/containers/spec/container-spec.js';
import { GoJson } from '../../engine/containers/spec/go-json.js';
import type { NetworkCreateRequest } from '../../engine/networks/network-service.js';
import type { NetworkRecord } from '../../engine/networks/network-store.js';
import { invalidJson, rootObject, toEndpoint } from './container-create.js';

export function toNetworkCreateRequest(body: unknown): NetworkCreateRequest {
  const j = new GoJson('CreateRequest', invalidJson);
  const o = rootObject(j, body, 'network.CreateRequest');
  const ipam = j.obj(j.get(o, 'IPAM'), 'IPAM', 'network.IPAM');
  const config = (j.array(j.get(ipam, 'Config'), 'IPAM.Config', '[]network.IPAMConfig') ?? []).map((c) => {
    const e = j.obj(c, 'IPAM.Config', 'network.IPAMConfig');
    const subnet = j.str(j.get(e, 'Subnet'), 'IPAM.Config.Subnet');
    const gateway = j.str(j.get(e, 'Gateway'), 'IPAM.Config.Gateway');
    const ipRange = j.str(j.get(e, 'IPRange'), 'IPAM.Config.IPRange');
    const aux = j.stringMap(j.get(e, 'AuxiliaryAddresses'), 'IPAM.Config.AuxiliaryAddresses');
    return {
      ...(subnet ? { subnet } : {}),
      ...(gateway ? { gateway } : {}),
      ...(ipRange ? { ipRange } : {}),
      ...(aux ? { auxAddresses: aux } : {}),
    };
  });
  return {
    name: j.str(j.get(o, 'Name'), 'Name') ?? '',
    driver: j.str(j.get(o, 'Driver'), 'Driver') ?? 'bridge',
    internal: j.bool(j.get(o, 'Internal'), 'Internal') ?? false,
    attachable: j.bool(j.get(o, 'Attachable'), 'Attachable') ?? false,
    enableIPv6: j.bool(j.get(o, 'EnableIPv6'), 'EnableIPv6') ?? false,
    labels: j.stringMap(j.get(o, 'Labels'), 'Labels') ?? {},
    options: j.stringMap(j.get(o, 'Options'), 'Options') ?? {},
    ipam: {
      driver: j.str(j.get(ipam, 'Driver'), 'IPAM.Driver') ?? 'default',
      options: j.stringMap(j.get(ipam, 'Options'), 'IPAM.Options') ?? {},
      config,
    },
  };
}

export interface ConnectBody {
  container: string;
  endpoint: EndpointRequest;
  force: boolean;
}

/** `POST /networks/{id}/connect` and `/disconnect` bodies. */
export function toConnectBody(body: unknown, goType: string): ConnectBody {
  const j = new GoJson(goType, invalidJson);
  const o = rootObject(j, body, `network.${goType}`);
  return {
    container: j.str(j.get(o, 'Container'), 'Container') ?? '',
    endpoint: toEndpoint(j, j.obj(j.get(o, 'EndpointConfig'), 'EndpointConfig', 'network.EndpointSettings'), 'EndpointConfig'),
    force: j.bool(j.get(o, 'Force'), 'Force') ?? false,
  };
}

/** `network.Inspect`; `containers` only for inspect (the list sends an empty map, as dockerd). */
export function toNetworkWire(n: NetworkRecord, containers?: ContainerRecord[]): Record<string, unknown> {
  const wired: Record<string, unknown> = {};
  for (const c of containers ?? []) {
    const ep = c.state.network?.endpoints[n.name];
    if (ep && ep.networkId === n.id) {
      wired[c.id] = { Name: c.name, EndpointID: ep.endpointId, MacAddress: ep.mac, IPv4Address: `${ep.ip}/${ep.prefixLen}`, IPv6Address: '' };
    } else if (n.driver !== 'bridge' && (c.state.status === 'running' || c.state.status === 'paused')) {
      wired[c.id] = { Name: c.name, EndpointID: '', MacAddress: '', IPv4Address: '', IPv6Address: '' };
    }
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: {
      Driver: n.ipam.driver,
      Options: n.predefined ? null : n.ipam.options,
      Config: n.ipam.config.map((c) => ({
        Subnet: c.subnet,
        ...(c.ipRange ? { IPRange: c.ipRange } : {}),
        Gateway: c.gateway,
        ...(c.auxAddresses ? { AuxiliaryAddresses: c.auxAddresses } : {}),
      })),
    },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: wired,
    Options: n.options,
    Labels: n.labels,
  };
}
