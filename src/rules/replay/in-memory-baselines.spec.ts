import { detectEvents } from '../../../test/support/rule-engine/detect-events';
import { InMemoryBaselines } from './in-memory-baselines';

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
});
