// The kernel side of bridge networking, through iproute2 in batch mode so that each step is one
// process whatever the number of commands: bridges, network namespaces kept as bind-mounted
// files (runc joins them through the OCI spec), and veth pairs between a namespace and a
// bridge. A container's namespace costs two processes to set up (`unshare … ip -batch` inside
// it, `ip -batch` on the host) and two to take down.

import { execFile, spawn } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { EngineError } from '../core/errors.js';
import { formatIPv4 } from './ipv4.js';

const execFileAsync = promisify(execFile);

/** One interface of a container: `ifname` inside the namespace, `hostIf` on the bridge. */
export interface InterfaceSpec {
  ifname: string;
  hostIf: string;
  bridge: string;
  mac: string;
  address: number;
  prefix: number;
  /** The default route's gateway (the first network only); undefined: no default route. */
  defaultGateway?: number;
}

export interface BridgeSpec {
  name: string;
  gateway: number;
  prefix: number;
}

/** Runs `ip -batch -` with the commands on stdin; `prefix` runs it through unshare or nsenter. */
function ipBatch(commands: string[], prefix: string[] = [], opts: { force?: boolean } = {}): Promise<void> {
  const args = [...prefix, 'ip', ...(opts.force ? ['-force'] : []), '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn(args[0]!, args.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || opts.force) resolve();
      else reject(new EngineError('internal', `network setup failed: ${stderr.trim() || `${args.join(' ')} exited with ${code}`}`));
    });
    child.stdin.end(`${commands.join('\n')}\n`);
  });
}

export async function linkExists(name: string): Promise<boolean> {
  return access(`/sys/class/net/${name}`).then(() => true, () => false);
}

/** Creates the bridge with its gateway address, or brings an existing one to that state. */
export async function ensureBridge(b: BridgeSpec): Promise<void> {
  const addr = `${formatIPv4(b.gateway)}/${b.prefix}`;
  const cmds = (await linkExists(b.name)) ? [] : [`link add name ${b.name} type bridge`];
  cmds.push(`addr replace ${addr} dev ${b.name}`, `link set ${b.name} up`);
  await ipBatch(cmds);
  // Published ports reached on 127.0.0.1 are DNATed into the bridge: the kernel must accept
  // a loopback source there (masqueraded on the way out, see firewall.ts).
  await writeFile(`/proc/sys/net/ipv4/conf/${b.name}/route_localnet`, '1');
}

export async function deleteBridge(name: string): Promise<void> {
  if (await linkExists(name)) await ipBatch([`link del ${name}`], [], { force: true });
}

function insideCommands(ifs: InterfaceSpec[], hostPid: number): string[] {
  const cmds: string[] = [];
  for (const i of ifs) {
    cmds.push(
      `link add ${i.ifname} address ${i.mac} type veth peer name ${i.hostIf} netns ${hostPid}`,
      `addr add ${formatIPv4(i.address)}/${i.prefix} dev ${i.ifname}`,
      `link set ${i.ifname} up`,
    );
    if (i.defaultGateway !== undefined) cmds.push(`route add default via ${formatIPv4(i.defaultGateway)} dev ${i.ifname} onlink`);
  }
  return cmds;
}

function hostCommands(ifs: InterfaceSpec[]): string[] {
  return ifs.flatMap((i) => [`link set ${i.hostIf} master ${i.bridge}`, `link set ${i.hostIf} up`]);
}

/**
 * A new network namespace bound to `path`, with loopback up and the given interfaces, each
 * the inner end of a veth pair whose outer end joins its bridge.
 */
export async function createSandbox(path: string, ifs: InterfaceSpec[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '');
  try {
    await ipBatch(['link set lo up', ...insideCommands(ifs, process.pid)], ['unshare', `--net=${path}`]);
    if (ifs.length > 0) await ipBatch(hostCommands(ifs));
  } catch (err) {
    await deleteSandbox(path, ifs.map((i) => i.hostIf));
    throw err;
  }
}

/** Adds interfaces to an existing namespace (network connect on a running container). */
export async function addInterfaces(path: string, ifs: InterfaceSpec[]): Promise<void> {
  await ipBatch(insideCommands(ifs, process.pid), ['nsenter', `--net=${path}`]);
  try {
    await ipBatch(hostCommands(ifs));
  } catch (err) {
    await removeInterfaces(ifs.map((i) => i.hostIf));
    throw err;
  }
}

/** Deleting the outer end of a veth pair deletes the inner one with it. */
export async function removeInterfaces(hostIfs: string[]): Promise<void> {
  if (hostIfs.length > 0) await ipBatch(hostIfs.map((h) => `link del ${h}`), [], { force: true });
}

/**
 * Removes the namespace and, side by side, its interfaces (the kernel would free them lazily
 * with the namespace; deleting them makes their end certain).
 */
export async function deleteSandbox(path: string, hostIfs: string[]): Promise<void> {
  await Promise.all([removeInterfaces(hostIfs), execFileAsync('umount', [path]).catch(() => undefined)]);
  await rm(path, { force: true });
}
