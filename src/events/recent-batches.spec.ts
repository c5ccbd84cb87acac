import type { DetectEvent } from './detect-event';
import { RecentBatches } from './recent-batches';

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: String(i) }) as DetectEvent);

describe('RecentBatches', () => {
  it('holds a batch until its turn takes it; a look ahead leaves it', () => {
    const recent = new RecentBatches(10);
    const batch = events(3);
    recent.remember('1', batch);
    expect(recent.peek('1')).toBe(batch);
    expect(recent.take('1')).toBe(batch);
    expect(recent.take('1')).toBeUndefined();
  });

  it('when full keeps the oldest, judged first, and takes no more until they are taken', () => {
    const recent = new RecentBatches(10);
    recent.remember('8', events(4));
    recent.remember('9', events(4));
    recent.remember('10', events(4));
    expect(recent.peek('10')).toBeUndefined();
    expect(recent.take('8')).toHaveLength(4);
    recent.remember('11', events(4));
    expect([recent.peek('9'), recent.peek('11')].map((batch) => batch?.length)).toEqual([4, 4]);
    recent.remember('12', events(11));
    expect(recent.peek('12')).toBeUndefined();
  });

  it('lets go of batches stored before the one taken: another process judged them', () => {
    const recent = new RecentBatches(100);
    for (const id of ['9', '10', '11', '12']) recent.remember(id, events(25));
    expect(recent.take('11')).toHaveLength(25);
    expect(['9', '10', '11', '12'].map((id) => recent.peek(id)?.length)).toEqual([
      undefined,
      undefined,
      undefined,
      25,
    ]);
    recent.remember('13', events(75));
    expect(recent.peek('13')).toHaveLength(75);
  });

  it('keeps nothing in a process that does not detect', () => {
    expect(new RecentBatches(0).keeps).toBe(false);
    expect(new RecentBatches(1).keeps).toBe(true);
  });
});
