import { AUDIT_TEMPLATES } from './audit-templates';
import type { BuiltInTemplate } from './built-in-template';
import { CONNECT_TEMPLATES } from './connect-templates';
import { ITEM_TEMPLATES } from './item-templates';
import { HEALTH_TEMPLATES, SEQUENCE_TEMPLATES } from './sequence-templates';
import { SIGNIN_TEMPLATES } from './signin-templates';

export type { BuiltInTemplate, FixtureCase } from './built-in-template';
export { runFixture, templateRule } from './run-fixture';

/**
 * The built-in rule templates, installed on first start. Ids are stable; a template that needs
 * a customer list ships disabled and names the list in `requiresLists`.
 */
export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [
  ...ITEM_TEMPLATES,
  ...SIGNIN_TEMPLATES,
  ...CONNECT_TEMPLATES,
  ...AUDIT_TEMPLATES,
  ...SEQUENCE_TEMPLATES,
  ...HEALTH_TEMPLATES,
];

export function findTemplate(templateId: string): BuiltInTemplate | undefined {
  return BUILT_IN_TEMPLATES.find((t) => t.templateId === templateId);
}
