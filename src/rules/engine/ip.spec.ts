import { CidrSet, parseCidr, parseIp } from './ip';

function set(...cidrs: string[]): CidrSet {
  const s = new CidrSet();
  for (const text of cidrs) {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    s.add(parsed.cidr);
  }
  return s;
}

describe('parseIp', () => {
  it.each([
    ['203.0.113.9', { v: 4, n: 0xcb007109 }],
    ['0.0.0.0', { v: 4, n: 0 }],
    ['255.255.255.255', { v: 4, n: 0xffffffff }],
    ['::ffff:203.0.113.9', { v: 4, n: 0xcb007109 }],
    ['::ffff:cb00:7109', { v: 4, n: 0xcb007109 }],
  ])('reads %s', (text, expected) => {
    expect(parseIp(text)).toEqual(expected);
  });

  it.each([
    ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['2001:DB8:0:0:0:0:0:1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['fe80::1%eth0', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ['64:ff9b::192.0.2.33', [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]],
    ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0]],
  ])('reads IPv6 %s', (text, groups) => {
    expect(parseIp(text)).toEqual({ v: 6, g: groups });
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.-4',
    'a.b.c.d',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    ':1',
    'gggg::',
    '::ffff:300.1.1.1',
    'CA',
  ])('refuses %p', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('parseCidr', () => {
  it('accepts blocks and bare addresses', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ ok: true, cidr: { v: 4, bits: 8 } });
    expect(parseCidr('203.0.113.9')).toMatchObject({ ok: true, cidr: { v: 4, bits: 32 } });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ ok: true, cidr: { v: 6, bits: 32 } });
    expect(parseCidr('::/0')).toMatchObject({ ok: true, cidr: { v: 6, bits: 0 } });
  });

  it('says why a block is bad', () => {
    expect(parseCidr('10.0.0.0/33')).toEqual({
      ok: false,
      reason: 'prefix length 33 exceeds 32 for IPv4',
    });
    expect(parseCidr('10.0.0.0/x')).toEqual({
      ok: false,
      reason: "prefix length 'x' is not a number",
    });
    expect(parseCidr('10.0.0/8')).toEqual({ ok: false, reason: "'10.0.0' is not an IP address" });
    expect(parseCidr('10.1.2.3/8', true)).toEqual({
      ok: false,
      reason: 'host bits set (did you mean 10.0.0.0/8?)',
    });
    expect(parseCidr('10.1.2.3/8').ok).toBe(true);
  });
});

describe('CidrSet', () => {
  it('matches IPv4 membership at the block edges', () => {
    const s = set('10.0.0.0/8', '192.168.1.0/24', '203.0.113.9');
    expect(s.contains('10.0.0.0')).toBe(true);
    expect(s.contains('10.255.255.255')).toBe(true);
    expect(s.contains('11.0.0.0')).toBe(false);
    expect(s.contains('9.255.255.255')).toBe(false);
    expect(s.contains('192.168.1.77')).toBe(true);
    expect(s.contains('192.168.2.1')).toBe(false);
    expect(s.contains('203.0.113.9')).toBe(true);
    expect(s.contains('203.0.113.10')).toBe(false);
    expect(s.contains('not an ip')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 blocks', () => {
    expect(set('10.0.0.0/8').contains('::ffff:10.1.2.3')).toBe(true);
  });

  it('matches IPv6 blocks, including prefixes that split a group', () => {
    const s = set('2001:db8::/32', 'fd00::/7', '2001:db8:abcd:12::/63');
    expect(s.contains('2001:db8:ffff::1')).toBe(true);
    expect(s.contains('2001:db9::1')).toBe(false);
    expect(s.contains('fc00::1')).toBe(true);
    expect(s.contains('fdff:ffff::1')).toBe(true);
    expect(s.contains('fe00::1')).toBe(false);
    const narrow = set('2001:db8:abcd:12::/63');
    expect(narrow.contains('2001:db8:abcd:13::5')).toBe(true);
    expect(narrow.contains('2001:db8:abcd:14::5')).toBe(false);
    expect(s.contains('10.0.0.1')).toBe(false);
  });

  it('handles /0 and /32 for IPv4 and /0 and /128 for IPv6', () => {
    expect(set('0.0.0.0/0').contains('198.51.100.1')).toBe(true);
    expect(set('0.0.0.0/0').contains('::1')).toBe(false);
    expect(set('::/0').contains('2001:db8::1')).toBe(true);
    expect(set('2001:db8::1/128').contains('2001:0db8:0:0::1')).toBe(true);
    expect(set('2001:db8::1/128').contains('2001:db8::2')).toBe(false);
  });

  it('matches an address inside a large block of single addresses quickly', () => {
    const s = new CidrSet();
    for (let i = 0; i < 5000; i++) {
      const parsed = parseCidr(`100.64.${i >> 8}.${i & 255}`);
      if (parsed.ok) s.add(parsed.cidr);
    }
    expect(s.contains('100.64.19.135')).toBe(true);
    expect(s.contains('100.65.0.1')).toBe(false);
  });
});
