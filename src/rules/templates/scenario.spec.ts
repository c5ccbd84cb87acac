/**
 * The built-in templates against the scenario generator: a month of realistic traffic for a
 * small tenant with one of each injected attack, normalized by the real normalizers, stored in
 * the order the APIs serve it (late item usages included) and judged in batches as the
 * detection worker would. Each attack must trip the template its label names.
 */
import { generateScenario } from '../../../simulator/scenario';
import type { Scenario, TimedEvent } from '../../../simulator/scenario/types';
import { normalizeEvent } from '../../events/normalize/normalize-event';
import type { Stream } from '../../events/normalize/normalized-event';
import type { DetectEvent } from '../../events/detect-event';
import { evaluate, historyNeed } from '../engine/evaluate';
import type { AlertCandidate, HistoryNeed, ListSnapshot } from '../engine/evaluation';
import { compareIds } from '../../events/event-order';
import { InMemoryBaselines } from '../replay/in-memory-baselines';
import { detectEventFrom } from '../../../test/support/rule-engine/detect-events';
import { listReferences } from './built-in-template';
import { HEAVY_REVEALER } from '../../../simulator/scenario/population';
import { templateRule } from '../../../test/support/rule-engine/run-fixture';
import { BUILT_IN_TEMPLATES } from './index';

/** Stored events indexed by field value, to answer history needs without scanning all. */
class Store {
  private readonly byField = new Map<string, Map<string, DetectEvent[]>>();

  add(events: readonly DetectEvent[]): void {
    for (const e of events) {
      for (const field of ['actorId', 'ip', 'objectId'] as const) {
        const value = e[field];
        if (value === null) continue;
        let index = this.byField.get(field);
        if (!index) {
          index = new Map();
          this.byField.set(field, index);
        }
        const list = index.get(value);
        if (list) list.push(e);
        else index.set(value, [e]);
      }
    }
  }

  answer(needs: readonly HistoryNeed[]): DetectEvent[] {
    const out = new Map<string, DetectEvent>();
    for (const need of needs) {
      const index = this.byField.get(need.field);
      if (!index) throw new Error(`no index on ${need.field}`);
      const from = need.from.getTime();
      const to = need.to.getTime();
      for (const key of need.keys) {
        for (const e of index.get(key) ?? []) {
          const t = e.eventTime.getTime();
          if (t >= from && t <= to && need.streams.includes(e.stream)) out.set(e.id, e);
        }
      }
    }
    return [...out.values()].sort(
      (a, b) => a.eventTime.getTime() - b.eventTime.getTime() || compareIds(a.id, b.id),
    );
  }
}

function arrivals(scenario: Scenario): DetectEvent[] {
  const raw: Array<{ stream: Stream; event: TimedEvent<unknown> }> = [
    ...scenario.itemUsages.map((event) => ({ stream: 'item_usage' as const, event })),
    ...scenario.signInAttempts.map((event) => ({ stream: 'signin_attempt' as const, event })),
    ...scenario.auditEvents.map((event) => ({ stream: 'audit_event' as const, event })),
    ...scenario.connectActivity.map((event) => ({ stream: 'connect_activity' as const, event })),
  ].sort((a, b) => a.event.availableAt - b.event.availableAt);
  const out: DetectEvent[] = [];
  for (const { stream, event } of raw) {
    const result = normalizeEvent(stream, event.raw);
    if (!result.ok) continue;
    out.push(detectEventFrom(result.event, String(out.length + 1), new Date(event.availableAt)));
  }
  return out;
}

describe('built-in templates on a generated month', () => {
  const scenario = generateScenario({ seed: 7, users: 40, days: 30 });
  const events = arrivals(scenario);
  const now = new Date(scenario.meta.end);
  const rules = BUILT_IN_TEMPLATES.filter(
    (t) => t.definition.enabled && t.definition.kind !== 'heartbeat',
  ).map(templateRule);
  const lists: ListSnapshot = new Map(
    BUILT_IN_TEMPLATES.flatMap((t) => [...listReferences(t.definition)]).map((name) => [name, []]),
  );
  const fired = new Map<string, AlertCandidate[]>(rules.map((r) => [r.id, []]));
  const store = new Store();
  const baselines = new InMemoryBaselines();
  for (let i = 0; i < events.length; i += 1000) {
    const batch = events.slice(i, i + 1000);
    store.add(batch);
    for (const rule of rules) {
      const history = store.answer(historyNeed(rule, batch, lists));
      const alerts = evaluate({ rule, batch, history, baselines, lists, now });
      fired.get(rule.id)?.push(...alerts);
    }
    baselines.learn(batch, now);
  }

  it('reads a month of traffic', () => {
    expect(events.length).toBeGreaterThan(10_000);
  });

  it.each(scenario.labels.map((l) => [l.kind, l.expectedRule, l] as const))(
    '%s trips %s',
    (_kind, expectedRule, label) => {
      const ids = new Set(
        events
          .filter((e) =>
            label.eventUuids.some((u) => u.toUpperCase() === e.externalId.toUpperCase()),
          )
          .map((e) => e.id),
      );
      expect(ids.size).toBe(label.eventUuids.length);
      const hits = (fired.get(expectedRule) ?? []).filter((a) =>
        a.evidenceEventIds.some((id) => ids.has(id)),
      );
      expect(hits.length).toBeGreaterThan(0);
    },
  );

  it('a stolen-credential session fires the sign-in rule and the reveal rule', () => {
    const label = scenario.labels.find((l) => l.kind === 'new_country_reveal')!;
    const ids = new Set(
      events
        .filter((e) => label.eventUuids.some((u) => u.toUpperCase() === e.externalId.toUpperCase()))
        .map((e) => e.id),
    );
    const hit = (ruleId: string) =>
      (fired.get(ruleId) ?? []).filter((a) => a.evidenceEventIds.some((id) => ids.has(id)));
    expect(hit('op.signin.new_country_for_user')).toHaveLength(1);
    expect(hit('op.item.new_country_reveal')).toHaveLength(1);
  });

  it('the heavy revealer and the daily deploy burst are routine', () => {
    const heavy = scenario.users[HEAVY_REVEALER];
    expect(heavy.dailyRates.reveal).toBeGreaterThan(200);
    const spikes = (fired.get('op.item.reveal_spike') ?? []).filter(
      (a) => a.actorId === heavy.uuid,
    );
    expect(spikes).toEqual([]);
    // The deploy token's first bursts fire; once they are its routine (3 days), none do.
    const deploy = scenario.connectTokens[0].jti;
    const reads = (fired.get('op.connect.mass_read') ?? []).filter((a) => a.actorId === deploy);
    const routineFrom = Date.parse(scenario.meta.start) + 3 * 86_400_000;
    expect(reads.filter((a) => a.eventTime.getTime() < routineFrom).length).toBeGreaterThan(0);
    expect(reads.filter((a) => a.eventTime.getTime() >= routineFrom)).toEqual([]);
  });

  it('stays quiet on benign traffic for the precise rules', () => {
    const attackIds = new Set(
      events
        .filter((e) =>
          scenario.labels.some((l) =>
            l.eventUuids.some((u) => u.toUpperCase() === e.externalId.toUpperCase()),
          ),
        )
        .map((e) => e.id),
    );
    const benign = (ruleId: string) =>
      (fired.get(ruleId) ?? []).filter((a) => !a.evidenceEventIds.some((id) => attackIds.has(id)));
    const counts = Object.fromEntries(rules.map((r) => [r.id, benign(r.id).length]));
    expect({
      bulk: counts['op.item.bulk_export'],
      deny: counts['op.connect.deny_burst'],
      bruteForce: counts['op.signin.failed_burst.user'],
      spray: counts['op.signin.password_spray.ip'],
      spike: counts['op.item.reveal_spike'],
    }).toEqual({ bulk: 0, deny: 0, bruteForce: 0, spray: 0, spike: 0 });
  });
});
