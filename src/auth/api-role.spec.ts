import { API_ROLES, DEFAULT_REQUIRED_ROLE, isApiRole, roleSatisfies } from './api-role';

describe('api roles', () => {
  it('orders viewer < responder < admin', () => {
    expect(API_ROLES).toEqual(['viewer', 'responder', 'admin']);
  });

  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'responder', false],
    ['viewer', 'admin', false],
    ['responder', 'viewer', true],
    ['responder', 'responder', true],
    ['responder', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'responder', true],
    ['admin', 'admin', true],
  ] as const)('a %s key meets a route needing %s: %s', (held, needed, allowed) => {
    expect(roleSatisfies(held, needed)).toBe(allowed);
  });

  it('needs admin when a route declares nothing', () => {
    expect(DEFAULT_REQUIRED_ROLE).toBe('admin');
  });

  it('recognises roles and nothing else', () => {
    expect(isApiRole('responder')).toBe(true);
    expect(isApiRole('Admin')).toBe(false);
    expect(isApiRole('owner')).toBe(false);
    expect(isApiRole(undefined)).toBe(false);
  });
});
