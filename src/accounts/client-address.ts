/**
 * Which address a request comes from, for IP allowlists.
 *
 * `trustProxy` says whose `X-Forwarded-For` to believe:
 * - `false` (the default): nobody's; the client is the socket's peer.
 * - `true`: every peer's; the client is the left-most address of `X-Forwarded-For`. Only for a
 *   gateway that is reachable solely through proxies you run, since anyone else can send the header.
 * - a list of addresses and CIDR ranges: the proxies you run. Starting at the socket's peer, each
 *   hop that is a trusted proxy hands over to the address it forwarded for (read right to left in
 *   `X-Forwarded-For`); the first untrusted hop is the client.
 *
 * The `Forwarded` header (RFC 7239) is not read.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList } from 'node:net';
import { normalizeIpAddress, parseIpRange } from './ip-allowlist.js';

export type TrustProxySetting = boolean | readonly string[];

/** Returns the client's address, or null when it cannot be told. */
export type ClientAddressResolver = (remoteAddress: string | undefined, headers: IncomingHttpHeaders) => string | null;

/** Throws when a trusted-proxy entry is not an address or CIDR range (a configuration mistake). */
export function createClientAddressResolver(trustProxy: TrustProxySetting = false): ClientAddressResolver {
  const peerAddress = peerAddressNormalizer();
  if (trustProxy === false) return (remoteAddress) => (remoteAddress === undefined ? null : peerAddress(remoteAddress));
  const isTrusted = trustProxy === true ? () => true : trustedProxyMatcher(trustProxy);
  return (remoteAddress, headers) => {
    let current = remoteAddress === undefined ? null : peerAddress(remoteAddress);
    const hops = forwardedFor(headers);
    while (current !== null && isTrusted(current) && hops.length > 0) {
      // A trusted proxy that forwards an unreadable address leaves the client unknown.
      current = normalizeIpAddress(hops.pop()!);
    }
    return current;
  };
}

/** Peers' addresses are few and come back on every request; normalising one takes a regular expression and `isIP`. */
const MAX_REMEMBERED_PEERS = 4_096;

function peerAddressNormalizer(): (remoteAddress: string) => string | null {
  const normalized = new Map<string, string | null>();
  return (remoteAddress) => {
    let address = normalized.get(remoteAddress);
    if (address === undefined) {
      address = normalizeIpAddress(remoteAddress);
      if (normalized.size >= MAX_REMEMBERED_PEERS) normalized.clear();
      normalized.set(remoteAddress, address);
    }
    return address;
  };
}

function trustedProxyMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const range = parseIpRange(entry);
    if (!range) throw new Error(`trusted proxy entry is not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return (address) => list.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
}

/** The `X-Forwarded-For` hops, left (client) to right (nearest proxy), over repeated headers too. */
function forwardedFor(headers: IncomingHttpHeaders): string[] {
  const value = headers['x-forwarded-for'];
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
}
