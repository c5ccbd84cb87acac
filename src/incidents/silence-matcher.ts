import type { Severity } from '../rules/engine/rule-definition';

/** What a silence matches on; every matcher given must match. */
export interface SilenceMatchers {
  /** Rule ids or rule names. */
  rules?: string[];
  severities?: Severity[];
  /** Actor ids (user uuids, Connect token ids) or emails. */
  actors?: string[];
  /** The rule must carry at least one of these tags. */
  tags?: string[];
  /** 1Password account ids: the alert's account must be one of them. */
  accounts?: string[];
}

export interface SilenceTarget {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  actorId: string | null;
  actorLabel: string | null;
  accountId: string | null;
  tags: string[];
}

const lower = (values: string[] | undefined) => values?.map((value) => value.toLowerCase());

/** True when a silence's matchers all match the alert. */
export function silenceMatches(matchers: SilenceMatchers, target: SilenceTarget): boolean {
  const rules = lower(matchers.rules);
  if (
    rules?.length &&
    !rules.includes(target.ruleId.toLowerCase()) &&
    !rules.includes(target.ruleName.toLowerCase())
  ) {
    return false;
  }
  if (matchers.severities?.length && !matchers.severities.includes(target.severity)) return false;
  const actors = lower(matchers.actors);
  if (actors?.length) {
    const candidates = [target.actorId, target.actorLabel]
      .filter((value): value is string => value !== null)
      .map((value) => value.toLowerCase());
    if (!candidates.some((candidate) => actors.includes(candidate))) return false;
  }
  const accounts = lower(matchers.accounts);
  if (accounts?.length && !accounts.includes(target.accountId?.toLowerCase() ?? '')) return false;
  const tags = lower(matchers.tags);
  if (tags?.length && !target.tags.some((tag) => tags.includes(tag.toLowerCase()))) return false;
  return true;
}
