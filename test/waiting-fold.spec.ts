import fc from 'fast-check';
import { detectEvent } from './support/rule-engine/detect-events';
import type { DetectEvent } from '../src/events/detect-event';
import { InMemoryBaselines } from '../src/rules/replay/in-memory-baselines';
import { seenKeysOf, type EntityKey } from '../src/baselines/baseline-aggregate';
import {
  BASELINE_DIMENSIONS,
  accountOf,
  entityOf,
  hourlyActionOf,
  type EntityType,
  type HourlyKey,
} from '../src/baselines/baseline-snapshot';
import { FOLDED_ENTITY_TYPES, foldWaiting } from '../src/baselines/waiting-fold';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;
const NOW = new Date(T0 + 20 * 24 * HOUR);
/** Far above the distinct values generated: nothing is evicted on either side. */
const NO_EVICTION = 1_000;

const anEvent = fc.record({
  hour: fc.integer({ min: 0, max: 14 * 24 }),
  stream: fc.constantFrom('item_usage', 'signin_attempt', 'connect_activity'),
  actor: fc.integer({ min: 0, max: 4 }),
  accountId: fc.constantFrom(null, 'ACCOUNT-A', 'ACCOUNT-B'),
  country: fc.constantFrom(null, 'CA', 'US', 'DE', 'BR'),
  ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '203.0.113.7'),
  action: fc.constantFrom('reveal', 'fill', 'READ'),
  result: fc.constantFrom(null, 'success', 'credentials_failed', 'SUCCESS', 'DENY'),
});

type Generated = typeof anEvent extends fc.Arbitrary<infer T> ? T : never;

function toEvents(specs: Generated[], firstId: number): DetectEvent[] {
  return specs.map((spec, i) => {
    const token = spec.stream === 'connect_activity';
    return detectEvent(
      {
        at: new Date(T0 + spec.hour * HOUR).toISOString(),
        stream: spec.stream,
        actorType: token ? 'connect_token' : 'user',
        actorId: token ? `TOKEN-${spec.actor % 2}` : `USER-${spec.actor}`,
        connectServerId: token ? 'SERVER-0' : null,
        accountId: spec.accountId,
        country: spec.country,
        ip: spec.ip,
        action: spec.action,
        result: spec.result,
      },
      String(firstId + i),
    );
  });
}

/** Every user and token entity of the events, and what a rule could ask of each. */
function askedOf(events: readonly DetectEvent[]) {
  const entities = new Map<string, EntityKey>();
  const hourlyKeys = new Map<string, HourlyKey>();
  for (const event of events) {
    for (const entityType of FOLDED_ENTITY_TYPES) {
      const entityId = entityOf(event, entityType);
      if (!entityId) continue;
      const key = { entityType, accountId: accountOf(event), entityId };
      entities.set(JSON.stringify(key), key);
      const action = hourlyActionOf(event);
      if (action) hourlyKeys.set(JSON.stringify({ ...key, action }), { ...key, action });
    }
  }
  const wanted = [...FOLDED_ENTITY_TYPES].flatMap((entityType: EntityType) =>
    BASELINE_DIMENSIONS.map((dimension) => ({ entityType, dimension })),
  );
  return {
    entities: [...entities.values()],
    ask: {
      since: new Date(T0),
      hourlyKeys: [...hourlyKeys.values()],
      seenKeys: seenKeysOf(events, wanted),
    },
  };
}

/** Against the in-memory learning rule tests replay with: the aggregation the database folds. */
describe('foldWaiting', () => {
  it('gives the baselines learning the waiting events will give, for what rules read', () => {
    fc.assert(
      fc.property(
        fc.array(anEvent, { maxLength: 40 }),
        fc.array(anEvent, { minLength: 1, maxLength: 40 }),
        (learnedSpecs, waitingSpecs) => {
          const learned = toEvents(learnedSpecs, 1);
          const waiting = toEvents(waitingSpecs, 1_000);
          const stored = new InMemoryBaselines(NO_EVICTION);
          stored.learn(learned, NOW);
          const truth = new InMemoryBaselines(NO_EVICTION);
          truth.learn(learned, NOW);
          truth.learn(waiting, NOW);

          const { entities, ask } = askedOf([...learned, ...waiting]);
          const folded = foldWaiting(stored, waiting, ask, NOW);

          for (const { entityType, accountId, entityId } of entities) {
            const expected = truth.get(entityType, accountId, entityId)!;
            const actual = folded.get(entityType, accountId, entityId);
            expect(actual?.firstEventAt).toEqual(expected.firstEventAt);
            expect(actual?.lastEventAt).toEqual(expected.lastEventAt);
            expect(actual?.hourly).toEqual(expected.hourly);
            expect(actual?.seen).toEqual(expected.seen);
          }
        },
      ),
    );
  });

  it('folds only what was asked, and no Connect server', () => {
    const learned = toEvents([], 1);
    const waiting = toEvents(
      [
        {
          hour: 1,
          stream: 'connect_activity',
          actor: 0,
          accountId: null,
          country: null,
          ip: '10.0.0.1',
          action: 'READ',
          result: 'SUCCESS',
        },
      ],
      1,
    );
    const stored = new InMemoryBaselines(NO_EVICTION);
    stored.learn(learned, NOW);
    const folded = foldWaiting(
      stored,
      waiting,
      { since: new Date(T0), hourlyKeys: [], seenKeys: [] },
      NOW,
    );
    const token = folded.get('connect_token', '', 'TOKEN-0');
    expect(token?.firstEventAt).toEqual(waiting[0].eventTime);
    expect(token?.hourly.size).toBe(0);
    expect(token?.seen.size).toBe(0);
    expect(folded.get('connect_server', '', 'SERVER-0')).toBeUndefined();
  });
});
