import { hourlyRows } from './fixture-data';
import { daysBefore, define, series, user, type BuiltInTemplate } from './built-in-template';
import { failed, FAILED, signin } from './signin-templates';

const AT = '2025-03-20T14:00:00.000Z';
const alice = user('alice');
const later = (seconds: number) => new Date(Date.parse(AT) + seconds * 1000).toISOString();

export const SIGNIN_FAILURE_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.signin.bruteforce_then_success',
    definition: define({
      name: 'Brute force then success',
      description:
        'Five or more failed sign-ins for a user, then a successful one within an hour: guessing that worked.',
      kind: 'sequence',
      severity: 'high',
      streams: ['signin_attempt'],
      params: {
        mode: 'forward',
        withinSeconds: 3600,
        stages: [
          {
            name: 'failed sign-ins',
            streams: ['signin_attempt'],
            filter: { field: 'result', op: 'in', value: FAILED },
            key: 'actorId',
            minCount: 5,
          },
          {
            name: 'success',
            streams: ['signin_attempt'],
            filter: { field: 'result', op: 'eq', value: 'success' },
            key: 'actorId',
          },
        ],
      },
      tags: ['T1110'],
      runbook:
        'Ask the user whether they signed in. If not: revoke their sessions, reset the password and Secret Key, and block the source IP.',
    }),
    fixtures: {
      positive: [
        {
          name: 'six wrong passwords, then a success ten minutes later',
          events: [
            ...series(6, AT, 30, failed(alice)),
            { ...signin(), ip: '198.51.100.77', at: later(600) },
          ],
          expect: {
            alerts: 1,
            fingerprints: ['7'],
            explains: ['6 × failed sign-ins then success for alice@acme.example'],
          },
        },
      ],
      negative: [
        {
          name: 'one mistyped password, then a success',
          events: [failed(alice), { ...signin(), at: later(60) }].map((e, i) => ({
            ...e,
            at: later(i * 60),
          })),
          expect: { alerts: 0 },
        },
        {
          name: 'five failures, success two hours later',
          events: [...series(5, AT, 30, failed(alice)), { ...signin(), at: later(7200) }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.mfa_failures',
    definition: define({
      name: 'MFA failure burst',
      description:
        'Five or more failed second-factor checks for one user within 15 minutes: guessing codes, or push fatigue.',
      kind: 'threshold',
      severity: 'medium',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'mfa_failed' },
      groupBy: ['actorId'],
      params: { windowSeconds: 900, threshold: 5 },
      tags: ['T1621', 'T1110'],
      runbook:
        'The password is likely known to someone: ask the user, reset the password if they did not try, and review their MFA methods.',
    }),
    fixtures: {
      positive: [
        {
          name: 'five MFA failures in four minutes',
          events: series(5, AT, 60, failed({ ...alice, result: 'mfa_failed' })),
          expect: {
            alerts: 1,
            explains: ['5 sign-in attempts (mfa_failed) for alice@acme.example'],
          },
        },
      ],
      negative: [
        {
          name: 'four MFA failures, and five wrong passwords',
          events: [
            ...series(4, AT, 60, failed({ ...alice, result: 'mfa_failed' })),
            ...series(5, later(300), 10, failed(alice)),
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.firewall_events',
    definition: define({
      name: 'Sign-in firewall blocks',
      description:
        'Five or more sign-in attempts from one IP blocked by the account’s sign-in firewall within an hour.',
      kind: 'threshold',
      severity: 'low',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'firewall_failed' },
      groupBy: ['ip'],
      params: { windowSeconds: 3600, threshold: 5 },
      tags: ['T1110', 'T1078'],
      runbook:
        'The firewall did its job; check whether the targeted users signed in from elsewhere meanwhile.',
    }),
    fixtures: {
      positive: [
        {
          name: 'five blocked attempts from one IP against two users',
          events: series(5, AT, 300, (i) =>
            failed({ ...user(i % 2 ? 'alice' : 'bob'), result: 'firewall_failed' }),
          ),
          expect: { alerts: 1, severity: 'low', explains: ['from 198.51.100.77'] },
        },
      ],
      negative: [
        {
          name: 'five blocked attempts spread over a day',
          events: series(5, AT, 4 * 3600, failed({ ...alice, result: 'firewall_failed' })),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.firewall_reported_success',
    definition: define({
      name: 'Sign-in allowed by a firewall report rule',
      description:
        'A sign-in succeeded that the sign-in firewall was set to report: the rule exists because such sign-ins deserve a look.',
      kind: 'match',
      severity: 'low',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'firewall_reported_success' },
      dedupSeconds: 3600,
      tags: ['T1078'],
      runbook: 'Confirm the sign-in with the user; adjust the firewall rule if it is routine.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a reported success',
          events: [{ ...signin({ result: 'firewall_reported_success' }), at: AT }],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'an ordinary success and a block',
          events: [
            { ...signin(), at: AT },
            { ...failed({ ...alice, result: 'firewall_failed' }), at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.failed_anomaly.user',
    definition: define({
      name: 'Unusual failed sign-in rate for a user',
      description:
        "A user's failed sign-ins this hour are improbable under their own failure rate over 14 days (at least 5). Shadow mode: recorded, not notified, until tuned.",
      kind: 'rate_anomaly',
      mode: 'shadow',
      severity: 'low',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'in', value: FAILED },
      groupBy: ['actorId'],
      params: { entity: 'user', pValue: 1e-4, minCount: 5, minRatio: 3, baselineDays: 14 },
      tags: ['T1110'],
      runbook:
        'Compare with the failed-burst rules; ask the user whether they had trouble signing in.',
    }),
    fixtures: {
      positive: [
        {
          name: 'eight failures in an hour by a user who fails about once a week',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 30),
              hourly: {
                'signin:credentials_failed': hourlyRows(daysBefore(AT, 14), AT, (i) =>
                  i % 168 === 10 ? 1 : 0,
                ),
              },
            },
          ],
          events: series(8, AT, 400, failed(alice)),
          expect: { alerts: 1, severity: 'low' },
        },
      ],
      negative: [
        {
          name: 'four failures',
          baselines: [{ entityId: alice.actorId, firstEventAt: daysBefore(AT, 30) }],
          events: series(4, AT, 400, failed(alice)),
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
