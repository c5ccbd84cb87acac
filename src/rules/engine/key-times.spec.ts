import { KeyTimes } from './key-times';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute));
const MIN = 60_000;

describe('KeyTimes', () => {
  const times = new KeyTimes();
  times.add('b', at(100).getTime());
  times.add('a', at(10).getTime());
  times.add('b', at(300).getTime());

  it('needs every key over the whole batch, widened by the margin', () => {
    expect(times.around(5 * MIN, { perKey: false })).toEqual({
      keys: ['a', 'b'],
      from: at(5),
      to: at(305),
    });
  });

  it('with perKey, needs each key only around its own events', () => {
    const around = times.around(5 * MIN, { perKey: true });
    expect(around?.spans).toEqual(
      new Map([
        ['b', { from: at(95), to: at(305) }],
        ['a', { from: at(5), to: at(15) }],
      ]),
    );
  });

  it("gives each key's earliest and latest event, once (both sides) when they are the same", () => {
    expect(times.ends()).toEqual([
      { key: 'b', at: at(100), side: 'before' },
      { key: 'b', at: at(300), side: 'after' },
      { key: 'a', at: at(10) },
    ]);
  });

  it('tells the keys whose events lie further apart than a span', () => {
    expect(times.keysWiderThan(200 * MIN)).toEqual(new Set());
    expect(times.keysWiderThan(199 * MIN)).toEqual(new Set(['b']));
  });

  it('needs nothing when no event had a key', () => {
    expect(new KeyTimes().around(MIN, { perKey: true })).toBeNull();
  });
});
