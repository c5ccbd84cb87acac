import { AUDIT_IDENTITY_TEMPLATES } from './audit-identity-templates';
import { AUDIT_TEMPLATES } from './audit-templates';
import type { BuiltInTemplate } from './built-in-template';
import { CONNECT_TEMPLATES } from './connect-templates';
import { CONNECT_TOKEN_TEMPLATES } from './connect-token-templates';
import { ITEM_TEMPLATES } from './item-templates';
import { ITEM_USE_TEMPLATES } from './item-use-templates';
import {
  HEALTH_TEMPLATES,
  MORE_SEQUENCE_TEMPLATES,
  SEQUENCE_TEMPLATES,
} from './sequence-templates';
import { SIGNIN_CONTEXT_TEMPLATES } from './signin-context-templates';
import { SIGNIN_FAILURE_TEMPLATES } from './signin-failure-templates';
import { SIGNIN_TEMPLATES } from './signin-templates';

export type { BuiltInTemplate, FixtureCase } from './built-in-template';

/**
 * The built-in rule templates, installed on first start. Ids are stable; a template that needs
 * a customer list ships disabled and names the list in `requiresLists`.
 */
export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [
  ...ITEM_TEMPLATES,
  ...ITEM_USE_TEMPLATES,
  ...SIGNIN_TEMPLATES,
  ...SIGNIN_FAILURE_TEMPLATES,
  ...SIGNIN_CONTEXT_TEMPLATES,
  ...CONNECT_TEMPLATES,
  ...CONNECT_TOKEN_TEMPLATES,
  ...AUDIT_TEMPLATES,
  ...AUDIT_IDENTITY_TEMPLATES,
  ...SEQUENCE_TEMPLATES,
  ...MORE_SEQUENCE_TEMPLATES,
  ...HEALTH_TEMPLATES,
];

export function findTemplate(templateId: string): BuiltInTemplate | undefined {
  return BUILT_IN_TEMPLATES.find((t) => t.templateId === templateId);
}
