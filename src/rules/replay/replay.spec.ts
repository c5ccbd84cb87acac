import fc from 'fast-check';
import type { DetectEvent } from '../../events/detect-event';
import { byEventTime, compareEventOrder } from '../../events/event-order';
import type { ListSnapshot } from '../engine/evaluation';
import type { Rule } from '../engine/rule-definition';
import { replayRule, type PageReader, type ReplayLimits } from './replay';
import { ReplayWindowFull } from './replay-window';
import { detectEvent } from '../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../test/support/rule-engine/rules';

const T0 = Date.parse('2026-10-01T00:00:00Z');
const HOUR = 3_600_000;
const NO_LISTS: ListSnapshot = new Map();
const UNLIMITED: ReplayLimits = { pageSize: 1_000_000, maxAlerts: 1_000_000, maxWindowEvents: 1e9 };

const exportThenSuspend = testRule({
  name: 'Export before offboarding',
  kind: 'sequence',
  params: {
    withinSeconds: 14 * 24 * 3600,
    stages: [
      {
        name: 'export',
        streams: ['item_usage'],
        filter: { field: 'action', op: 'eq', value: 'export' },
        key: 'actorId',
      },
      {
        name: 'suspension',
        streams: ['audit_event'],
        filter: { field: 'action', op: 'eq', value: 'suspend' },
        key: 'objectId',
      },
    ],
  },
});

const bulkExport = testRule({
  name: 'Bulk export',
  kind: 'threshold',
  streams: ['item_usage'],
  filter: { field: 'action', op: 'eq', value: 'export' },
  groupBy: ['actorId'],
  params: { windowSeconds: 6 * 3600, threshold: 3 },
});

const anyExport = testRule({
  name: 'Any export',
  kind: 'match',
  streams: ['item_usage'],
  filter: { field: 'action', op: 'eq', value: 'export' },
});

const USERS = ['U1', 'U2', 'U3'];

/** Exports, suspensions and noise of a few users over three weeks, stored in time order. */
const arbitraryEvents = fc
  .array(
    fc.record({
      at: fc.integer({ min: 0, max: 21 * 24 }).map((h) => T0 + h * HOUR),
      user: fc.constantFrom(...USERS),
      what: fc.constantFrom('export', 'export', 'suspend', 'fill', 'signin'),
    }),
    { maxLength: 60 },
  )
  .map((specs) =>
    [...specs]
      .sort((a, b) => a.at - b.at)
      .map(({ at, user, what }, i) => {
        const id = String(i + 1);
        if (what === 'suspend') {
          return detectEvent(
            { at, stream: 'audit_event', action: 'suspend', objectType: 'user', objectId: user },
            id,
          );
        }
        const stream = what === 'signin' ? 'signin_attempt' : 'item_usage';
        return detectEvent({ at, stream, action: what, actorType: 'user', actorId: user }, id);
      }),
  );

/** Pages of stored events as the database answers them: by event time, then id. */
function pagesOf(events: readonly DetectEvent[]): PageReader {
  const ordered = [...events].sort(byEventTime);
  return (after, limit) => {
    const start = after
      ? ordered.findIndex(
          (e) => compareEventOrder(e.eventTime.getTime(), e.id, after.time.getTime(), after.id) > 0,
        )
      : 0;
    return Promise.resolve(start < 0 ? [] : ordered.slice(start, start + limit));
  };
}

const replay = (rule: Rule, events: readonly DetectEvent[], limits: ReplayLimits, from = T0) =>
  replayRule({
    rule,
    lists: NO_LISTS,
    judgeFrom: new Date(from),
    now: new Date(T0 + 30 * 24 * HOUR),
    read: pagesOf(events),
    limits,
  });

const fingerprints = (outcome: { alerts: Array<{ fingerprint: string }> }) =>
  outcome.alerts.map((alert) => alert.fingerprint).sort();

describe('replayRule', () => {
  it('finds in pages exactly what one page holding every event finds', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryEvents,
        fc.constantFrom(exportThenSuspend, bulkExport),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 7 * 24 }),
        async (events, rule, pageSize, judgeFromHour) => {
          const from = T0 + judgeFromHour * HOUR;
          const whole = await replay(rule, events, UNLIMITED, from);
          const paged = await replay(rule, events, { ...UNLIMITED, pageSize }, from);
          expect(fingerprints(paged)).toEqual(fingerprints(whole));
          expect(paged.wouldFire).toBe(whole.wouldFire);
          expect(paged.eventsScanned).toBe(events.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a suspension stored just before an export at the same time, a page apart', async () => {
    const at = T0 + 8 * HOUR;
    const events = [
      detectEvent(
        { at, stream: 'audit_event', action: 'suspend', objectType: 'user', objectId: 'U1' },
        '1',
      ),
      detectEvent(
        { at, stream: 'item_usage', action: 'export', actorType: 'user', actorId: 'U1' },
        '2',
      ),
    ];
    const whole = await replay(exportThenSuspend, events, UNLIMITED);
    expect(whole.wouldFire).toBe(1);
    const paged = await replay(exportThenSuspend, events, { ...UNLIMITED, pageSize: 1 });
    expect(fingerprints(paged)).toEqual(fingerprints(whole));
  });

  it('finds a sequence whose stages are weeks apart, many pages apart', async () => {
    const events = [
      detectEvent({ at: T0, stream: 'item_usage', action: 'export', actorId: 'U1' }, '1'),
      ...Array.from({ length: 50 }, (_, i) =>
        detectEvent(
          { at: T0 + (i + 1) * HOUR, stream: 'item_usage', action: 'fill', actorId: 'U1' },
          String(i + 2),
        ),
      ),
      detectEvent(
        { at: T0 + 13 * 24 * HOUR, stream: 'audit_event', action: 'suspend', objectId: 'U1' },
        '99',
      ),
    ];
    const outcome = await replay(exportThenSuspend, events, { ...UNLIMITED, pageSize: 5 });
    expect(fingerprints(outcome)).toEqual(['99']);
  });

  it('lists the first alerts and counts the rest', async () => {
    const events = Array.from({ length: 7 }, (_, i) =>
      detectEvent({ at: T0 + i * HOUR, action: 'export', actorId: 'U1' }, String(i + 1)),
    );
    const outcome = await replay(anyExport, events, { ...UNLIMITED, pageSize: 3, maxAlerts: 2 });
    expect(outcome.wouldFire).toBe(7);
    expect(fingerprints(outcome)).toEqual(['1', '2']);
  });

  it('refuses a window holding more of the events it counts than it may keep', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      detectEvent({ at: T0 + i * HOUR, action: 'export', actorId: 'U1' }, String(i + 1)),
    );
    const limits = { ...UNLIMITED, pageSize: 4, maxWindowEvents: 10 };
    await expect(replay(exportThenSuspend, events, limits)).rejects.toBeInstanceOf(
      ReplayWindowFull,
    );
    // Noise is not kept: the same number of events that do not count fit.
    const noise = events.map((e) => ({ ...e, action: 'fill' }));
    await expect(replay(exportThenSuspend, noise, limits)).resolves.toMatchObject({
      eventsScanned: 20,
    });
  });
});
