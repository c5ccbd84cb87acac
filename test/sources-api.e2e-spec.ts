import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { sourceBody, TOKEN } from './support/source-arbitraries';
import { startTestApp, TestApp } from './support/test-app';

interface Problem {
  field: string;
  reason: string;
}

/** Every answer is a success, a 400 naming fields, or a conflict; never a 5xx or the token. */
function expectClearAnswer(status: number, body: unknown, text: string, allowed: number[]): void {
  expect(allowed).toContain(status);
  expect(text).not.toContain(TOKEN);
  if (status !== 400) return;
  const { message, details } = body as { message: string; details?: Problem[] };
  expect(message.trim()).not.toBe('');
  for (const problem of details ?? []) expect(problem.field.trim()).not.toBe('');
}

describe('the sources endpoints, on random bodies', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLE: 'api',
      SOURCES_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    });
    await t
      .http()
      .post('/api/v1/sources')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ name: 'office', kind: 'connect', url: 'http://127.0.0.1:9', token: TOKEN })
      .expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  const send = (method: 'post' | 'patch', path: string, body: unknown) => {
    // JSON.stringify answers undefined for undefined (and functions): sent as null.
    const json = (JSON.stringify(body) as string | undefined) ?? 'null';
    return t
      .http()
      [method](path)
      .set('authorization', `Bearer ${t.adminKey}`)
      .set('content-type', 'application/json')
      .send(json);
  };

  it('answers a POST with 201, a 400 naming the field, or a 409', async () => {
    expect.hasAssertions();
    await fc.assert(
      fc.asyncProperty(sourceBody, async (body) => {
        const answer = await send('post', '/api/v1/sources', body);
        expectClearAnswer(answer.status, answer.body, answer.text, [201, 400, 409]);
      }),
      { numRuns: 300 },
    );
  });

  it('answers a PATCH with 200 or a 400 naming the field', async () => {
    expect.hasAssertions();
    await fc.assert(
      fc.asyncProperty(sourceBody, async (body) => {
        const answer = await send('patch', '/api/v1/sources/office', body);
        expectClearAnswer(answer.status, answer.body, answer.text, [200, 400]);
      }),
      { numRuns: 300 },
    );
  });
});
