// Published ports of a container: the host side of each `-p`/`-P` binding decided (checked
// free, or chosen by the kernel), and the bindings a running container records turned back
// into firewall DNAT targets after a daemon restart.

import { EngineError, invalidArgument } from '../../core/errors.js';
import type { PortForward } from '../../network/firewall.js';
import { parseIPv4 } from '../../network/ipv4.js';
import { parseHostPortRange, probePort } from '../../network/ports.js';
import type { ContainerRecord, EndpointState, NetworkState, PortBinding } from '../containers/container-record.js';

/**
 * -p and -P: host ports checked or chosen (none of `taken`, and free on the host), as DNAT
 * targets on the container's first network.
 */
export async function bindPorts(
rec: ContainerRecord,
ep: EndpointState | undefined,
taken: PortForward[],
): Promise<{ bindings: PortBinding[]; forwards: PortForward[] }> {
  const h = rec.spec.host;
  const wanted: [string, { hostIp: string; hostPort: string }[]][] = Object.entries(h.portBindings);
  if (h.publishAllPorts) {
    for (const p of Object.keys(rec.spec.exposedPorts)) {
      if (!h.portBindings[p]) wanted.push([p, [{ hostIp: '', hostPort: '' }]]);
    }
  }
  const bindings: PortBinding[] = [];
  const forwards: PortForward[] = [];
  if (wanted.length === 0 || !ep) return { bindings, forwards };
  for (const [containerPort, list] of wanted) {
    const [portText, protoText = 'tcp'] = containerPort.split('/');
    const proto = protoText === 'udp' ? 'udp' : protoText === 'tcp' ? 'tcp' : undefined;
    if (!proto) throw invalidArgument(`invalid proto: ${protoText}`);
    const port = Number(portText);
    for (const b of list.length > 0 ? list : [{ hostIp: '', hostPort: '' }]) {
      const hostIpText = b.hostIp || '0.0.0.0';
      const hostIp = parseIPv4(hostIpText);
      if (hostIp === undefined) throw invalidArgument(`invalid host IP address ${b.hostIp} (IPv6 publishing is not supported)`);
      const range = parseHostPortRange(b.hostPort);
      if (!range) throw invalidArgument(`invalid port specification: "${b.hostPort}"`);
      const clash = (p: number): boolean =>
        [...taken, ...forwards].some((f) => f.proto === proto && f.hostPort === p && (f.hostIp === undefined || hostIp === 0 || f.hostIp === hostIp));
      let hostPort: number | undefined;
      if (range.start === 0) {
        for (let tries = 0; tries < 20 && hostPort === undefined; tries++) {
          const p = await probePort(proto, hostIpText, 0);
          if (p !== undefined && !clash(p)) hostPort = p;
        }
      } else {
        for (let p = range.start; p <= range.end && hostPort === undefined; p++) {
          if (!clash(p) && (await probePort(proto, hostIpText, p)) !== undefined) hostPort = p;
        }
      }
      if (hostPort === undefined) {
        throw new EngineError(
          'internal',
          `driver failed programming external connectivity on endpoint ${rec.name} (${ep.endpointId}): Bind for ${hostIpText}:${b.hostPort || '0'} failed: port is already allocated`,
        );
      }
      forwards.push({ proto, ...(hostIp === 0 ? {} : { hostIp }), hostPort, address: parseIPv4(ep.ip)!, port });
      bindings.push({ containerPort, hostIp: hostIpText, hostPort: String(hostPort) });
    }
  }
  return { bindings, forwards };
}

/** A recorded binding as the DNAT target it was made into (to rebuild the rules at start). */
export function toForward(b: PortBinding, state: NetworkState): PortForward | undefined {
  const first = Object.values(state.endpoints)[0];
  if (!first) return undefined;
  const [port, proto = 'tcp'] = b.containerPort.split('/');
  const hostIp = parseIPv4(b.hostIp);
  return {
    proto: proto === 'udp' ? 'udp' : 'tcp',
    ...(hostIp === undefined || hostIp === 0 ? {} : { hostIp }),
    hostPort: Number(b.hostPort),
    address: parseIPv4(first.ip)!,
    port: Number(port),
  };
}
