import { splitPushedBody } from './push-body';

describe('splitPushedBody', () => {
  it('takes a JSON array, one object, or an Events API page', () => {
    expect(splitPushedBody([{ a: 1 }, { b: 2 }])).toEqual([
      { ok: true, value: { a: 1 } },
      { ok: true, value: { b: 2 } },
    ]);
    expect(splitPushedBody({ uuid: 'X' })).toEqual([{ ok: true, value: { uuid: 'X' } }]);
    expect(splitPushedBody({ items: [{ a: 1 }], cursor: 'c', has_more: false })).toEqual([
      { ok: true, value: { a: 1 } },
    ]);
  });

  it('reads NDJSON line by line, keeping positions of unreadable lines and skipping blank ones', () => {
    const entries = splitPushedBody('{"a":1}\r\n\n{oops\n{"b":2}\n');
    expect(entries).toEqual([
      { ok: true, value: { a: 1 } },
      { ok: false, reason: 'line 3: not valid JSON', raw: '{oops' },
      { ok: true, value: { b: 2 } },
    ]);
  });

  it('reads a JSON array sent with a text content type', () => {
    expect(splitPushedBody(' [{"a":1}] ')).toEqual([{ ok: true, value: { a: 1 } }]);
  });

  it('finds nothing in an empty body', () => {
    expect(splitPushedBody('')).toEqual([]);
    expect(splitPushedBody({})).toEqual([]);
    expect(splitPushedBody(null)).toEqual([]);
  });
});
