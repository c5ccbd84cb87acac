import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EVENT_RAW_LIMITS,
  isSafeText,
  REJECTED_RAW_LIMITS,
  toStorableJson,
  type StorableLimits,
} from './storable-json';

const SAMPLES_DIR = join(__dirname, '../../../test/fixtures/samples');
const SMALL: StorableLimits = {
  maxDepth: 4,
  maxStringLength: 16,
  maxValues: 40,
  maxTotalChars: 200,
};

/** Any UTF-16 text: NUL, lone surrogates and well-formed pairs included. */
const anyText = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((codes) => String.fromCharCode(...codes));

const anyJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyText,
    fc.double({ noNaN: true, noDefaultInfinity: true }), // JSON has neither
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 6 }),
    fc
      .array(fc.tuple(fc.oneof(anyText, fc.constant('__proto__')), tie('value')), { maxLength: 6 })
      .map(objectOf),
  ),
})).value;

/** An object with own properties, `__proto__` included (as JSON.parse makes them). */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

/** Checks, without recursion, what PostgreSQL and the limits need of a stored value. */
function assertStorable(root: unknown, limits: StorableLimits): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    values++;
    if (typeof value === 'string') {
      expect(isSafeText(value)).toBe(true);
      expect(value.length).toBeLessThanOrEqual(limits.maxStringLength + 40);
    } else if (typeof value === 'object' && value !== null) {
      expect(depth).toBeLessThan(limits.maxDepth);
      for (const [key, child] of Object.entries(value)) {
        expect(isSafeText(key)).toBe(true);
        stack.push([child, depth + 1]);
      }
    }
  }
  // A container cut short adds one marker.
  expect(values).toBeLessThanOrEqual(limits.maxValues + 2);
}

describe('toStorableJson', () => {
  it('returns any storable value as it is, and makes anything else storable', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const result = toStorableJson(value, SMALL);
        assertStorable(result.value, SMALL);
        expect(() => JSON.stringify(result.value)).not.toThrow();
        // Unchanged means the very same value; changed means a copy, the input left alone.
        expect(result.value === value).toBe(result.amendments.length === 0);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every real sample as it is', () => {
    for (const file of ['elastic-itemusages', 'elastic-signinattempts', 'elastic-auditevents']) {
      const lines = readFileSync(join(SAMPLES_DIR, `${file}.ndjson`), 'utf8').split('\n');
      for (const line of lines.filter((text) => text.trim() !== '')) {
        const raw: unknown = JSON.parse(line);
        expect(toStorableJson(raw, EVENT_RAW_LIMITS)).toEqual({ value: raw, amendments: [] });
      }
    }
  });

  it('replaces NUL and lone surrogates, keeping surrogate pairs, and says where', () => {
    const raw = { user: { name: 'Mal\u0000lory', note: 'ok \uD83D\uDE00 \uDE00' } };
    expect(toStorableJson(raw, EVENT_RAW_LIMITS)).toEqual({
      value: { user: { name: 'Mal\uFFFDlory', note: 'ok \uD83D\uDE00 \uFFFD' } },
      amendments: [
        'raw.user.name: NUL characters or lone surrogates replaced by U+FFFD',
        'raw.user.note: NUL characters or lone surrogates replaced by U+FFFD',
      ],
    });
  });

  it('truncates long strings noting their length, and marks what is nested too deep', () => {
    const result = toStorableJson({ ua: 'x'.repeat(60_000), deep: nested(100_000) }, SMALL);
    const value = result.value as { ua: string; deep: { a: { a: { a: unknown } } } };
    expect(value.ua).toBe(`${'x'.repeat(16)}…[60000 characters]`);
    expect(value.deep.a.a.a).toBe('[removed: nested deeper than 4 levels]');
    expect(result.amendments).toEqual([
      'raw.ua: truncated from 60000 characters',
      'raw.deep.a.a.a: removed, nested deeper than 4 levels',
    ]);
  });

  it('keeps a `__proto__` key as data, never as a prototype', () => {
    const raw = JSON.parse('{"__proto__":{"polluted":"\\u0000"},"b":1}') as Record<string, unknown>;
    const value = toStorableJson(raw, EVENT_RAW_LIMITS).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":"\uFFFD"},"b":1}');
  });

  it('bounds the size of a rejected copy', () => {
    const huge = Array.from({ length: 50_000 }, (_, index) => ({ index, text: 'y'.repeat(100) }));
    const value = toStorableJson(huge, REJECTED_RAW_LIMITS).value;
    assertStorable(value, REJECTED_RAW_LIMITS);
    expect(JSON.stringify(value).length).toBeLessThan(200_000);
  });

  it('never splits a surrogate pair when truncating', () => {
    const value = toStorableJson(`${'a'.repeat(15)}\uD83D\uDE00tail`, SMALL).value as string;
    expect(isSafeText(value)).toBe(true);
    expect(value.startsWith(`${'a'.repeat(15)}…`)).toBe(true);
  });
});
