/**
 * IPv4 and IPv6 addresses and CIDR blocks, parsed by hand so that membership tests are cheap
 * (a Set lookup per distinct prefix length) and behave the same on every Node version.
 * IPv4-mapped IPv6 addresses (`::ffff:203.0.113.9`) match IPv4 blocks.
 */

export type IpAddress = { v: 4; n: number } | { v: 6; g: readonly number[] };

export interface Cidr {
  v: 4 | 6;
  bits: number;
  /** The masked network: a uint32 for IPv4, eight 16-bit groups for IPv6. */
  n: number;
  g: readonly number[];
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; reason: string };

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!V4_PART.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    n = n * 256 + value;
  }
  return n;
}

function parseIpv6Groups(text: string): number[] | null {
  let body = text;
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  const lastColon = body.lastIndexOf(':');
  if (lastColon < 0) return null;
  // An embedded IPv4 address fills the last two groups (::ffff:192.0.2.1).
  let tail: number[] = [];
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === null) return null;
    tail = [Math.floor(v4 / 65536), v4 % 65536];
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const need = 8 - tail.length;
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const group of s.split(':')) {
      if (!V6_GROUP.test(group)) return null;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const left = parse(halves[0]);
  if (left === null) return null;
  if (halves.length === 1) return left.length === need ? [...left, ...tail] : null;
  const right = parse(halves[1]);
  if (right === null) return null;
  const missing = need - left.length - right.length;
  if (missing < 1) return null;
  return [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
}

export function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) {
    const g = parseIpv6Groups(text);
    if (g === null) return null;
    // IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address for matching purposes.
    if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
      return { v: 4, n: g[6] * 65536 + g[7] };
    }
    return { v: 6, g };
  }
  const n = parseIpv4(text);
  return n === null ? null : { v: 4, n };
}

function maskV4(n: number, bits: number): number {
  if (bits === 0) return 0;
  const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  return (n & mask) >>> 0;
}

function maskV6(g: readonly number[], bits: number): number[] {
  return g.map((group, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    if (keep === 16) return group;
    if (keep === 0) return 0;
    return group & ((0xffff << (16 - keep)) & 0xffff);
  });
}

/**
 * `a.b.c.d/len`, `x:y::z/len`, or a bare address (a /32 or /128 block). With `strict`, host
 * bits set below the prefix (`10.1.2.3/8`) are refused, as Python's ipaddress does.
 */
export function parseCidr(text: string, strict = false): CidrParse {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const ip = addressText.includes(':')
    ? ((): IpAddress | null => {
        const g = parseIpv6Groups(addressText);
        return g === null ? null : { v: 6, g };
      })()
    : parseIp(addressText);
  if (ip === null) return { ok: false, reason: `'${addressText}' is not an IP address` };
  const max = ip.v === 4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText)) {
      return { ok: false, reason: `prefix length '${lenText}' is not a number` };
    }
    bits = Number(lenText);
    if (bits > max) {
      return { ok: false, reason: `prefix length ${bits} exceeds ${max} for IPv${ip.v}` };
    }
  }
  if (ip.v === 4) {
    const n = maskV4(ip.n, bits);
    if (strict && n !== ip.n) {
      return { ok: false, reason: `host bits set (did you mean ${formatIpv4(n)}/${bits}?)` };
    }
    return { ok: true, cidr: { v: 4, bits, n, g: [] } };
  }
  const g = maskV6(ip.g, bits);
  if (strict && g.some((group, i) => group !== ip.g[i])) {
    return { ok: false, reason: `host bits set (did you mean ${formatIpv6(g)}/${bits}?)` };
  }
  return { ok: true, cidr: { v: 6, bits, n: 0, g } };
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function formatIpv6(g: readonly number[]): string {
  return g.map((x) => x.toString(16)).join(':');
}

/** Does this text look like a CIDR block or an address (a list item to match by membership)? */
export function looksLikeCidr(text: string): boolean {
  return parseCidr(text).ok;
}

/**
 * A set of CIDR blocks. Membership costs one Set lookup per distinct prefix length present,
 * so a feed of thousands of /32 addresses is as cheap as one block.
 */
export class CidrSet {
  private readonly v4 = new Map<number, Set<number>>();
  private readonly v6 = new Map<number, Set<string>>();
  private v4Bits: number[] = [];
  private v6Bits: number[] = [];
  size = 0;

  constructor(cidrs: Iterable<Cidr> = []) {
    for (const cidr of cidrs) this.add(cidr);
  }

  add(cidr: Cidr): void {
    this.size++;
    if (cidr.v === 4) {
      let set = this.v4.get(cidr.bits);
      if (!set) {
        set = new Set();
        this.v4.set(cidr.bits, set);
        this.v4Bits = [...this.v4.keys()].sort((a, b) => b - a);
      }
      set.add(cidr.n);
    } else {
      let set = this.v6.get(cidr.bits);
      if (!set) {
        set = new Set();
        this.v6.set(cidr.bits, set);
        this.v6Bits = [...this.v6.keys()].sort((a, b) => b - a);
      }
      set.add(formatIpv6(cidr.g));
    }
  }

  containsIp(ip: IpAddress): boolean {
    if (ip.v === 4) {
      for (const bits of this.v4Bits) {
        if (this.v4.get(bits)?.has(maskV4(ip.n, bits))) return true;
      }
      return false;
    }
    for (const bits of this.v6Bits) {
      if (this.v6.get(bits)?.has(formatIpv6(maskV6(ip.g, bits)))) return true;
    }
    return false;
  }

  /** False for text that is not an IP address. */
  contains(text: string): boolean {
    if (this.size === 0) return false;
    const ip = parseIp(text);
    return ip !== null && this.containsIp(ip);
  }
}
