import { describe, expect, it } from 'vitest';
import { compileIpAllowlist, ipAllowlistOf, normalizeIpAddress, parseIpRange } from '../../src/accounts/ip-allowlist.js';
import { createClientAddressResolver } from '../../src/accounts/client-address.js';

describe('IP allowlist', () => {
  it('allows every address when empty, even an unknown one', () => {
    const list = compileIpAllowlist([]);
    expect(list.allowsEveryAddress).toBe(true);
    expect(list.allows(null)).toBe(true);
  });

  it('matches IPv4 addresses and CIDR ranges', () => {
    const list = compileIpAllowlist(['203.0.113.7', '10.0.0.0/8', '192.168.1.0/24']);
    expect(list.allows('203.0.113.7')).toBe(true);
    expect(list.allows('203.0.113.8')).toBe(false);
    expect(list.allows('10.255.1.2')).toBe(true);
    expect(list.allows('11.0.0.1')).toBe(false);
    expect(list.allows('192.168.1.200')).toBe(true);
    expect(list.allows('192.168.2.1')).toBe(false);
  });

  it('matches IPv6 addresses and CIDR ranges', () => {
    const list = compileIpAllowlist(['2001:db8::/32', '::1']);
    expect(list.allows('2001:db8:1234::5')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('::2')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 peer address as the IPv4 address', () => {
    const list = compileIpAllowlist(['10.0.0.0/8']);
    expect(list.allows('::ffff:10.1.2.3')).toBe(true);
    expect(list.allows('::ffff:11.1.2.3')).toBe(false);
  });

  it('refuses unknown and unparsable addresses when the list is not empty', () => {
    const list = compileIpAllowlist(['0.0.0.0/0']);
    expect(list.allows('8.8.8.8')).toBe(true);
    expect(list.allows(null)).toBe(false);
    expect(list.allows('not-an-address')).toBe(false);
  });

  it('allows nothing when no stored entry parses, rather than everything', () => {
    const list = compileIpAllowlist(['garbage']);
    expect(list.allowsEveryAddress).toBe(false);
    expect(list.allows('10.0.0.1')).toBe(false);
  });

  it('parses entries and rejects bad ones', () => {
    expect(parseIpRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseIpRange('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseIpRange('1.2.3.4')).toEqual({ address: '1.2.3.4', prefix: 32, family: 'ipv4' });
    expect(parseIpRange('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseIpRange('10.0.0.0/33')).toBeNull();
    expect(parseIpRange('2001:db8::/129')).toBeNull();
    expect(parseIpRange('10.0.0.0/')).toBeNull();
    expect(parseIpRange('10.0.0.0/-1')).toBeNull();
    expect(parseIpRange('300.0.0.1')).toBeNull();
    expect(parseIpRange('example.com')).toBeNull();
  });

  it('normalises peer addresses', () => {
    expect(normalizeIpAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIpAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIpAddress('[::1]')).toBe('::1');
    expect(normalizeIpAddress('nonsense')).toBeNull();
  });

  it('compiles a list once per array', () => {
    const entries = ['10.0.0.0/8'];
    expect(ipAllowlistOf(entries)).toBe(ipAllowlistOf(entries));
    expect(ipAllowlistOf(['10.0.0.0/8'])).not.toBe(ipAllowlistOf(entries));
  });
});

describe('client address', () => {
  const forwarded = { 'x-forwarded-for': '198.51.100.9, 10.0.0.5' };

  it('uses the socket peer and ignores X-Forwarded-For by default', () => {
    const resolve = createClientAddressResolver();
    expect(resolve('::ffff:10.0.0.2', forwarded)).toBe('10.0.0.2');
    expect(resolve(undefined, forwarded)).toBeNull();
  });

  it('with trustProxy true, takes the left-most forwarded address', () => {
    const resolve = createClientAddressResolver(true);
    expect(resolve('10.0.0.2', forwarded)).toBe('198.51.100.9');
    expect(resolve('10.0.0.2', {})).toBe('10.0.0.2');
  });

  it('with a list, walks back only through trusted proxies', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/24']);
    // Peer 10.0.0.2 is trusted, so is the next hop 10.0.0.5; 198.51.100.9 is the client.
    expect(resolve('10.0.0.2', forwarded)).toBe('198.51.100.9');
    // A peer that is not a trusted proxy cannot choose its address by sending the header.
    expect(resolve('203.0.113.50', forwarded)).toBe('203.0.113.50');
    // A spoofed left-most entry behind an untrusted hop is not believed.
    expect(resolve('10.0.0.2', { 'x-forwarded-for': '1.1.1.1, 198.51.100.9' })).toBe('198.51.100.9');
  });

  it('reads repeated X-Forwarded-For headers as one list', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);
    expect(resolve('10.0.0.2', { 'x-forwarded-for': ['198.51.100.9', '10.0.0.5'] })).toBe('198.51.100.9');
  });

  it('leaves the client unknown when a trusted proxy forwards garbage', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);
    expect(resolve('10.0.0.2', { 'x-forwarded-for': 'unknown' })).toBeNull();
  });

  it('refuses a trusted-proxy entry that is not an address', () => {
    expect(() => createClientAddressResolver(['proxy.internal'])).toThrow(/proxy\.internal/);
  });

  it('gives the same answers for peers seen before, past the number of peers it remembers', () => {
    const resolve = createClientAddressResolver();
    const peers = Array.from({ length: 5_000 }, (_, index) => `::ffff:10.${(index >> 8) & 255}.${index & 255}.7`);
    for (const round of [1, 2]) {
      for (const [index, peer] of peers.entries()) {
        const expected = `10.${(index >> 8) & 255}.${index & 255}.7`;
        if (resolve(peer, {}) !== expected) expect(resolve(peer, {}), `round ${round}, ${peer}`).toBe(expected);
      }
    }
    expect(resolve('not an address', {})).toBeNull();
    expect(resolve('not an address', {})).toBeNull();
  });

  it('supports IPv6 proxies', () => {
    const resolve = createClientAddressResolver(['fd00::/8']);
    expect(resolve('fd00::1', { 'x-forwarded-for': '2001:db8::7' })).toBe('2001:db8::7');
  });
});
