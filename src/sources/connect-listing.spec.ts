import fc from 'fast-check';
import { byAge, judgeSpan, offsetFor, spanOf } from './connect-listing';

describe('Connect listing ages', () => {
  it('finds the page that starts at an age, whichever way the server lists', () => {
    // 1,000 requests listed newest first: age 0 (the oldest) is at offset 999.
    expect(offsetFor('newest_first', 1000, 0, 100)).toBe(900);
    expect(spanOf('newest_first', 900, 100, 1000)).toEqual({ lo: 0, hi: 100 });
    expect(offsetFor('oldest_first', 1000, 250, 100)).toBe(250);
    expect(spanOf('oldest_first', 250, 100, 1000)).toEqual({ lo: 250, hi: 350 });
    // Near the head, a newest-first page is cut at offset 0.
    expect(offsetFor('newest_first', 1000, 950, 100)).toBe(0);
    expect(spanOf('newest_first', 0, 100, 1000)).toEqual({ lo: 900, hi: 1000 });
  });

  it('keeps an age where it is while new requests arrive (newest first shifts every offset)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 5000 }),
        (total, arrived) => {
          const lo = Math.floor(total / 2);
          const before = offsetFor('newest_first', total, lo, 100);
          // The same page asked after `arrived` more: its ages moved up by exactly `arrived`.
          const after = spanOf('newest_first', before, 100, total + arrived);
          expect(after.lo - arrived).toBe(spanOf('newest_first', before, 100, total).lo);
        },
      ),
    );
  });

  it('accepts a page that overlaps the frontier, asks again after a gap, steps back on a shorter list', () => {
    expect(judgeSpan(0, { lo: 0, hi: 100 }, 5000)).toBe('accept');
    expect(judgeSpan(0, { lo: 4900, hi: 5000 }, 5000)).toBe('gap');
    expect(judgeSpan(500, { lo: 490, hi: 590 }, 5000)).toBe('accept');
    // Requests that arrived between two answers pushed the page above the frontier.
    expect(judgeSpan(500, { lo: 500, hi: 600 }, 5000)).toBe('gap');
    expect(judgeSpan(500, { lo: 530, hi: 630 }, 5000)).toBe('gap');
    // A restarted server lists fewer requests than were stored.
    expect(judgeSpan(500, { lo: 200, hi: 300 }, 300)).toBe('resync');
  });

  it('orders a page oldest first', () => {
    expect(byAge('newest_first', ['c', 'b', 'a'])).toEqual(['a', 'b', 'c']);
    expect(byAge('oldest_first', ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });
});
