/** Random bodies for the sources endpoints and file: mostly source-shaped, often wrong. */
import fc from 'fast-check';

export const TOKEN = 'tok_SECRETSECRETSECRET_0123';

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
export const sourceBody = fc.oneof(
  fc.dictionary(key, fieldValue, { maxKeys: 9 }),
  fc.record(
    {
      name: fc.constantFrom('prod', 'acme-2', 'x'),
      kind: fc.constantFrom('events_api', 'connect'),
      token: fc.constant(TOKEN),
      url: fc.constantFrom('http://127.0.0.1:8080', 'https://events.example'),
      pollIntervalSeconds: fc.double({ min: -1, max: 100_000, noNaN: true }),
      account: fc.constantFrom(
        'AAAABBBBCCCCDDDDEEEEFFFFGG',
        'aaaabbbbccccddddeeeeffffgg',
        'AAAABBBB',
      ),
    },
    { requiredKeys: ['name', 'kind', 'token'] },
  ),
  fc.anything(),
);
