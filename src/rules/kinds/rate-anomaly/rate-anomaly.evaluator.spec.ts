import { snapshotOf, type EntityBaseline } from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../../events/detect-event';
import { evaluate, historyNeed } from '../../engine/evaluate';
import type { ListSnapshot } from '../../engine/evaluation';
import type { Rule } from '../../engine/rule-definition';
import { entityBaseline, hourlyRows } from '../../../../test/support/rule-engine/baselines';
import { runInBatches } from '../../../../test/support/rule-engine/batch-runner';
import { detectEvent, type EventSpec } from '../../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../../test/support/rule-engine/rules';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const H = Date.parse('2025-03-25T14:00:00Z');
const NO_LISTS: ListSnapshot = new Map();

const revealSpike = (params: Record<string, unknown> = {}): Rule =>
  testRule({
    name: 'Reveal spike',
    kind: 'rate_anomaly',
    streams: ['item_usage'],
    filter: { field: 'action', op: 'eq', value: 'reveal' },
    severity: 'high',
    params: {
      entity: 'user',
      pValue: 1e-6,
      minCount: 10,
      minRatio: 4,
      baselineDays: 28,
      ...params,
    },
  });

let nextId = 1;
const ev = (spec: Partial<EventSpec> & { at: number | string }): DetectEvent =>
  detectEvent(
    {
      stream: 'item_usage',
      action: 'reveal',
      actorType: 'user',
      actorId: 'ALICE',
      actorEmail: 'alice@example.com',
      ...spec,
    },
    String(nextId++),
  );

/** Alice reveals 0.5 an hour on average: 1 every other hour, over `days` days. */
const usual = (days = 60, extra: Record<string, Array<[number, number]>> = {}): EntityBaseline =>
  entityBaseline({
    entityId: 'ALICE',
    firstEventAt: H - days * DAY,
    hourly: {
      reveal: hourlyRows(H - Math.min(days, 90) * DAY, H, (i) => (i % 2 === 0 ? 1 : 0)),
      ...extra,
    },
  });

const burst = (n: number, startMs = H, stepMs = 60_000, spec: Partial<EventSpec> = {}) =>
  Array.from({ length: n }, (_, i) => ev({ at: startMs + i * stepMs, ...spec }));

function run(rule: Rule, batch: DetectEvent[], baselines: EntityBaseline[] = [usual()]) {
  return evaluate({
    rule,
    batch,
    history: batch,
    baselines: snapshotOf(baselines),
    lists: NO_LISTS,
    now: new Date(H + HOUR),
  });
}

beforeEach(() => {
  nextId = 1;
});

describe('rate_anomaly', () => {
  it("judges a user against their own account's baseline, not another account's", () => {
    const ACME = 'ACMEAAAAAAAAAAAAAAAAAAAAAA';
    const events = burst(37, H, 60_000, { accountId: ACME });
    // Alice's usual hours were learned without an account: in ACME she has no history yet.
    expect(run(revealSpike(), events)).toEqual([]);

    const inAcme = { ...usual(), accountId: ACME };
    const alerts = run(revealSpike(), events, [inAcme]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ groupKey: 'ALICE', accountId: ACME });
    expect(alerts[0].fingerprint).toMatch(new RegExp(`^${ACME}/ALICE\\|reveal\\|`));
    expect(alerts[0].figures).toMatchObject({ entity: 'ALICE' });
  });

  it('fires at the first event of the hour that makes the count improbable', () => {
    const events = burst(37);
    const alerts = run(revealSpike(), events);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    // λ = 1 (one reveal in each active hour): P(X ≥ 9) ≈ 1e-6, minCount 10: the 10th fires.
    expect(alert.fingerprint).toBe('ALICE|reveal|2025-03-25T14:00:00.000Z');
    expect(alert.eventTime).toEqual(events[9].eventTime);
    expect(alert.severity).toBe('high');
    expect(alert.figures).toMatchObject({ x: 10, expected: 1, mean: 0.5, median: 0.5, mad: 0.5 });
    expect(alert.figures).toMatchObject({
      sameHourOfWeek: [1, 1, 1, 1],
      sameHourMean: 1,
      activeHours: 336,
      activeMean: 1,
      hourOfWeek: 24 + 14,
    });
    expect(alert.figures.stdev).toBeCloseTo(0.5, 9);
    expect((alert.figures.p as number) / 1.1142547839959605e-7).toBeCloseTo(1, 6);
    expect(alert.figures.baselineHours).toBe(28 * 24);
    expect(alert.explanation).toBe(
      '10 reveals by alice@example.com in the hour from 14:00 UTC on Tuesday 2025-03-25; ' +
        'the same hour on the previous 4 Tuesdays: 1, 1, 1, 1; 1 per active hour ' +
        '(336 active of 672 hours in 28 days); expected 1, p = 1.1e-7.',
    );
  });

  it('needs x ≥ minCount, x ≥ minRatio · λ and p < pValue', () => {
    expect(run(revealSpike(), burst(9))).toEqual([]);
    // A busy user: 3 reveals an hour; 11 is not 4×.
    const busy = entityBaseline({
      entityId: 'ALICE',
      firstEventAt: H - 60 * DAY,
      hourly: { reveal: hourlyRows(H - 28 * DAY, H, () => 3) },
    });
    expect(run(revealSpike(), burst(11), [busy])).toEqual([]);
    expect(run(revealSpike(), burst(12), [busy])).toHaveLength(0); // 12 ≥ 4·3 but p ≈ 1e-4
    expect(run(revealSpike({ pValue: 0.01 }), burst(12), [busy])).toHaveLength(1);
  });

  it('counts the hour already in the baseline', () => {
    const withHour = usual(60, {});
    withHour.hourly.get('reveal')!.set(H, 8);
    const events = burst(2, H + 30 * 60_000);
    const alerts = run(revealSpike(), events, [withHour]);
    expect(alerts.map((a) => a.eventTime)).toEqual([events[1].eventTime]);
    expect(alerts[0].figures.x).toBe(10);
  });

  it('requires a day of history and uses only hours since the first event', () => {
    const young = entityBaseline({ entityId: 'ALICE', firstEventAt: H - 23 * HOUR });
    expect(run(revealSpike(), burst(40), [young])).toEqual([]);
    const twoDays = entityBaseline({ entityId: 'ALICE', firstEventAt: H - 2 * DAY + 1 });
    const [alert] = run(revealSpike(), burst(40), [twoDays]);
    expect(alert.figures.baselineHours).toBe(48);
    expect(alert.explanation).toContain('no earlier Tuesday in the baseline');
    expect(alert.explanation).toContain('(0 active of 48 hours in 2 days)');
  });

  describe('judges an hour against the same hours of the week and the active hours', () => {
    /** Weekdays 09:00–17:00 UTC: `perHour` reveals an hour; nothing at night or at weekends. */
    const worker = (perHour: number): EntityBaseline =>
      entityBaseline({
        entityId: 'ALICE',
        firstEventAt: H - 60 * DAY,
        hourly: {
          reveal: hourlyRows(H - 28 * DAY, H, (_i, hourStart) => {
            const d = new Date(hourStart);
            const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
            return weekday && d.getUTCHours() >= 9 && d.getUTCHours() < 17 ? perHour : 0;
          }),
        },
      });

    it('a heavy user revealing 30 in an ordinary working hour is quiet', () => {
      // The mean over every hour of 28 days is 25 · 40 / 168 ≈ 6: 30 would be p ≈ 1e-12.
      expect(run(revealSpike(), burst(30, H, 100_000), [worker(25)])).toEqual([]);
      // So is 60 (2.4× the usual hour), and a working hour outside the usual ones (08:00).
      expect(run(revealSpike(), burst(60, H, 50_000), [worker(25)])).toEqual([]);
      expect(run(revealSpike(), burst(30, H - 6 * HOUR, 100_000), [worker(25)])).toEqual([]);
    });

    it('a heavy user revealing four times their usual hour fires, and says what is usual', () => {
      const [alert] = run(revealSpike(), burst(120, H, 25_000), [worker(25)]);
      expect(alert.figures).toMatchObject({ x: 100, sameHourOfWeek: [25, 25, 25, 25] });
      expect(alert.explanation).toContain(
        'the same hour on the previous 4 Tuesdays: 25, 25, 25, 25',
      );
      expect(alert.explanation).toContain('25 per active hour (160 active of 672 hours');
    });

    it('a light user (0.3 an hour) revealing 60 in one hour fires', () => {
      const light = entityBaseline({
        entityId: 'ALICE',
        firstEventAt: H - 60 * DAY,
        hourly: { reveal: hourlyRows(H - 28 * DAY, H, (i) => (i % 10 < 3 ? 1 : 0)) },
      });
      const alerts = run(revealSpike(), burst(60, H, 55_000), [light]);
      expect(alerts).toHaveLength(1);
      expect(alerts[0].figures.x).toBe(10);
    });
  });

  it('with λ = 0 uses a floor, so one event is not infinitely improbable', () => {
    const quiet = entityBaseline({ entityId: 'ALICE', firstEventAt: H - 60 * DAY });
    const rule = revealSpike({ minCount: 1, minRatio: 0 });
    // One reveal: p = 1/672 ≈ 0.0015, not < 1e-6.
    expect(run(rule, burst(1), [quiet])).toEqual([]);
    const [alert] = run(rule, burst(3), [quiet]);
    expect(alert.figures).toMatchObject({ x: 3, expected: 0 });
    expect(alert.figures.p as number).toBeLessThan(1e-6);
  });

  it('counts per UTC hour: a burst across two hours is judged per hour', () => {
    const events = burst(16, H + 52 * 60_000, 60_000); // 8 at 14:xx, 8 at 15:xx
    expect(run(revealSpike(), events)).toEqual([]);
    const bigger = burst(24, H + 48 * 60_000, 60_000); // 12 + 12
    expect(run(revealSpike(), bigger).map((a) => a.fingerprint)).toEqual([
      'ALICE|reveal|2025-03-25T14:00:00.000Z',
      'ALICE|reveal|2025-03-25T15:00:00.000Z',
    ]);
  });

  it('counts every action of the hour the baseline counts, fires only on chosen ones', () => {
    const copies = burst(9, H, 60_000, { action: 'copy' });
    expect(run(revealSpike(), copies)).toEqual([]);
    // The filter chooses reveals; copies of the hour are a different action.
    expect(run(revealSpike(), [...copies, ...burst(9, H + 20 * 60_000)])).toEqual([]);
  });

  it('a late event lands in its own hour', () => {
    const late = burst(12, H - 3 * HOUR);
    const alerts = run(revealSpike(), late);
    expect(alerts.map((a) => a.fingerprint)).toEqual(['ALICE|reveal|2025-03-25T11:00:00.000Z']);
  });

  it('sign-in attempts are keyed by their category, as the baseline keys them', () => {
    const rule = testRule({
      name: 'Failure spike',
      kind: 'rate_anomaly',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'credentials_failed' },
      params: { minCount: 5 },
    });
    const attempts = burst(6, H, 60_000, {
      stream: 'signin_attempt',
      action: 'signin',
      result: 'credentials_failed',
    });
    const [alert] = run(rule, attempts);
    expect(alert.fingerprint).toBe('ALICE|signin:credentials_failed|2025-03-25T14:00:00.000Z');
    expect(alert.explanation).toMatch(
      /^5 sign-in attempts \(credentials_failed\) for alice@example\.com/,
    );
  });

  it('needs no history', () => {
    expect(historyNeed(revealSpike(), burst(3), NO_LISTS)).toEqual([]);
  });

  it('gives the same fingerprints however the stream is batched', () => {
    const stream = [...burst(6, H + 10 * 60_000), ...burst(6, H), ...burst(12, H - 2 * HOUR, 1000)];
    const base = () => [usual()];
    const one = runInBatches(revealSpike(), stream, [], {
      baselines: base(),
      now: new Date(H + HOUR),
    }).fingerprints;
    for (const cuts of [[3], [6, 7, 8], [1, 5, 9, 13, 17, 21]]) {
      expect(
        runInBatches(revealSpike(), stream, cuts, { baselines: base(), now: new Date(H + HOUR) })
          .fingerprints,
      ).toEqual(one);
    }
    expect(one.size).toBe(2);
  });
});
