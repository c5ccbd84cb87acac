import fc from 'fast-check';
import { classifyAddress, isPublicAddress } from './address-class';

const v4 = (a: number, b: number, c: number, d: number) => `${a}.${b}.${c}.${d}`;
const octet = fc.integer({ min: 0, max: 255 });

/** An IPv4 address inside `base/bits`, as text. */
function inV4Range(base: string, bits: number): fc.Arbitrary<string> {
  const start = base.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const size = 2 ** (32 - bits);
  return fc.integer({ min: 0, max: size - 1 }).map((offset) => {
    const value = start + offset;
    return v4(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
  });
}

const INTERNAL_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const internalV4 = fc.oneof(...INTERNAL_V4.map(([base, bits]) => inV4Range(base, bits)));

/** The IPv6 spellings that carry an IPv4 address to the same host or a gateway to it. */
function v6Forms(address: string): string[] {
  const [a, b, c, d] = address.split('.').map(Number);
  const high = ((a << 8) | b).toString(16);
  const low = ((c << 8) | d).toString(16);
  return [
    `::ffff:${address}`,
    `::FFFF:${high}:${low}`,
    `0:0:0:0:0:ffff:${high}:${low}`,
    `[::ffff:${address}]`,
    `::${address}`,
    `64:ff9b::${address}`,
    `2002:${high}:${low}::1`,
  ];
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['not-an-address', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses every address of the internal IPv4 ranges', () => {
    fc.assert(
      fc.property(internalV4, (address) => {
        expect(isPublicAddress(address)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses internal IPv4 addresses in every IPv6 form that carries them', () => {
    fc.assert(
      fc.property(internalV4, (address) => {
        for (const form of v6Forms(address))
          expect([form, isPublicAddress(form)]).toEqual([form, false]);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses every address of the internal IPv6 ranges', () => {
    const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    const tail = fc.array(hextet, { minLength: 7, maxLength: 7 });
    const internal = fc.oneof(
      tail.map((rest) => ['fe80', ...rest].join(':')),
      fc
        .tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), tail)
        .map(([first, rest]) => [first.toString(16), ...rest].join(':')),
      fc
        .tuple(fc.integer({ min: 0xff00, max: 0xffff }), tail)
        .map(([first, rest]) => [first.toString(16), ...rest].join(':')),
    );
    fc.assert(
      fc.property(internal, (address) => {
        expect([address, isPublicAddress(address)]).toEqual([address, false]);
      }),
      { numRuns: 1000 },
    );
  });

  it('judges an IPv4-mapped address as the IPv4 address it maps', () => {
    fc.assert(
      fc.property(octet, octet, octet, octet, (a, b, c, d) => {
        const address = v4(a, b, c, d);
        expect(classifyAddress(`::ffff:${address}`)).toBe(classifyAddress(address));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(typeof classifyAddress(text)).toBe('string');
      }),
    );
  });
});
