import {
  validateRuleDefinition,
  type RuleValidationResult,
} from '../../../src/rules/engine/validate-rule';

/** The lists rules in validation specs may name. */
export const KNOWN_LISTS: ReadonlySet<string> = new Set([
  '@corporateEgress',
  '@serviceAccounts',
  'privilegedVaults',
]);

/** A valid threshold rule, for specs to change one property of. */
export const BULK_EXPORT_RULE = {
  name: 'Bulk export',
  kind: 'threshold',
  streams: ['item_usage'],
  filter: { field: 'action', op: 'eq', value: 'export' },
  params: { windowSeconds: 600, threshold: 20 },
};

/** The errors a refused rule is refused with (throws when it is accepted). */
export function errorsOf(input: unknown): Array<{ field: string; reason: string }> {
  const result: RuleValidationResult = validateRuleDefinition(input, KNOWN_LISTS);
  if (result.ok) throw new Error('expected the rule to be refused');
  return result.errors;
}

/** The rule as accepted, defaults filled (throws with the errors when it is refused). */
export function accepted(input: unknown) {
  const result = validateRuleDefinition(input, KNOWN_LISTS);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.rule;
}
