import type { EntityManager } from 'typeorm';
import { inSavepoint } from '../database/savepoint';
import type { AlertsService, Finding } from '../incidents/alerts.service';
import type { HistoryNeed } from '../rules/engine/evaluation';
import type { Rule } from '../rules/engine/rule-definition';

export interface RuleFailure {
  rule: Rule;
  error: unknown;
}

/** What a rule's piece of work gave, or that it failed. */
export type Attempt<T> = { ok: true; value: T } | { ok: false };

/**
 * One rule that throws must not take the batch down with it: each rule's work runs through
 * `attempt`, and a rule that failed once is left out of the rest of the batch.
 */
export class RuleIsolation {
  readonly failures: RuleFailure[] = [];
  private readonly failed = new Set<string>();

  attempt<T>(rule: Rule, work: () => T): Attempt<T> {
    if (this.failed.has(rule.id)) return { ok: false };
    try {
      return { ok: true, value: work() };
    } catch (error) {
      this.fail(rule, error);
      return { ok: false };
    }
  }

  fail(rule: Rule, error: unknown): void {
    if (this.failed.has(rule.id)) return;
    this.failed.add(rule.id);
    this.failures.push({ rule, error });
  }

  /**
   * Records the findings of every rule. They are written together; when that fails, each
   * rule's are written in a savepoint of its own, so a finding the database refuses fails
   * its rule only and the transaction stays usable for the others.
   */
  async record(
    manager: EntityManager,
    alerts: AlertsService,
    findings: readonly Finding[],
    now: Date,
  ): Promise<{ alertIds: string[]; changeIds: string[] }> {
    const together = await inSavepoint(manager, () => alerts.record(manager, [...findings], now));
    if (together.ok) return together.value;
    const byRule = new Map<string, Finding[]>();
    for (const finding of findings) {
      const own = byRule.get(finding.rule.id) ?? [];
      own.push(finding);
      byRule.set(finding.rule.id, own);
    }
    const out = { alertIds: [] as string[], changeIds: [] as string[] };
    for (const own of byRule.values()) {
      const alone = await inSavepoint(manager, () => alerts.record(manager, own, now));
      if (alone.ok) {
        out.alertIds.push(...alone.value.alertIds);
        out.changeIds.push(...alone.value.changeIds);
      } else {
        this.fail(own[0].rule, alone.error);
      }
    }
    return out;
  }
}

/** A need the database can be asked: real dates, in order (a rule's arithmetic may give NaN). */
export function checkNeeds(needs: HistoryNeed[]): HistoryNeed[] {
  for (const need of needs) {
    const from = need.from.getTime();
    const to = need.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
      throw new RangeError(`history range of ${need.field} is not a valid time range`);
    }
  }
  return needs;
}
