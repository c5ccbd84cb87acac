import type { components } from './schema';

/** The REST API's schemas, generated from the service's OpenAPI document. */
export type Schemas = components['schemas'];
export type Severity = Schemas['IncidentSummaryDto']['severity'];
export type Role = Schemas['CallerDto']['role'];

export const SEVERITIES: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
const ROLE_ORDER: Role[] = ['viewer', 'responder', 'admin'];

export function roleAtLeast(held: Role | undefined, needed: Role): boolean {
  return held !== undefined && ROLE_ORDER.indexOf(held) >= ROLE_ORDER.indexOf(needed);
}
