import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { sourceBody, TOKEN } from './support/source-arbitraries';
import { expectClearAnswer, sendJson } from './support/clear-answer';
import { startTestApp, TestApp } from './support/test-app';

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

  it('answers a POST with 201, a 400 naming the field, or a 409', async () => {
    expect.hasAssertions();
    await fc.assert(
      fc.asyncProperty(sourceBody, async (body) => {
        const answer = await sendJson(t, 'post', '/api/v1/sources', body);
        expectClearAnswer(answer, [201, 400, 409], TOKEN);
      }),
      { numRuns: 300 },
    );
  });

  it('answers a PATCH with 200 or a 400 naming the field', async () => {
    expect.hasAssertions();
    await fc.assert(
      fc.asyncProperty(sourceBody, async (body) => {
        const answer = await sendJson(t, 'patch', '/api/v1/sources/office', body);
        expectClearAnswer(answer, [200, 400], TOKEN);
      }),
      { numRuns: 300 },
    );
  });
});
