// createIpamConfig: docker/cli's grouping of --subnet, --ip-range, --gateway and --aux-address,
// IPv4 and IPv6, with Go's CIDR parsing and containment.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type IpamFlags, createIpamConfig } from './ipam.js';

const none: IpamFlags = { subnets: [], ipRanges: [], gateways: [], auxAddresses: [] };

test('createIpamConfig groups each value with the subnets that contain it, whatever the flag order', () => {
  assert.deepEqual(
    createIpamConfig({
      subnets: ['10.0.0.0/16', 'fd00::/64'],
      ipRanges: ['fd00::/80', '10.0.1.0/24'],
      gateways: ['fd00::1', '10.0.0.1'],
      auxAddresses: [['z', '10.0.0.3'], ['a', '10.0.0.2'], ['v6', 'fd00::2']],
    }),
    [
      { Subnet: '10.0.0.0/16', IPRange: '10.0.1.0/24', Gateway: '10.0.0.1', AuxiliaryAddresses: { a: '10.0.0.2', z: '10.0.0.3' } },
      { Subnet: 'fd00::/64', IPRange: 'fd00::/80', Gateway: 'fd00::1', AuxiliaryAddresses: { v6: 'fd00::2' } },
    ],
  );
  assert.deepEqual(createIpamConfig(none), []);
  // A subnet is sent as written, even one the daemon will refuse (docker checks it only against others).
  assert.deepEqual(createIpamConfig({ ...none, subnets: ['bogus'] }), [{ Subnet: 'bogus' }]);
  // Host bits in a CIDR are ignored; IPv4-mapped IPv6 addresses count as IPv4.
  assert.deepEqual(createIpamConfig({ ...none, subnets: ['10.0.0.7/8'], gateways: ['::ffff:10.0.0.1'] }), [{ Subnet: '10.0.0.7/8', Gateway: '::ffff:10.0.0.1' }]);
  assert.deepEqual(createIpamConfig({ ...none, subnets: ['2001:db8::/32'], gateways: ['2001:db8:0:0:0:0:0:1'] }), [{ Subnet: '2001:db8::/32', Gateway: '2001:db8:0:0:0:0:0:1' }]);
});

test('createIpamConfig refuses what docker refuses, in its words', () => {
  const cases: [Partial<IpamFlags>, string][] = [
    [{ gateways: ['10.0.0.1'] }, 'every ip-range or gateway must have a corresponding subnet'],
    [{ subnets: ['10.0.0.0/8', '10.1.0.0/16'] }, 'multiple overlapping subnet configuration is not supported'],
    [{ subnets: ['10.0.0.0/16', 'fd00::/64'], ipRanges: ['10.0.1.0/24', '10.0.2.0/24'] }, 'cannot configure multiple ranges (10.0.2.0/24, 10.0.1.0/24) on the same subnet (10.0.0.0/16)'],
    [{ subnets: ['10.0.0.0/16'], gateways: ['fd00::1'] }, 'no matching subnet for gateway fd00::1'],
    [{ subnets: ['10.0.0.0/16'], ipRanges: ['10.0.0.0/33'] }, 'invalid CIDR address: 10.0.0.0/33'],
    [{ subnets: ['bogus'], gateways: ['1.2.3.4'] }, 'invalid subnet: invalid CIDR address: bogus'],
    [{ subnets: ['10.0.0.0/16'], auxAddresses: [['a', '']] }, 'no matching subnet for aux-address '],
  ];
  for (const [flags, message] of cases) assert.throws(() => createIpamConfig({ ...none, ...flags }), { message }, message);
});
