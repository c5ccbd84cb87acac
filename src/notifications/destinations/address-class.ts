import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not on the public internet; `public` when it is. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared' // carrier-grade NAT, 100.64.0.0/10
  | 'link-local' // cloud metadata services live here (169.254.169.254, fd00:ec2::254 is ULA)
  | 'unique-local'
  | 'multicast'
  | 'reserved';

interface Range<T> {
  base: T;
  bits: number;
  kind: Exclude<AddressClass, 'public'>;
}

const V4_RANGES: Array<Range<number>> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
].map(([base, bits, kind]) => ({
  base: v4ToNumber(base as string),
  bits: bits as number,
  kind: kind as Range<number>['kind'],
}));

const V6_RANGES: Array<Range<bigint>> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['2001::', 32, 'reserved'], // Teredo: the IPv4 inside is obfuscated, so it cannot be judged
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
].map(([base, bits, kind]) => ({
  base: v6ToBigInt(base as string)!,
  bits: bits as number,
  kind: kind as Range<bigint>['kind'],
}));

/**
 * IPv6 prefixes that carry an IPv4 address: the IPv4 inside decides. A connection to
 * `::ffff:127.0.0.1` reaches 127.0.0.1, and NAT64 or 6to4 gateways forward to the IPv4.
 */
const V4_CARRIERS: Array<{ base: bigint; bits: number; v4At: number }> = [
  { base: v6ToBigInt('::ffff:0:0')!, bits: 96, v4At: 0 }, // IPv4-mapped
  { base: v6ToBigInt('::ffff:0:0:0')!, bits: 96, v4At: 0 }, // IPv4-translated (SIIT)
  { base: 0n, bits: 96, v4At: 0 }, // IPv4-compatible (deprecated), ::a.b.c.d
  { base: v6ToBigInt('64:ff9b::')!, bits: 96, v4At: 0 }, // NAT64 well-known prefix
  { base: v6ToBigInt('64:ff9b:1::')!, bits: 48, v4At: 0 }, // NAT64 local-use
  { base: v6ToBigInt('2002::')!, bits: 16, v4At: 80 }, // 6to4: bits 16..47
];

/**
 * Classifies an IP address written as text (IPv4, or IPv6 in any of its forms, with or
 * without brackets and zone). Anything that is not an IP address is `reserved`: the caller
 * asked about an address, and an unreadable one is not safe to reach.
 */
export function classifyAddress(text: string): AddressClass {
  const address = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(address)) return classifyV4(v4ToNumber(address));
  const bare = address.replace(/%.*$/, ''); // a zone (fe80::1%eth0) names an interface
  if (!isIPv6(bare)) return 'reserved';
  const value = v6ToBigInt(bare);
  if (value === null) return 'reserved';
  return classifyV6(value);
}

export function isPublicAddress(text: string): boolean {
  return classifyAddress(text) === 'public';
}

function classifyV4(value: number): AddressClass {
  if (value === 0xffffffff) return 'reserved'; // limited broadcast
  for (const range of V4_RANGES) if (inV4(value, range.base, range.bits)) return range.kind;
  return 'public';
}

function classifyV6(value: bigint): AddressClass {
  // Exact ranges first: :: and ::1 also sit inside the IPv4-compatible prefix.
  for (const range of V6_RANGES.slice(0, 2)) if (value === range.base) return range.kind;
  for (const carrier of V4_CARRIERS) {
    if (inV6(value, carrier.base, carrier.bits)) {
      const v4 = Number((value >> BigInt(carrier.v4At)) & 0xffffffffn);
      return classifyV4(v4);
    }
  }
  for (const range of V6_RANGES.slice(2))
    if (inV6(value, range.base, range.bits)) return range.kind;
  return 'public';
}

function inV4(value: number, base: number, bits: number): boolean {
  if (bits === 0) return true;
  const shift = 32 - bits;
  return value >>> shift === base >>> shift;
}

function inV6(value: bigint, base: bigint, bits: number): boolean {
  const shift = BigInt(128 - bits);
  return value >> shift === base >> shift;
}

function v4ToNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/** A valid IPv6 text (as `net.isIPv6` accepts) to its 128-bit value. */
function v6ToBigInt(address: string): bigint | null {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 becomes two hextets.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (!isIPv4(dotted[1])) return null;
    const v4 = v4ToNumber(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}
