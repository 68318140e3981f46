// `berth network create` against a stub daemon: the bodies are the bytes docker 28.2.2 sent
// for the same command lines (recorded against a stub), and its errors and exit codes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../testing/run-berth.js';
import { NET_ID, networkDaemon } from './testing/stub-daemon.js';

async function createBody(t: Parameters<typeof berth>[0], argv: string[]): Promise<{ code: number; out: string; body: string | undefined }> {
  const stub = networkDaemon();
  const r = await berth(t, stub, ['network', 'create', ...argv]);
  return { code: r.code, out: r.out, body: stub.find('POST', '/networks/create')[0]?.body };
}

test('network create NAME: docker’s defaults, the new ID on stdout', async (t) => {
  assert.deepEqual(await createBody(t, ['new']), {
    code: 0,
    out: `${NET_ID}\n`,
    body: '{"Driver":"bridge","Scope":"","IPAM":{"Driver":"default","Options":{},"Config":[]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,"Options":{},"Labels":{},"Name":"new"}\n',
  });
});

test('network create with every flag: the body docker sends', async (t) => {
  const r = await createBody(t, [
    '-d', 'bridge', '--subnet', '10.1.0.0/16', '--gateway', '10.1.0.1', '--ip-range', '10.1.1.0/24', '--aux-address', 'a=10.1.0.5', '--internal', '--label', 'k=v',
    '--label', 'k2', '--attachable', '-o', 'com.x=1', '--ipam-driver', 'default', '--ipam-opt', 'io=2', '--ipv6', '--scope', 'local', '--ingress', 'new',
  ]);
  assert.equal(
    r.body,
    '{"Driver":"bridge","Scope":"local","EnableIPv6":true,"IPAM":{"Driver":"default","Options":{"io":"2"},"Config":[{"Subnet":"10.1.0.0/16","IPRange":"10.1.1.0/24","Gateway":"10.1.0.1","AuxiliaryAddresses":{"a":"10.1.0.5"}}]},"Internal":true,"Attachable":true,"Ingress":true,"ConfigOnly":false,"ConfigFrom":null,"Options":{"com.x":"1"},"Labels":{"k":"v","k2":""},"Name":"new"}\n',
  );
  const cfg = await createBody(t, ['--config-from', 'cfg', '--ipv4=false', '--ipv6', '--subnet', 'fd00::/64,10.2.0.0/16', '--gateway', '10.2.0.1', 'n3']);
  assert.equal(
    cfg.body,
    '{"Driver":"bridge","Scope":"","EnableIPv4":false,"EnableIPv6":true,"IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"fd00::/64"},{"Subnet":"10.2.0.0/16","Gateway":"10.2.0.1"}]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigOnly":false,"ConfigFrom":{"Network":"cfg"},"Options":{},"Labels":{},"Name":"n3"}\n',
  );
  assert.match((await createBody(t, ['--config-only', 'cfg'])).body ?? '', /"ConfigOnly":true,"ConfigFrom":null,/);
});

test('network create: the CLI’s own checks (exit 1, nothing sent), flag errors (125), daemon errors (1)', async (t) => {
  const cases: [string[], string][] = [
    [['--gateway', '10.0.0.1'], 'every ip-range or gateway must have a corresponding subnet'],
    [['--subnet', '10.0.0.0/16', '--gateway', '10.9.0.1'], 'no matching subnet for gateway 10.9.0.1'],
    [['--subnet', '10.0.0.0/16', '--subnet', '10.1.0.0/16', '--gateway', '10.1.0.1', '--gateway', '10.1.0.2'], 'cannot configure multiple gateways (10.1.0.2, 10.1.0.1) for the same subnet (10.1.0.0/16)'],
    [['--subnet', '10.0.0.0/16', '--subnet', '10.0.0.0/24'], 'multiple overlapping subnet configuration is not supported'],
    [['--subnet', '10.0.0.0/16', '--subnet', 'bad'], 'invalid subnet: invalid CIDR address: bad'],
    [['--subnet', '10.0.0.0/16', '--ip-range', 'bad'], 'invalid CIDR address: bad'],
    [['--subnet', '10.0.0.0/16', '--ip-range', '10.9.1.0/24'], 'no matching subnet for range 10.9.1.0/24'],
    [['--subnet', '10.0.0.0/16', '--aux-address', 'a=10.9.0.1'], 'no matching subnet for aux-address 10.9.0.1'],
  ];
  for (const [argv, err] of cases) {
    const stub = networkDaemon();
    const r = await berth(t, stub, ['network', 'create', ...argv, 'new']);
    assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: 1, out: '', err: `${err}\n` }, argv.join(' '));
    assert.equal(stub.requests.length, 0);
  }
  const label = await berth(t, networkDaemon(), ['network', 'create', '--label', '=x', 'new']);
  assert.deepEqual(
    { code: label.code, err: label.err },
    {
      code: 125,
      err: 'invalid argument "=x" for "--label" flag: invalid label \'=x\': empty name\n\nUsage:  berth network create [OPTIONS] NETWORK\n\nRun \'berth network create --help\' for more information\n',
    },
  );
  const exists = await berth(t, networkDaemon(), ['network', 'create', 'mynet']);
  assert.deepEqual({ code: exists.code, out: exists.out, err: exists.err }, { code: 1, out: '', err: 'Error response from daemon: network with name mynet already exists\n' });
});
