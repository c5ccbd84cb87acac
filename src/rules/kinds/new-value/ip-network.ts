import { CidrSet, formatIpv4, formatIpv6, parseCidr, parseIp } from '../../engine/ip';

/**
 * The networks an address belongs to, for rules that judge networks as well as hosts: a
 * Connect pod rescheduled inside its cluster's private subnet keeps its network, a public
 * address never seen before does not.
 */

const PRIVATE_NETWORKS = new CidrSet(
  [
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    'fc00::/7',
    'fe80::/10',
    '::1/128',
  ].map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.cidr;
  }),
);

/** RFC 1918, carrier-grade NAT, loopback, link-local and unique-local addresses. */
export function isPrivateIp(text: string): boolean {
  return PRIVATE_NETWORKS.contains(text);
}

/** `10.20.0.0/16` for `10.20.3.4` with an IPv4 prefix of 16; null for text that is no address. */
export function networkOf(text: string, ipv4Prefix: number, ipv6Prefix: number): string | null {
  const ip = parseIp(text);
  if (ip === null) return null;
  const bits = ip.v === 4 ? ipv4Prefix : ipv6Prefix;
  const address = ip.v === 4 ? formatIpv4(ip.n) : formatIpv6(ip.g);
  const masked = parseCidr(`${address}/${bits}`);
  if (!masked.ok) return null;
  const network = ip.v === 4 ? formatIpv4(masked.cidr.n) : formatIpv6(masked.cidr.g);
  return `${network}/${bits}`;
}
