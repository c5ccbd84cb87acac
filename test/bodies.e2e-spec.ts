import fc from 'fast-check';
import { SEVERITIES } from '../src/rules/engine/rule-definition';
import { expectClearAnswer, sendJson } from './support/clear-answer';
import { auditEvent, opId } from './support/factories';
import { accountId } from './support/rule-arbitraries';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const HOUR_MS = 3_600_000;

/** Mostly `valid`, now and then `wrong`. */
const mostly = <T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, wrong);

/** Anything JSON, of any type. */
const anyJson = fc.jsonValue({ maxDepth: 1 });

/** Times as people and scripts write them: mostly the coming days, some wrong. */
const time = mostly(
  fc
    .integer({ min: 1, max: 40 * 24 })
    .map((hours) => new Date(Date.now() + hours * HOUR_MS).toISOString()),
  fc.oneof(
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString()),
    fc.constantFrom('2026-13-45T00:00:00Z', '+275760-09-13T00:00:00.000Z', 'tomorrow', '', {
      toString: 0,
    }),
    anyJson,
  ),
);
/** The last days, for a rule test's range. */
const pastTime = mostly(
  fc
    .integer({ min: 0, max: 30 * 24 })
    .map((hours) => new Date(Date.now() - hours * HOUR_MS).toISOString()),
  time,
);
const text = mostly(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.oneof(
    fc.constantFrom(
      '',
      '   ',
      'x'.repeat(3000),
      'a\u0000b',
      'a\ud800b',
      '<script>alert(1)</script>',
    ),
    anyJson,
  ),
);
const list = <T>(item: fc.Arbitrary<T>) =>
  mostly(fc.array(item, { minLength: 1, maxLength: 3 }), fc.oneof(fc.constant([]), anyJson));
/** Mostly the endpoint's own fields, now and then other keys or anything at all. */
const body = (fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[] = []) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record(fields, { requiredKeys }) },
    fc.record(fields, { requiredKeys: [] }),
    fc.dictionary(
      fc.constantFrom(...Object.keys(fields), '', '__proto__', 'constructor', 'x'),
      text,
      {
        maxKeys: 4,
      },
    ),
    fc.anything(),
  );

const silenceBody = body(
  {
    matchers: mostly(
      fc.record(
        {
          rules: list(fc.oneof(fc.uuid(), fc.string({ maxLength: 8 }))),
          severities: list(mostly(fc.constantFrom(...SEVERITIES), fc.constantFrom('urgent', ''))),
          actors: list(mostly(fc.constant(opId('user', 1)), fc.string({ maxLength: 8 }))),
          tags: list(fc.constantFrom('T1078', 'exfiltration', '')),
          accounts: list(accountId),
        },
        { requiredKeys: ['severities'] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    endsAt: time,
    comment: text,
  },
  ['matchers', 'endsAt', 'comment'],
);
const noteBody = body({ note: text });
const snoozeBody = body({ note: text, until: time }, ['until']);
const apiKeyBody = body(
  {
    name: text,
    role: mostly(
      fc.constantFrom('viewer', 'responder', 'admin'),
      fc.constantFrom('root', 'ADMIN', 3),
    ),
  },
  ['name', 'role'],
);
const channelBody = body(
  {
    name: text,
    type: mostly(
      fc.constant('webhook'),
      fc.constantFrom('slack', 'email', 'pagerduty', 'teams', 1),
    ),
    settings: mostly(
      fc.record({
        url: mostly(
          fc.constantFrom('http://127.0.0.1:9/hook', 'http://localhost:9/other'),
          fc.constantFrom('ftp://x', '', 'http://'),
        ),
      }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    secrets: mostly(
      fc.record({ secret: mostly(fc.constant('a-webhook-signing-key'), text) }),
      fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 3 }), text),
    ),
    minSeverity: mostly(fc.constantFrom(...SEVERITIES), fc.constantFrom('urgent', null)),
    ruleIds: list(fc.oneof(fc.uuid(), fc.string({ maxLength: 8 }))),
    tags: list(fc.constantFrom('T1078', 'exfiltration')),
    enabled: mostly(fc.boolean(), text),
  },
  ['name', 'type', 'settings', 'secrets'],
);
const rangeBody = body({ from: pastTime, to: pastTime }, ['from', 'to']);

/**
 * The endpoints that take a body, beyond rules, lists and sources (tested with their own
 * arbitraries): every answer is a success, a 400 naming the field, a 404 or a 409, never a 5xx.
 */
describe('bodies of silences, incident actions, API keys, channels and rule tests, at random', () => {
  let t: TestApp;
  let incidentId: string;
  let ruleId: string;
  let channelId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const as = { authorization: `Bearer ${t.adminKey}` };
    // An account-wide MFA disable: the built-in match rule opens an incident to act on.
    const event = auditEvent(1, new Date(), {
      action: 'disblmfa',
      object_type: 'account',
      object_uuid: opId('account', 0),
      actor_uuid: opId('admin', 1),
    });
    await t.http().post('/api/v1/events').set(as).send([event]).expect(200);
    await waitFor('an incident', async () => {
      const page = await t.http().get('/api/v1/incidents').set(as);
      incidentId = (page.body.items as Array<{ id: string }>).at(0)?.id ?? '';
      return incidentId !== '';
    });
    const rules = await t.http().get('/api/v1/rules').set(as).expect(200);
    ruleId = (rules.body as Array<{ id: string }>)[0].id;
    const channel = await t
      .http()
      .post('/api/v1/channels')
      .set(as)
      .send({
        name: 'hook',
        type: 'webhook',
        settings: { url: 'http://127.0.0.1:9/hook' },
        secrets: { secret: 'a-webhook-signing-key' },
      })
      .expect(201);
    channelId = channel.body.id as string;
  });

  afterAll(async () => {
    await t.close();
  });

  const cases: Array<[string, 'post' | 'patch', () => string, fc.Arbitrary<unknown>, number[]]> = [
    ['POST /api/v1/silences', 'post', () => '/api/v1/silences', silenceBody, [201, 400]],
    ...(['acknowledge', 'resolve', 'reopen'] as const).map(
      (action): [string, 'post', () => string, fc.Arbitrary<unknown>, number[]] => [
        `POST /api/v1/incidents/:id/${action}`,
        'post',
        () => `/api/v1/incidents/${incidentId}/${action}`,
        noteBody,
        [200, 400, 409],
      ],
    ),
    [
      'POST /api/v1/incidents/:id/snooze',
      'post',
      () => `/api/v1/incidents/${incidentId}/snooze`,
      snoozeBody,
      [200, 400, 409],
    ],
    ['POST /api/v1/api-keys', 'post', () => '/api/v1/api-keys', apiKeyBody, [201, 400]],
    // Channel names are unique: a taken one is a 409.
    ['POST /api/v1/channels', 'post', () => '/api/v1/channels', channelBody, [201, 400, 409]],
    [
      'PATCH /api/v1/channels/:id',
      'patch',
      () => `/api/v1/channels/${channelId}`,
      channelBody,
      [200, 400, 409],
    ],
    [
      'POST /api/v1/rules/:id/test',
      'post',
      () => `/api/v1/rules/${ruleId}/test`,
      rangeBody,
      [200, 400],
    ],
  ];

  it.each(cases)('answers %s clearly', async (_, method, path, arbitrary, allowed) => {
    expect.hasAssertions();
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        expectClearAnswer(await sendJson(t, method, path(), value), allowed);
      }),
      { numRuns: 250 },
    );
  });

  it.each([
    ['/api/v1/incidents?actor=a%00', 'actor'],
    ['/api/v1/baselines/a%00b', 'actor'],
    ['/api/v1/notifications?incident=%00', 'incident'],
    ['/api/v1/rules/%00', 'id'],
  ])(
    'refuses NUL in %s with a 400 naming %s: PostgreSQL text cannot hold it',
    async (url, field) => {
      const answer = await t.http().get(url).set('authorization', `Bearer ${t.adminKey}`);
      expect(answer.status).toBe(400);
      expect(answer.body.details).toEqual([{ field, reason: expect.stringContaining('NUL') }]);
    },
  );

  it.each([
    ['/api/v1/incidents?since[toString]=0', 'since'],
    ['/api/v1/incidents?limit[valueOf]=1', 'limit'],
    ['/api/v1/baselines?limit[toString]=x', 'limit'],
  ])('answers %s, a query of hostile shape, with a 400 naming %s', async (url, field) => {
    const answer = await t.http().get(url).set('authorization', `Bearer ${t.adminKey}`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain(field);
  });
});
