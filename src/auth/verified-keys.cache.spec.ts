import type { ApiPrincipal } from './api-principal';
import { VerifiedKeysCache } from './verified-keys.cache';

const alice: ApiPrincipal = { id: 'k1', name: 'alice', role: 'admin' };
const bob: ApiPrincipal = { id: 'k2', name: 'bob', role: 'viewer' };

describe('VerifiedKeysCache', () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('remembers a key until its time is up', () => {
    const cache = new VerifiedKeysCache(5_000, 10, clock);
    cache.set('h1', alice);
    now += 4_999;
    expect(cache.get('h1')).toEqual(alice);
    now += 1;
    expect(cache.get('h1')).toBeUndefined();
  });

  it('forgets a revoked key at once', () => {
    const cache = new VerifiedKeysCache(5_000, 10, clock);
    cache.set('h1', alice);
    cache.set('h2', bob);
    cache.evict('k1');
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toEqual(bob);
  });

  it('stays within its size', () => {
    const cache = new VerifiedKeysCache(5_000, 2, clock);
    cache.set('h1', alice);
    cache.set('h2', bob);
    cache.set('h3', alice);
    expect([cache.get('h1'), cache.get('h2'), cache.get('h3')].filter(Boolean)).toHaveLength(1);
  });
});
