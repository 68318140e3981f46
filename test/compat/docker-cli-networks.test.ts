// Bridge networking through the real docker CLI: the default bridge, user-defined networks
// with DNS between containers, published TCP and UDP ports reached from 127.0.0.1, internal
// networks, isolation between networks, connect/disconnect, addresses kept over a daemon
// restart, and nothing left behind. All traffic stays on 127.0.0.1 and the test's containers.

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { test } from 'node:test';
import { type TestDaemon, berth, docker, hasDocker, run, startDaemon } from '../helpers/daemon.js';
import { needsRoot } from '../helpers/env.js';

// The test's subnets: 10.N.1.0/24, 10.N.2.0/24, … with N random, so that runs side by side
// (another checkout's tests) never put two bridges on one subnet.
const NET = `10.${100 + Math.floor(Math.random() * 100)}`;
const RE = NET.replace('.', '\\.');

const skip = needsRoot() || (hasDocker() ? false : 'the docker CLI is not installed at /usr/local/bin/docker');

async function ok(d: TestDaemon, args: string[]): Promise<string> {
  const r = await docker(d, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

function udpAsk(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error('no UDP answer'));
    }, 1000);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m.toString());
    });
    s.send(text, port, '127.0.0.1');
  });
}

async function retry<T>(fn: () => Promise<T>, tries = 40): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

test('docker CLI: bridge networks, DNS, published ports, isolation', { skip, timeout: 300_000 }, async (t) => {
  const d = await startDaemon(t);
  assert.equal((await berth(d, ['image', 'seed'])).code, 0);

  await t.test('the default bridge: an address, a route out, /etc/hosts, inspect', async () => {
    const out = await ok(d, ['run', '--rm', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0; ip route; cat /etc/hosts; hostname']);
    const bridge = JSON.parse(await ok(d, ['network', 'inspect', 'bridge']))[0];
    const { Subnet: subnet, Gateway: gateway } = bridge.IPAM.Config[0];
    assert.equal(bridge.Driver, 'bridge');
    assert.equal(bridge.Options['com.docker.network.bridge.name'], d.bridge);
    const addr = /inet (\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(out);
    assert.ok(addr, out);
    assert.equal(`/${addr[2]}`, subnet.slice(subnet.indexOf('/')));
    assert.match(out, new RegExp(`default via ${gateway.replace(/\./g, '\\.')} dev eth0`));
    const hostname = out.trim().split('\n').pop()!;
    assert.match(out, new RegExp(`${addr[1]!.replace(/\./g, '\\.')}\\t${hostname}`));
  });

  await t.test('run --network none has only loopback', async () => {
    const out = await ok(d, ['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
    assert.deepEqual(out.trim().split('\n').map((l) => l.split(':')[1]!.trim()), ['lo']);
  });

  await t.test('user network: containers reach each other by name, alias and short ID', async () => {
    await ok(d, ['network', 'create', '--subnet', `${NET}.1.0/24`, 'appnet']);
    const id = (await ok(d, ['run', '-d', '--name', 'web', '--network', 'appnet', '--network-alias', 'www', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc'])).trim();
    const c = JSON.parse(await ok(d, ['inspect', 'web']))[0];
    const ep = c.NetworkSettings.Networks.appnet;
    assert.match(ep.IPAddress, new RegExp(`^${RE}\\.1\\.\\d+$`));
    assert.equal(ep.Gateway, `${NET}.1.1`);
    assert.deepEqual(ep.Aliases, ['www']);
    for (const name of ['web', 'www', id.slice(0, 12)]) {
      const got = await ok(d, ['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-q', '-O', '-', `http://${name}/hostname`]);
      assert.equal(got.trim(), c.Config.Hostname, `fetched through ${name}`);
    }
    // Reverse lookups name the container on its network, as Docker's DNS does.
    const ptr = await ok(d, ['run', '--rm', '--network', 'appnet', 'busybox', 'nslookup', ep.IPAddress]);
    assert.match(ptr, /name = web\.appnet/);
    const resolv = await ok(d, ['run', '--rm', '--network', 'appnet', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.match(resolv, new RegExp(`^nameserver ${RE}\\.1\\.1$`, 'm'));
    // stats count the container's traffic (read on the host end of its veth).
    const netIO = (await ok(d, ['stats', '--no-stream', '--format', '{{.NetIO}}', 'web'])).trim();
    assert.match(netIO, /^[1-9][\d.]*k?B \/ [1-9][\d.]*k?B$/);
    const net = JSON.parse(await ok(d, ['network', 'inspect', 'appnet']))[0];
    assert.equal(net.Containers[id].Name, 'web');
    assert.equal(net.Containers[id].IPv4Address, `${ep.IPAddress}/24`);
  });

  await t.test('--network container:<name> shares the other container\'s network and names', async () => {
    const web = JSON.parse(await ok(d, ['inspect', 'web']))[0];
    const out = await ok(d, ['run', '--rm', '--network', 'container:web', 'busybox', 'sh', '-c', 'wget -q -O - http://127.0.0.1/hostname; hostname; ip -4 -o addr show eth0']);
    const [served, hostname, addr] = out.trim().split('\n');
    assert.equal(served, web.Config.Hostname);
    assert.equal(hostname, web.Config.Hostname);
    assert.match(addr!, new RegExp(`inet ${web.NetworkSettings.Networks.appnet.IPAddress.replace(/\./g, '\\.')}/24`));
    const stopped = (await ok(d, ['create', 'busybox', 'true'])).trim();
    const refused = await docker(d, ['run', '--rm', '--network', `container:${stopped}`, 'busybox', 'true']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /cannot join network of a non running container/);
    await ok(d, ['rm', stopped]);
  });

  await t.test('--ip picks the address; a taken one is refused', async () => {
    await ok(d, ['run', '-d', '--name', 'fixed', '--network', 'appnet', '--ip', `${NET}.1.50`, 'busybox', 'sleep', '60']);
    const out = await ok(d, ['exec', 'fixed', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    assert.match(out, new RegExp(`inet ${RE}\\.1\\.50/24`));
    const again = await docker(d, ['run', '--rm', '--network', 'appnet', '--ip', `${NET}.1.50`, 'busybox', 'true']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /Address already in use/);
    await ok(d, ['rm', '-f', 'fixed']);
  });

  await t.test('published TCP port on 127.0.0.1, listed by port and ps; a taken port is refused', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    await ok(d, ['run', '-d', '--name', 'pub', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c', 'echo published > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    const res = await retry(() => httpGet(port));
    assert.equal(res.body, 'published\n');
    assert.equal((await ok(d, ['port', 'pub'])).trim(), `80/tcp -> 127.0.0.1:${port}`);
    const c = JSON.parse(await ok(d, ['inspect', 'pub']))[0];
    assert.deepEqual(c.NetworkSettings.Ports['80/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    assert.match(await ok(d, ['ps', '--format', '{{.Ports}}', '-f', 'name=pub']), new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`));
    assert.equal((await ok(d, ['ps', '-q', '-f', 'publish=80', '-f', 'network=bridge'])).trim(), c.Id.slice(0, 12));
    assert.equal((await ok(d, ['ps', '-q', '-f', 'publish=80/udp'])).trim(), '');
    const taken = await docker(d, ['run', '--rm', '-p', `127.0.0.1:${port}:80`, 'busybox', 'true']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /port is already allocated/);
    // Bound to 127.0.0.1 only: not reachable on the gateway address, as in Docker.
    const gw = c.NetworkSettings.Gateway;
    assert.notEqual((await docker(d, ['run', '--rm', 'busybox', 'nc', '-w', '2', gw, String(port)])).code, 0);
    // Published on every address: other containers reach it through the gateway.
    await ok(d, ['run', '-d', '--name', 'pub-all', '-p', `${port + 1}:80`, 'busybox', 'sh', '-c', 'echo all > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    const viaGateway = await retry(() => ok(d, ['run', '--rm', 'busybox', 'wget', '-q', '-O', '-', `http://${gw}:${port + 1}/`]), 10);
    assert.equal(viaGateway, 'all\n');
    assert.equal((await retry(() => httpGet(port + 1))).body, 'all\n');
    await ok(d, ['rm', '-f', 'pub', 'pub-all']);
    await assert.rejects(httpGet(port));
  });

  await t.test('a UDP port published on a free host port', async () => {
    // busybox has no UDP server: the host's python3, bind-mounted read-only, answers.
    const echo = 'import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(("0.0.0.0",7777))\nwhile True:\n d,a=s.recvfrom(100)\n s.sendto(b"pong",a)\n';
    const host = ['-v', '/usr:/usr:ro', '-v', '/lib:/lib:ro', '-v', '/lib64:/lib64:ro'];
    await ok(d, ['run', '-d', '--name', 'udp', '-p', '127.0.0.1::7777/udp', ...host, 'busybox', '/usr/bin/python3', '-c', echo]);
    const mapped = (await ok(d, ['port', 'udp', '7777/udp'])).trim();
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(mapped)?.[1]);
    assert.ok(port > 0, mapped);
    const answer = await retry(() => udpAsk(port, 'ping\n'), 10);
    assert.equal(answer.trim(), 'pong');
    await ok(d, ['rm', '-f', 'udp']);
  });

  await t.test('-P publishes every exposed port on a free host port', async () => {
    await ok(d, ['run', '-d', '--name', 'all', '--expose', '80', '--expose', '81', '-P', 'busybox', 'sh', '-c', 'echo P > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    const ports = JSON.parse(await ok(d, ['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'all']));
    assert.deepEqual(Object.keys(ports).sort(), ['80/tcp', '81/tcp']);
    const port = Number(ports['80/tcp'][0].HostPort);
    assert.equal(ports['80/tcp'][0].HostIp, '0.0.0.0');
    assert.notEqual(ports['81/tcp'][0].HostPort, String(port));
    assert.equal((await retry(() => httpGet(port))).body, 'P\n');
    await ok(d, ['rm', '-f', 'all']);
  });

  await t.test('an internal network has no way out; networks are isolated from each other', async () => {
    await ok(d, ['network', 'create', '--internal', '--subnet', `${NET}.2.0/24`, 'closed']);
    const noRoute = await docker(d, ['run', '--rm', '--network', 'closed', 'busybox', 'sh', '-c', `ip route; ping -c1 -W1 ${NET}.1.1`]);
    assert.notEqual(noRoute.code, 0);
    assert.doesNotMatch(noRoute.stdout, /default/);
    await ok(d, ['network', 'create', '--subnet', `${NET}.3.0/24`, 'other']);
    const web = JSON.parse(await ok(d, ['inspect', 'web']))[0].NetworkSettings.Networks.appnet.IPAddress;
    const reach = await docker(d, ['run', '--rm', '--network', 'appnet', 'busybox', 'nc', '-w', '2', web, '80'], );
    assert.equal(reach.code, 0, 'same network reaches web');
    const cross = await docker(d, ['run', '--rm', '--network', 'other', 'busybox', 'nc', '-w', '2', web, '80']);
    assert.notEqual(cross.code, 0, 'a container of another network reached web');
  });

  await t.test('network connect and disconnect on a running container', async () => {
    await ok(d, ['run', '-d', '--name', 'multi', '--network', 'other', 'busybox', 'sleep', '60']);
    await ok(d, ['network', 'connect', '--alias', 'm2', 'appnet', 'multi']);
    const links = await ok(d, ['exec', 'multi', 'ip', '-4', '-o', 'addr']);
    assert.match(links, new RegExp(`eth1 .*inet ${RE}\\.1\\.\\d+`));
    const got = await ok(d, ['exec', 'multi', 'wget', '-q', '-O', '-', 'http://web/hostname']);
    assert.ok(got.trim().length > 0);
    await ok(d, ['network', 'disconnect', 'appnet', 'multi']);
    assert.doesNotMatch(await ok(d, ['exec', 'multi', 'ip', '-o', 'link']), /eth1/);
    const inUse = await docker(d, ['network', 'rm', 'other']);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /has active endpoints/);
    await ok(d, ['rm', '-f', 'multi']);
  });

  await t.test('addresses survive a daemon restart; DNS answers again', async () => {
    const before = JSON.parse(await ok(d, ['inspect', 'web']))[0].NetworkSettings.Networks.appnet.IPAddress;
    await d.stop();
    await d.start();
    const after = JSON.parse(await ok(d, ['inspect', 'web']))[0].NetworkSettings.Networks.appnet.IPAddress;
    assert.equal(after, before);
    const got = await ok(d, ['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-q', '-O', '-', 'http://www/hostname']);
    assert.ok(got.trim().length > 0);
    const next = JSON.parse(await ok(d, ['run', '-d', '--network', 'appnet', 'busybox', 'sleep', '30']).then((id) => ok(d, ['inspect', id.trim()])))[0];
    assert.notEqual(next.NetworkSettings.Networks.appnet.IPAddress, before, 'an address was handed out twice');
    await ok(d, ['rm', '-f', next.Id]);
  });

  await t.test('after kill -9 of berthd, published ports still answer and the restarted daemon takes them over', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    await ok(d, ['run', '-d', '--name', 'survivor', '--network', 'appnet', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c', 'echo alive > /tmp/index.html; exec httpd -f -p 80 -h /tmp']);
    await retry(() => httpGet(port));
    await d.kill9();
    assert.equal((await httpGet(port)).body, 'alive\n', 'the port answers while berthd is down');
    await d.start();
    assert.equal((await httpGet(port)).body, 'alive\n');
    const got = await ok(d, ['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-q', '-O', '-', 'http://survivor/']);
    assert.equal(got, 'alive\n');
    await ok(d, ['rm', '-f', 'survivor']);
    await assert.rejects(httpGet(port));
  });

  await t.test('network ls, rm, prune and errors in Docker words', async () => {
    const names = (await ok(d, ['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n').sort();
    assert.deepEqual(names, ['appnet', 'bridge', 'closed', 'host', 'none', 'other']);
    const overlap = await docker(d, ['network', 'create', '--subnet', `${NET}.0.0/16`, 'dup']);
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const exists = await docker(d, ['network', 'create', 'appnet']);
    assert.match(exists.stderr, /network with name appnet already exists/);
    const predefined = await docker(d, ['network', 'rm', 'bridge']);
    assert.match(predefined.stderr, /bridge is a pre-defined network and cannot be removed/);
    const missing = await docker(d, ['run', '--rm', '--network', 'nosuch', 'busybox', 'true']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /network nosuch not found/);
    await ok(d, ['rm', '-f', 'web']);
    await ok(d, ['network', 'rm', 'closed']);
    const pruned = await ok(d, ['network', 'prune', '-f']);
    assert.match(pruned, /appnet/);
    assert.match(pruned, /other/);
  });

  await t.test('the berth CLI network commands against berthd', async () => {
    const b = async (args: string[]): Promise<string> => {
      const r = await berth(d, args);
      assert.equal(r.code, 0, `berth ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    };
    const id = (await b(['network', 'create', '--subnet', `${NET}.4.0/24`, '--label', 'k=v', 'bnet'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.match(await b(['network', 'ls', '--filter', 'label=k=v']), new RegExp(`${id.slice(0, 12)}\\s+bnet\\s+bridge\\s+local`));
    const cid = (await b(['run', '-d', '--network', 'bnet', 'busybox', 'sleep', '30'])).trim();
    const alias = await berth(d, ['network', 'connect', '--alias', 'x', 'bridge', cid]);
    assert.equal(alias.code, 1);
    assert.match(alias.stderr, /network-scoped alias is supported only for containers in user defined networks/);
    assert.equal((await b(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', 'bnet'])).trim(), `${NET}.4.0/24`);
    assert.match(await b(['network', 'inspect', 'bnet']), new RegExp(cid));
    const inUse = await berth(d, ['network', 'rm', 'bnet']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /has active endpoints/);
    await b(['rm', '-f', cid]);
    assert.equal((await b(['network', 'rm', 'bnet'])).trim(), 'bnet');
  });

  await t.test('nothing of the networks is left once the daemon stops', async () => {
    await d.stop();
    try {
      const links = await run('ip', ['-o', 'link']);
      assert.doesNotMatch(links.stdout, new RegExp(`${d.bridge}:`));
      const tables = await run('nft', ['list', 'tables']);
      assert.doesNotMatch(tables.stdout, new RegExp(`berth-${d.bridge}`));
    } finally {
      await d.start();
    }
  });
});
