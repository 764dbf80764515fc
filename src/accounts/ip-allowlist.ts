/**
 * A key's IP allowlist: IPv4 and IPv6 addresses and CIDR ranges (`203.0.113.7`, `10.0.0.0/8`,
 * `2001:db8::/32`). Matching uses Node's `net.BlockList`. An empty list allows every address.
 */
import { BlockList, isIP } from 'node:net';

export interface IpAllowlist {
  readonly allowsEveryAddress: boolean;
  /** False for an address outside the list, and for an unknown (null) or unparsable one. */
  allows(address: string | null): boolean;
}

export interface ParsedIpRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const EVERY_ADDRESS: IpAllowlist = { allowsEveryAddress: true, allows: () => true };

const compiledByEntries = new WeakMap<readonly string[], IpAllowlist>();

/** The compiled allowlist of a key's `ipAllowlist`, cached for as long as that array lives. */
export function ipAllowlistOf(entries: readonly string[]): IpAllowlist {
  if (entries.length === 0) return EVERY_ADDRESS;
  let compiled = compiledByEntries.get(entries);
  if (!compiled) {
    compiled = compileIpAllowlist(entries);
    compiledByEntries.set(entries, compiled);
  }
  return compiled;
}

/**
 * Compiles the entries; an entry that does not parse is skipped (input is validated before it is
 * stored, so this only guards against hand-edited rows), and a list left with no valid entry
 * allows nothing rather than everything.
 */
export function compileIpAllowlist(entries: readonly string[]): IpAllowlist {
  if (entries.length === 0) return EVERY_ADDRESS;
  const list = new BlockList();
  for (const entry of entries) {
    const range = parseIpRange(entry);
    if (range) list.addSubnet(range.address, range.prefix, range.family);
  }
  return {
    allowsEveryAddress: false,
    allows(address: string | null): boolean {
      if (address === null) return false;
      const normalized = normalizeIpAddress(address);
      if (normalized === null) return false;
      return list.check(normalized, isIP(normalized) === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** An address (`10.1.2.3`, `::1`) or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`); null when neither. */
export function parseIpRange(entry: string): ParsedIpRange | null {
  const trimmed = entry.trim();
  const slash = trimmed.indexOf('/');
  const address = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const maximum = version === 4 ? 32 : 128;
  if (slash === -1) return { address, prefix: maximum, family };
  const prefixText = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > maximum) return null;
  return { address, prefix, family };
}

/**
 * The plain form of a peer address: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a
 * dual-stack socket reports for IPv4 clients) becomes IPv4, and an IPv6 zone (`%eth0`) is dropped.
 * Null when it is not an IP address.
 */
export function normalizeIpAddress(address: string): string | null {
  let candidate = address.trim();
  if (candidate.startsWith('[') && candidate.endsWith(']')) candidate = candidate.slice(1, -1);
  const zone = candidate.indexOf('%');
  if (zone !== -1) candidate = candidate.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(candidate);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  return isIP(candidate) === 0 ? null : candidate;
}
