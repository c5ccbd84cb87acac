/** API key roles, weakest first: each role may do everything the roles before it may. */
export const API_ROLES = ['viewer', 'responder', 'admin'] as const;

export type ApiRole = (typeof API_ROLES)[number];

/** What a route needs when it declares nothing: the safe default. */
export const DEFAULT_REQUIRED_ROLE: ApiRole = 'admin';

export function isApiRole(value: unknown): value is ApiRole {
  return typeof value === 'string' && (API_ROLES as readonly string[]).includes(value);
}

/** True when a key holding `held` may call a route that needs `needed`. */
export function roleSatisfies(held: ApiRole, needed: ApiRole): boolean {
  return API_ROLES.indexOf(held) >= API_ROLES.indexOf(needed);
}
