import type { ListSnapshot } from '../../../src/rules/engine/evaluation';
import type { Rule } from '../../../src/rules/engine/rule-definition';
import { validateRuleDefinition } from '../../../src/rules/engine/validate-rule';

/** A stored rule from a definition as authored (validated, defaults filled). */
export function testRule(
  definition: unknown,
  lists: ListSnapshot = new Map(),
  id = 'rule-1',
): Rule {
  const result = validateRuleDefinition(definition, new Set(lists.keys()));
  if (!result.ok) {
    throw new Error(
      `invalid test rule: ${result.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
    );
  }
  return { ...result.rule, id, version: 1, templateId: null };
}
