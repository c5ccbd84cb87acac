import { PASS_EVENT_LIMIT, passesOf } from './passes';

describe('passesOf', () => {
  const batch = (id: number, events: number) => ({ id: String(id), events });

  it('keeps consecutive batches together up to the limit, in the order they were stored', () => {
    const half = PASS_EVENT_LIMIT / 2;
    expect(
      passesOf([batch(1, half), batch(2, half), batch(3, 1), batch(4, half), batch(5, 0)]),
    ).toEqual([
      ['1', '2'],
      ['3', '4', '5'],
    ]);
  });

  it('gives a batch over the limit a pass of its own', () => {
    expect(passesOf([batch(1, 10), batch(2, PASS_EVENT_LIMIT + 1), batch(3, 10)])).toEqual([
      ['1'],
      ['2'],
      ['3'],
    ]);
  });

  it('has no pass without batches', () => {
    expect(passesOf([])).toEqual([]);
  });
});
