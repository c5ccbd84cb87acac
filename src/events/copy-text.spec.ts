import fc from 'fast-check';
import { copyTextChunks, copyTextRow, copyTextValue } from './copy-text';

/** How PostgreSQL reads one field of COPY's text format back (the escapes written above). */
function readField(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

describe('copyTextValue', () => {
  it('reads back as the same text, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const field = copyTextValue(text);
        expect(field).not.toMatch(/[\n\r\t]/);
        expect(readField(field)).toBe(text);
      }),
    );
  });

  it('writes NULL for missing values and numbers that are not finite', () => {
    expect([null, undefined, Number.NaN, Infinity].map(copyTextValue)).toEqual([
      '\\N',
      '\\N',
      '\\N',
      '\\N',
    ]);
  });

  it('writes dates as ISO text, numbers as they are and jsonb as JSON', () => {
    expect(copyTextValue(new Date('2026-12-06T10:00:00.123Z'))).toBe('2026-12-06T10:00:00.123Z');
    expect(copyTextValue(-33.8688)).toBe('-33.8688');
    expect(copyTextValue({ path: 'a\\b', lines: 'x\ny' })).toBe(
      '{"path":"a\\\\\\\\b","lines":"x\\\\ny"}',
    );
  });

  it('writes a JSON object or array so that it reads back as its JSON text', () => {
    const json = fc.jsonValue({ stringUnit: 'binary' });
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(fc.string(), json), fc.array(json)), (value) => {
        const field = copyTextValue(value);
        expect(field).not.toMatch(/[\n\r\t]/);
        expect(readField(field)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('keeps a text that looks like NULL apart from NULL', () => {
    expect(readField(copyTextValue('\\N'))).toBe('\\N');
  });
});

describe('copyTextRow', () => {
  it('separates fields with tabs and ends with a newline', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'binary' }))), (values) => {
        const row = copyTextRow(values);
        expect(row.endsWith('\n')).toBe(true);
        if (values.length === 0) return;
        expect(row.slice(0, -1).split('\t').map(readField)).toEqual(values);
      }),
    );
  });
});

describe('copyTextChunks', () => {
  it('writes every row in order as UTF-8, in chunks no larger than asked unless a row is', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.option(fc.string({ unit: 'binary' })), { maxLength: 5 })),
        fc.integer({ min: 1, max: 64 }),
        (rows, chunkBytes) => {
          const chunks = [...copyTextChunks(rows, chunkBytes)];
          expect(Buffer.concat(chunks)).toEqual(Buffer.from(rows.map(copyTextRow).join('')));
          for (const chunk of chunks) {
            expect(chunk.length).toBeGreaterThan(0);
            const longestRow = Math.max(...rows.map((row) => copyTextRow(row).length * 3));
            expect(chunk.length).toBeLessThanOrEqual(Math.max(chunkBytes, longestRow));
          }
        },
      ),
    );
  });
});
