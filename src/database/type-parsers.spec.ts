import fc from 'fast-check';
import { types } from 'pg';
import { TYPE_PARSERS } from './type-parsers';

const TIMESTAMPTZ = types.builtins.TIMESTAMPTZ;
const ours = TYPE_PARSERS.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown;
const drivers = types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => unknown;

/** A Date by its time (NaN for an invalid one); anything else as it is. */
const answer = (value: unknown) => (value instanceof Date ? { time: value.getTime() } : { value });

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Texts as PostgreSQL writes a timestamptz in the ISO DateStyle, whatever the TimeZone. */
const postgresText = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1970, max: 2100 })),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }),
    sign: fc.constantFrom('+', '-'),
    offsetHours: fc.integer({ min: 0, max: 15 }),
    offsetMinutes: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
    offsetSeconds: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
    bc: fc.boolean(),
  })
  .map((t) => {
    const fraction = t.fraction === undefined ? '' : `.${t.fraction}`;
    let offset = `${t.sign}${pad(t.offsetHours)}`;
    if (t.offsetMinutes !== undefined) {
      offset += `:${pad(t.offsetMinutes)}`;
      if (t.offsetSeconds !== undefined) offset += `:${pad(t.offsetSeconds)}`;
    }
    return (
      `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)} ` +
      `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${fraction}${offset}${t.bc ? ' BC' : ''}`
    );
  });

describe('the type parsers given to every pool', () => {
  it('read a timestamptz as the driver does, in any TimeZone', () => {
    const examples = [
      '2026-12-07 13:15:57.123+00',
      '2026-12-07 08:15:57.123456-05',
      '2026-12-07 19:00:57.1+05:30',
      '1887-01-01 00:00:00-04:56:02',
      '0099-06-01 12:00:00+00',
      '0044-03-15 12:00:00+00 BC',
      'infinity',
      '-infinity',
    ];
    for (const text of examples)
      expect([text, answer(ours(text))]).toEqual([text, answer(drivers(text))]);
    expect((ours('2026-12-07 08:15:57.123456-05') as Date).toISOString()).toBe(
      '2026-12-07T13:15:57.123Z',
    );
    fc.assert(
      fc.property(postgresText, (text) => {
        expect([text, answer(ours(text))]).toEqual([text, answer(drivers(text))]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leave every other type to the driver', () => {
    for (const oid of [types.builtins.INT8, types.builtins.JSONB, types.builtins.TIMESTAMP]) {
      expect(TYPE_PARSERS.getTypeParser(oid, 'text')).toBe(types.getTypeParser(oid, 'text'));
    }
  });
});
