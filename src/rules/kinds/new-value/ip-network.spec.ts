import { isPrivateIp, networkOf } from './ip-network';

describe('ip networks', () => {
  it.each([
    ['10.244.7.3', true],
    ['172.31.255.1', true],
    ['172.32.0.1', false],
    ['192.168.1.4', true],
    ['100.64.0.9', true],
    ['fd12:3456::1', true],
    ['::ffff:10.0.0.1', true],
    ['203.0.113.9', false],
    ['2001:db8::1', false],
    ['not an ip', false],
  ])('%s is private: %s', (ip, expected) => {
    expect(isPrivateIp(ip)).toBe(expected);
  });

  it('names the network of an address, null for text that is none', () => {
    expect(networkOf('10.244.7.3', 16, 64)).toBe('10.244.0.0/16');
    expect(networkOf('203.0.113.77', 24, 64)).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6', 24, 64)).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(networkOf('bogus', 24, 64)).toBeNull();
  });
});
