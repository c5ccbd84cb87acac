import { ATTACK_KINDS, EXPECTED_RULES } from '../../../simulator/scenario/types';
import { BUILT_IN_LISTS } from '../built-in-lists';
import { validateRuleDefinition } from '../engine/validate-rule';
import { listReferences } from './built-in-template';
import { runFixture } from '../../../test/support/rule-engine/run-fixture';
import { BUILT_IN_TEMPLATES, findTemplate } from './index';

const BUILT_IN_LIST_NAMES = new Set(BUILT_IN_LISTS.map((l) => `@${l.name}`));

describe('built-in templates', () => {
  it('have unique, well-formed ids', () => {
    const ids = BUILT_IN_TEMPLATES.map((t) => t.templateId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^op\.[a-z]+(\.[a-z_]+)+$/);
  });

  it('cover every attack the scenario generator injects', () => {
    for (const kind of ATTACK_KINDS) {
      const template = findTemplate(EXPECTED_RULES[kind]);
      expect({ kind, template: template?.templateId }).toEqual({
        kind,
        template: EXPECTED_RULES[kind],
      });
      expect(template?.definition.enabled).toBe(true);
    }
  });

  describe.each(BUILT_IN_TEMPLATES.map((t) => [t.templateId, t] as const))(
    '%s',
    (_id, template) => {
      it('passes validation unchanged, with only built-in lists', () => {
        const refs = listReferences(template.definition);
        for (const ref of refs) expect(BUILT_IN_LIST_NAMES).toContain(ref);
        const result = validateRuleDefinition(template.definition, BUILT_IN_LIST_NAMES);
        expect(result).toEqual({ ok: true, rule: template.definition });
      });

      it('ships disabled exactly when it needs a customer list', () => {
        const needs = template.requiresLists ?? [];
        for (const list of needs) expect(BUILT_IN_LIST_NAMES).toContain(list);
        expect(template.definition.enabled).toBe(needs.length === 0);
        expect(template.definition.name).not.toBe('');
        expect(template.definition.description).not.toBe('');
      });

      it('has positive and negative fixtures', () => {
        expect(template.fixtures.positive.length).toBeGreaterThan(0);
        expect(template.fixtures.negative.length).toBeGreaterThan(0);
      });

      const cases = [
        ...template.fixtures.positive.map((f) => ['positive', f.name, f] as const),
        ...template.fixtures.negative.map((f) => ['negative', f.name, f] as const),
      ];
      it.each(cases)('%s: %s', (polarity, _name, fixture) => {
        const { alerts, oneByOne } = runFixture(template, fixture);
        expect(fixture.expect.alerts > 0).toBe(polarity === 'positive');
        expect(alerts).toHaveLength(fixture.expect.alerts);
        const fingerprints = alerts.map((a) => a.fingerprint).sort();
        expect(oneByOne.map((a) => a.fingerprint).sort()).toEqual(fingerprints);
        const expected = fixture.expect.fingerprints;
        expect(fingerprints).toEqual(expected ? [...expected].sort() : fingerprints);
        const severity = fixture.expect.severity;
        expect(alerts.map((a) => a.severity)).toEqual(alerts.map((a) => severity ?? a.severity));
        expect(alerts.map((a) => a.ruleId)).toEqual(alerts.map(() => template.templateId));
        for (const alert of alerts) {
          expect(alert.explanation).toMatch(/^\S.*\.$/);
          expect(alert.explanation).not.toMatch(/\[object Object\]|undefined|NaN/);
        }
        const first = alerts.at(0)?.explanation ?? '';
        for (const words of fixture.expect.explains ?? []) expect(first).toContain(words);
      });
    },
  );
});
