import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AddressAllocator, DEFAULT_ADDRESS_POOLS, chooseSubnet } from './ipam.js';
import { formatIPv4, formatSubnet, macForAddress, overlaps, parseAddressInSubnet, parseIPv4, parseSubnet } from './ipv4.js';

const ip = (s: string): number => parseIPv4(s)!;

describe('ipv4', () => {
  test('parses and formats addresses and subnets', () => {
    assert.equal(formatIPv4(ip('172.17.0.1')), '172.17.0.1');
    assert.equal(parseIPv4('256.1.1.1'), undefined);
    assert.equal(parseIPv4('1.2.3'), undefined);
    assert.equal(formatSubnet(parseSubnet('10.1.0.0/16')), '10.1.0.0/16');
    assert.throws(() => parseSubnet('10.1.0.1/16'), /host bits are set/);
    assert.throws(() => parseSubnet('10.1.0.0/33'), /invalid CIDR address/);
    assert.equal(formatSubnet(parseSubnet('10.1.0.1/16', { loose: true })), '10.1.0.0/16');
    const bip = parseAddressInSubnet('192.168.5.1/24');
    assert.equal(formatIPv4(bip.address), '192.168.5.1');
    assert.equal(formatSubnet(bip.subnet), '192.168.5.0/24');
  });

  test('overlap and Docker-style MACs', () => {
    assert.equal(overlaps(parseSubnet('10.0.0.0/8'), parseSubnet('10.231.0.0/24')), true);
    assert.equal(overlaps(parseSubnet('10.1.0.0/16'), parseSubnet('10.2.0.0/16')), false);
    assert.equal(macForAddress(ip('172.17.0.2')), '02:42:ac:11:00:02');
  });
});

describe('AddressAllocator', () => {
  const pool = () => new AddressAllocator({ subnet: parseSubnet('10.9.0.0/29'), gateway: ip('10.9.0.1'), reserved: [ip('10.9.0.3')] });

  test('hands out each address once, skipping gateway, reserved, network and broadcast', () => {
    const a = pool();
    const got = [a.allocate(), a.allocate(), a.allocate(), a.allocate()].map(formatIPv4);
    assert.deepEqual(got, ['10.9.0.2', '10.9.0.4', '10.9.0.5', '10.9.0.6']);
    assert.throws(() => a.allocate(), /no available IPv4 addresses/);
  });

  test('continues after the last one handed out; a released address comes back later', () => {
    const a = pool();
    const first = a.allocate();
    a.release(first);
    assert.equal(formatIPv4(a.allocate()), '10.9.0.4');
  });

  test('static addresses: in the subnet and free', () => {
    const a = pool();
    assert.equal(formatIPv4(a.allocate(ip('10.9.0.5'))), '10.9.0.5');
    assert.throws(() => a.allocate(ip('10.9.0.5')), /Address already in use/);
    assert.throws(() => a.allocate(ip('10.9.0.1')), /Address already in use/);
    assert.throws(() => a.allocate(ip('10.8.0.5')), /no configured subnet or ip-range contain the IP address 10.8.0.5/);
  });

  test('dynamic addresses come from --ip-range', () => {
    const a = new AddressAllocator({ subnet: parseSubnet('10.9.0.0/24'), gateway: ip('10.9.0.1'), range: parseSubnet('10.9.0.128/25'), reserved: [] });
    assert.equal(formatIPv4(a.allocate()), '10.9.0.129');
  });
});

describe('chooseSubnet', () => {
  test('the first pool subnet that overlaps nothing taken', () => {
    assert.equal(formatSubnet(chooseSubnet(DEFAULT_ADDRESS_POOLS, [])), '172.17.0.0/16');
    assert.equal(formatSubnet(chooseSubnet(DEFAULT_ADDRESS_POOLS, [parseSubnet('172.17.0.0/16'), parseSubnet('172.18.5.0/24')])), '172.19.0.0/16');
    assert.equal(formatSubnet(chooseSubnet([{ base: '10.0.0.0/8', size: 24 }], [parseSubnet('10.0.0.0/23')])), '10.0.2.0/24');
    assert.throws(() => chooseSubnet([{ base: '10.0.0.0/24', size: 24 }], [parseSubnet('10.0.0.0/8')]), /non-overlapping/);
  });
});
