import fc from 'fast-check';
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

  it('skips a byte order mark', () => {
    expect(splitPushedBody('\uFEFF{"a":1}\n{"b":2}')).toEqual([
      { ok: true, value: { a: 1 } },
      { ok: true, value: { b: 2 } },
    ]);
  });

  it('reads any text into one entry per non-blank line, each readable or naming its line', () => {
    const line = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.string({ unit: 'binary', maxLength: 20 }).map((text) => text.replace(/[\r\n]/g, '')),
      fc.constantFrom('null', '{"a":', '[1,2', '\uFEFF', '{"__proto__":{"x":1},"a":1,"a":2}'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.boolean(), (lines, crlf) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const entries = splitPushedBody(text);
        expect(entries).toHaveLength(expectedCount(text.replace(/^\uFEFF/, '')));
        const reasons = entries.flatMap((entry) => (entry.ok ? [] : [entry.reason]));
        expect(reasons.filter((reason) => !/^line \d+: not valid JSON$/.test(reason))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

/** A JSON array document counts its elements; anything else its non-blank lines. */
function expectedCount(text: string): number {
  if (text.trim().startsWith('[')) {
    try {
      const value: unknown = JSON.parse(text.trim());
      if (Array.isArray(value)) return value.length;
    } catch {
      // read line by line
    }
  }
  return text.split(/\r?\n/).filter((line) => line.trim() !== '').length;
}
