import { detectEvents } from '../../../test/support/rule-engine/detect-events';
import { InMemoryBaselines, seenKeyOf } from './in-memory-baselines';

const request = (minute: number, userAgent: string) => ({
  at: Date.parse('2026-10-01T09:00:00Z') + minute * 60_000,
  stream: 'connect_activity' as const,
  actorType: 'connect_token' as const,
  actorId: 'jti-1',
  action: 'READ',
  result: 'SUCCESS',
  userAgent,
});

describe('InMemoryBaselines', () => {
  it('keeps the most recently seen values per dimension, as the database does', () => {
    const baselines = new InMemoryBaselines(3);
    const now = new Date('2026-10-02T00:00:00Z');
    baselines.learn(
      detectEvents([request(0, 'a'), request(1, 'b'), request(2, 'c'), request(3, 'd')]),
      now,
    );
    const agents = () => [
      ...baselines.get('connect_token', '', 'jti-1')!.seen.get('userAgent')!.keys(),
    ];
    expect(agents().sort()).toEqual(['b', 'c', 'd']);
    // Seen again, 'b' is the most recent: the next new value evicts 'c'.
    baselines.learn(detectEvents([request(4, 'b'), request(5, 'e')], 10), now);
    expect(agents().sort()).toEqual(['b', 'd', 'e']);
  });

  it('learns only the hourly counts and remembered values the rules read', () => {
    const now = new Date('2026-10-02T00:00:00Z');
    const events = detectEvents([request(0, 'a'), request(1, 'b')]);
    const all = new InMemoryBaselines();
    const some = new InMemoryBaselines(undefined, {
      hourly: false,
      seen: new Set([seenKeyOf('connect_token', 'userAgent')]),
    });
    all.learn(events, now);
    some.learn(events, now);
    const token = (b: InMemoryBaselines) => b.get('connect_token', '', 'jti-1')!;
    expect(token(some)).toMatchObject({ eventCount: 2, activeDays: 1 });
    expect([...token(some).seen.keys()]).toEqual(['userAgent']);
    expect(token(some).seen.get('userAgent')).toEqual(token(all).seen.get('userAgent'));
    expect(token(all).seen.size).toBeGreaterThan(1);
    expect(token(all).hourly.size).toBe(1);
    expect(token(some).hourly.size).toBe(0);
  });
});
