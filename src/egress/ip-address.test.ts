import { describe, expect, it } from 'vitest';
import { isPublicAddress, isUnspecifiedAddress } from './address-class.js';
import {
  canonicalAddress,
  formatIpAddress,
  isInRange,
  parseIpAddress,
  parseIpRange,
  type IpAddress,
} from './ip-address.js';

function address(text: string): IpAddress {
  const parsed = parseIpAddress(text);
  if (parsed === undefined) throw new Error(`not an address: ${text}`);
  return parsed;
}

describe('parseIpAddress', () => {
  it('reads dotted quads and IPv6, dropping a zone', () => {
    expect(formatIpAddress(address('10.1.2.3'))).toBe('10.1.2.3');
    expect(formatIpAddress(address('fe80::1%eth0'))).toBe('fe80:0:0:0:0:0:0:1');
    expect(formatIpAddress(address('1:2:3:4:5:6:7.8.9.10'))).toBe('1:2:3:4:5:6:708:90a');
  });

  it('takes no numeric spelling of an address as a literal', () => {
    for (const text of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '[::1]']) {
      expect(parseIpAddress(text), text).toBeUndefined();
    }
  });
});

describe('canonicalAddress', () => {
  it('unwraps IPv4-mapped and IPv4-compatible IPv6 addresses', () => {
    for (const text of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:0001',
      '::127.0.0.1',
    ]) {
      expect(formatIpAddress(canonicalAddress(address(text))), text).toBe('127.0.0.1');
    }
  });

  it('keeps :: and ::1 as IPv6', () => {
    expect(canonicalAddress(address('::1')).family).toBe(6);
    expect(canonicalAddress(address('::')).family).toBe(6);
  });
});

describe('ranges', () => {
  it('matches by prefix, across the IPv4-mapped spelling', () => {
    const range = parseIpRange('10.0.0.0/8');
    if (range === undefined) throw new Error('range');
    expect(isInRange(address('10.200.1.1'), range)).toBe(true);
    expect(isInRange(address('::ffff:10.0.0.1'), range)).toBe(true);
    expect(isInRange(address('11.0.0.1'), range)).toBe(false);
    expect(isInRange(address('::a00:1'), range)).toBe(true);
  });

  it('refuses malformed ranges', () => {
    for (const text of ['10.0.0.0/33', '10.0.0.0/8/1', 'fe80::1%eth0/64', '::/129', '10.0.0.0/x']) {
      expect(parseIpRange(text), text).toBeUndefined();
    }
  });
});

describe('address classes', () => {
  it('counts metadata, private, loopback and translator addresses as not public', () => {
    const notPublic = [
      '169.254.169.254',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '100.64.0.1',
      '::1',
      '::ffff:169.254.169.254',
      'fd00::1',
      'fe80::1',
      '64:ff9b::a9fe:a9fe',
      '2002:a9fe:a9fe::1',
      '255.255.255.255',
      '224.0.0.1',
    ];
    for (const text of notPublic) expect(isPublicAddress(address(text)), text).toBe(false);
    expect(isPublicAddress(address('93.184.216.34'))).toBe(true);
    expect(isPublicAddress(address('2606:2800:220:1::1'))).toBe(true);
  });

  it('knows the unspecified addresses in every spelling', () => {
    for (const text of ['0.0.0.0', '0.1.2.3', '::', '::ffff:0.0.0.0']) {
      expect(isUnspecifiedAddress(canonicalAddress(address(text))), text).toBe(true);
    }
  });
});
