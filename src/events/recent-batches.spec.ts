import type { DetectEvent } from './detect-event';
import { RecentBatches } from './recent-batches';

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: String(i) }) as DetectEvent);

describe('RecentBatches', () => {
  it('holds a batch until a pass takes it; a look ahead leaves it', () => {
    const recent = new RecentBatches(10);
    const batch = events(3);
    recent.remember('1', batch);
    expect(recent.peek('1')).toBe(batch);
    expect(recent.take('1')).toBe(batch);
    expect(recent.take('1')).toBeUndefined();
  });

  it('lets the oldest batches go past its capacity, and never holds one larger than it', () => {
    const recent = new RecentBatches(10);
    recent.remember('1', events(4));
    recent.remember('2', events(4));
    recent.remember('3', events(4));
    expect([recent.peek('1'), recent.peek('2'), recent.peek('3')].map((b) => b?.length)).toEqual([
      undefined,
      4,
      4,
    ]);
    recent.remember('4', events(11));
    expect(recent.peek('4')).toBeUndefined();
    expect(recent.peek('3')).toHaveLength(4);
  });

  it('counts what was taken out: room for new batches again', () => {
    const recent = new RecentBatches(8);
    recent.remember('1', events(4));
    recent.remember('2', events(4));
    recent.take('1');
    recent.remember('3', events(4));
    expect(recent.peek('2')).toHaveLength(4);
    expect(recent.peek('3')).toHaveLength(4);
  });

  it('keeps nothing in a process that does not detect', () => {
    expect(new RecentBatches(0).keeps).toBe(false);
    expect(new RecentBatches(1).keeps).toBe(true);
  });
});
