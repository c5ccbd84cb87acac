import { testRule } from '../../../../test/support/rule-engine/rules';
import { evaluateHeartbeat } from './heartbeat.evaluator';

const rule = testRule({
  name: 'Stream silent',
  kind: 'heartbeat',
  params: { sources: [], maxSilenceSeconds: 3600 },
});
const HOUR = 3_600_000;
const T = Date.parse('2025-03-25T12:00:00Z');

describe('evaluateHeartbeat', () => {
  const sources = [
    {
      id: 'events:item_usage',
      state: 'idle',
      lastSuccessAt: new Date(T - 30 * 60_000),
      createdAt: new Date(T - 90 * HOUR),
    },
    {
      id: 'events:signin_attempt',
      state: 'failing',
      lastSuccessAt: new Date(T - 2 * HOUR),
      createdAt: new Date(T - 90 * HOUR),
    },
    {
      id: 'connect:activity',
      state: 'backoff',
      lastSuccessAt: null,
      createdAt: new Date(T - 3 * HOUR),
    },
    {
      id: 'events:audit_event',
      state: 'disabled',
      lastSuccessAt: null,
      createdAt: new Date(T - 90 * HOUR),
    },
  ];

  it('fires per source silent longer than maxSilenceSeconds, skipping disabled ones', () => {
    const alerts = evaluateHeartbeat(rule, sources, new Date(T));
    expect(alerts.map((a) => a.groupKey)).toEqual(['events:signin_attempt', 'connect:activity']);
    expect(alerts[0]).toMatchObject({
      fingerprint: `events:signin_attempt|${Math.floor((T - 2 * HOUR) / HOUR)}`,
      severity: 'medium',
      actorId: null,
      evidenceEventIds: [],
    });
    expect(alerts[0].explanation).toBe(
      'Source events:signin_attempt (failing): no successful poll since 2025-03-25T10:00:00Z, 2 hours (limit 1 hour).',
    );
    expect(alerts[1].explanation).toContain('never polled successfully since');
  });

  it('fires once per silence episode, and again after the next silence', () => {
    const one = evaluateHeartbeat(rule, [sources[1]], new Date(T));
    const later = evaluateHeartbeat(rule, [sources[1]], new Date(T + 5 * HOUR));
    expect(later[0].fingerprint).toBe(one[0].fingerprint);
    const recovered = { ...sources[1], lastSuccessAt: new Date(T + 6 * HOUR) };
    expect(evaluateHeartbeat(rule, [recovered], new Date(T + 6.5 * HOUR))).toEqual([]);
    const again = evaluateHeartbeat(rule, [recovered], new Date(T + 8 * HOUR));
    expect(again[0].fingerprint).not.toBe(one[0].fingerprint);
  });

  it('is silent exactly at the limit, and reads only the listed sources', () => {
    expect(
      evaluateHeartbeat(rule, [{ ...sources[0], lastSuccessAt: new Date(T - HOUR) }], new Date(T)),
    ).toEqual([]);
    const only = testRule({
      name: 'x',
      kind: 'heartbeat',
      params: { sources: ['connect:activity'], maxSilenceSeconds: 60 },
    });
    expect(evaluateHeartbeat(only, sources, new Date(T)).map((a) => a.groupKey)).toEqual([
      'connect:activity',
    ]);
  });
});
