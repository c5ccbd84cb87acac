import type { Schemas } from '../../api/types';

export type Definition = Record<string, unknown>;

/** The parts of a rule answer that are not its definition. */
const NOT_DEFINITION = [
  'id',
  'version',
  'templateId',
  'createdAt',
  'updatedAt',
  'lastError',
  'failureCount',
];

export function definitionOf(rule: Schemas['RuleDto']): Definition {
  return Object.fromEntries(Object.entries(rule).filter(([key]) => !NOT_DEFINITION.includes(key)));
}

export const BLANK_RULE: Definition = {
  name: '',
  description: '',
  kind: 'match',
  enabled: false,
  mode: 'shadow',
  severity: 'medium',
  streams: ['audit_event'],
  filter: { field: 'action', op: 'eq', value: 'export' },
  groupBy: ['actorId'],
  params: {},
  dedupSeconds: 3600,
  suppressSeconds: 0,
  tags: [],
  runbook: '',
  channels: [],
};

/** Field-level problems grouped by the form field they belong to (`params.x` → params). */
export function problemsByField(
  problems: Array<{ field: string; reason: string }>,
): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const p of problems) {
    const top = p.field.split(/[.[]/)[0] || 'body';
    grouped.set(top, [...(grouped.get(top) ?? []), `${p.field}: ${p.reason}`]);
  }
  return grouped;
}
