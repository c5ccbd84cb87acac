import fc from 'fast-check';
import { checkSourcePatch, checkSourceSpec } from '../src/config/source-definition';
import { parseSourcesFile } from '../src/config/sources-file';
import { sourceBody as body, TOKEN } from './support/source-arbitraries';

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
