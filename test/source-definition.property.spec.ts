import fc from 'fast-check';
import { checkSourcePatch, checkSourceSpec } from '../src/config/source-definition';
import { parseSourcesFile } from '../src/config/sources-file';

const TOKEN = 'tok_SECRETSECRETSECRET_0123';

/** Bodies near the real shape (so some are valid), and anything at all. */
const fieldValue = fc.oneof(
  fc.anything(),
  fc.constantFrom('events_api', 'connect', 'prod', 'acme-2', 'default', 'Bad Name', ''),
  fc.constantFrom('http://127.0.0.1:8080', 'https://events.1password.com', 'ftp://x', 'nope'),
  fc.constantFrom(TOKEN, '2026-01-01T00:00:00Z', 'AAAABBBBCCCCDDDDEEEEFFFFGG'),
  fc.double(),
  fc.integer({ min: -5, max: 2000 }),
  fc.constant(null),
);
const key = fc.constantFrom(
  'name',
  'kind',
  'url',
  'token',
  'account',
  'pollIntervalSeconds',
  'maxRequestsPerMinute',
  'startTime',
  'other',
  '__proto__',
  'constructor',
);
const body = fc.oneof(
  fc.dictionary(key, fieldValue, { maxKeys: 9 }),
  fc.record(
    {
      name: fc.constantFrom('prod', 'acme-2', 'x'),
      kind: fc.constantFrom('events_api', 'connect'),
      token: fc.constant(TOKEN),
      url: fc.constantFrom('http://127.0.0.1:8080', 'https://events.example'),
      pollIntervalSeconds: fc.double({ min: -1, max: 100_000, noNaN: true }),
      account: fc.constantFrom('AAAABBBB', 'lowercase123'),
    },
    { requiredKeys: ['name', 'kind', 'token'] },
  ),
  fc.anything(),
);

/** Every problem names a field and a reason, and repeats no value of the body. */
function expectNamedProblems(problems: Array<{ field: string; reason: string }>): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(problem.field.trim()).not.toBe('');
    expect(problem.reason.trim()).not.toBe('');
  }
  expect(JSON.stringify(problems)).not.toContain(TOKEN);
}

describe('source definitions, on random input', () => {
  it('a POST body is either a definition that checks again the same, or problems naming fields', () => {
    fc.assert(
      fc.property(body, (input) => {
        const check = checkSourceSpec(input);
        if (!check.ok) {
          expectNamedProblems(check.problems);
          return;
        }
        expect(checkSourceSpec(check.value)).toEqual(check);
        expect(check.value.name).toMatch(/^[a-z0-9-]+$/);
        expect(check.value.kind === 'events_api' || check.value.url !== undefined).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('a PATCH body is either a change that keeps the source valid, or problems naming fields', () => {
    const current = { name: 'office', kind: 'connect' as const, url: 'http://127.0.0.1:1' };
    fc.assert(
      fc.property(body, (input) => {
        const check = checkSourcePatch(current, input);
        if (!check.ok) {
          expectNamedProblems(check.problems);
          return;
        }
        expect(check.value).not.toHaveProperty('name');
        expect(check.value).not.toHaveProperty('kind');
      }),
      { numRuns: 2_000 },
    );
  });

  it('a sources file, YAML or JSON, never throws: entries or problems naming entry and field', () => {
    const file = fc.oneof(
      fc.array(body, { maxLength: 4 }).map((sources) => ({ sources })),
      fc.anything(),
    );
    fc.assert(
      fc.property(file, fc.constantFrom('s.json', 's.yaml'), fc.boolean(), (value, path, raw) => {
        let json: string | undefined;
        try {
          json = JSON.stringify(value);
        } catch {
          json = undefined;
        }
        // Cut short, a JSON text is a syntax error; whole, it is checked entry by entry.
        const text = raw ? (json ?? '').slice(0, 40) : (json ?? '');
        const check = parseSourcesFile(text, path);
        if (!check.ok) {
          expectNamedProblems(check.problems);
          return;
        }
        for (const spec of check.value) expect(checkSourceSpec(spec).ok).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
