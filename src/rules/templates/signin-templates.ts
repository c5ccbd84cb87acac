import {
  daysBefore,
  define,
  MONTREAL,
  MOSCOW,
  series,
  TORONTO,
  user,
  VANCOUVER,
  type BuiltInTemplate,
  type EventSpec,
} from './built-in-template';

const AT = '2025-03-20T14:00:00.000Z';
const alice = user('alice');
const ATTACKER_IP = '198.51.100.77';

/**
 * The failed sign-in categories counted by default. Panther counts credentials and MFA
 * failures (and modern_version_failed, an outdated client, left out here); Datadog counts
 * every `*failed*`; firewall_failed is a blocked attempt, reported by its own template.
 */
export const FAILED = ['credentials_failed', 'mfa_failed', 'sso_failed'];

export const failed = (extra: Partial<EventSpec> = {}): Partial<EventSpec> => ({
  stream: 'signin_attempt',
  action: 'signin',
  result: 'credentials_failed',
  resultDetail: 'password_secret_bad',
  ip: ATTACKER_IP,
  ...extra,
});

export const signin = (extra: Partial<EventSpec> = {}): Partial<EventSpec> => ({
  stream: 'signin_attempt',
  action: 'signin',
  result: 'success',
  resultDetail: 'mfa_ok',
  ...alice,
  ...extra,
});

export const SIGNIN_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.signin.failed_burst.user',
    definition: define({
      name: 'Failed sign-in burst for a user',
      description:
        'Five or more failed sign-ins (credentials, MFA, SSO) for one user within 10 minutes.',
      kind: 'threshold',
      severity: 'medium',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'in', value: FAILED },
      groupBy: ['actorId'],
      // ≥ 5 in 10 min, the recommended default (alerting-recommendations §5.4), rather than
      // the catalogue's ≥ 10 in 60 min (Panther's 20/60m halved): guessing tools make
      // attempts seconds apart, so five in ten minutes catches them within a minute or two,
      // while a person who forgot a password rarely fails five times that fast (benign
      // failures run at about 0.04 a day per user). The catalogue's slower variant is one
      // edit away (windowSeconds 3600, threshold 10).
      params: { windowSeconds: 600, threshold: 5 },
      tags: ['T1110'],
      runbook:
        'Check where the attempts come from (IP, country, client). If not the user, make sure MFA is on and consider blocking the source IP in the sign-in firewall.',
    }),
    fixtures: {
      positive: [
        {
          name: 'six wrong passwords in three minutes',
          events: series(6, AT, 30, failed(alice)),
          expect: {
            alerts: 1,
            severity: 'medium',
            fingerprints: ['5'],
            explains: [
              '5 sign-in attempts (credentials_failed) for alice@acme.example in 10 minutes (threshold 5)',
            ],
          },
        },
        {
          name: 'MFA and SSO failures count too',
          events: series(5, AT, 30, (i) => failed({ ...alice, result: FAILED[i % 3] })),
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'four failures',
          events: series(4, AT, 30, failed(alice)),
          expect: { alerts: 0 },
        },
        {
          name: 'five failures over an hour',
          events: series(5, AT, 900, failed(alice)),
          expect: { alerts: 0 },
        },
        {
          name: 'five firewall blocks (their own template)',
          events: series(5, AT, 30, failed({ ...alice, result: 'firewall_failed' })),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.failed_burst.ip',
    definition: define({
      name: 'Failed sign-in burst from an IP',
      description: 'Twenty or more failed sign-ins from one IP address within an hour.',
      kind: 'threshold',
      severity: 'low',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'in', value: FAILED },
      groupBy: ['ip'],
      allowLists: [{ field: 'ip', list: '@corporateEgress' }],
      params: { windowSeconds: 3600, threshold: 20 },
      tags: ['T1110'],
      runbook: 'Consider blocking the IP in the 1Password sign-in firewall.',
    }),
    fixtures: {
      positive: [
        {
          name: '20 failures from one IP against three users in 40 minutes',
          events: series(20, AT, 120, (i) => failed(user(['alice', 'bob', 'carol'][i % 3]))),
          expect: { alerts: 1, severity: 'low', explains: ['from 198.51.100.77'] },
        },
      ],
      negative: [
        {
          name: '19 failures',
          events: series(19, AT, 120, failed(alice)),
          expect: { alerts: 0 },
        },
        {
          name: '20 failures from a corporate egress address',
          lists: { '@corporateEgress': ['198.51.100.0/24'] },
          events: series(20, AT, 60, failed(alice)),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.password_spray.ip',
    definition: define({
      name: 'Password spray from an IP',
      description:
        'Failed sign-ins against ten or more different users from one IP within 15 minutes.',
      kind: 'threshold',
      severity: 'medium',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'in', value: FAILED },
      groupBy: ['ip'],
      allowLists: [{ field: 'ip', list: '@corporateEgress' }],
      // ≥ 10 users, the recommended count (alerting-recommendations §5.4), rather than the
      // catalogue's ≥ 5 in 60 min: offices egress through a few addresses, and five colleagues
      // mistyping a password on a Monday morning within an hour is ordinary there, ten within
      // a quarter of an hour is not. The window is 15 minutes rather than 10: a spray pacing
      // one attempt every 10–60 s across a dozen accounts needs up to ~12 minutes to reach ten
      // of them (simulated: 10 minutes misses about 1 % of such sprays, 15 minutes none).
      params: { windowSeconds: 900, threshold: 10, distinctField: 'actorId' },
      tags: ['T1110.003'],
      runbook:
        'Block the IP in the sign-in firewall; check whether any of the targeted users then signed in successfully from it.',
    }),
    fixtures: {
      positive: [
        {
          name: 'twelve users, one attempt each, 40 s apart',
          events: series(12, AT, 40, (i) => failed(user(`user${i}`))),
          expect: {
            alerts: 1,
            fingerprints: ['10'],
            explains: [
              '10 distinct users in 10 sign-in attempts (credentials_failed) from 198.51.100.77',
            ],
          },
        },
      ],
      negative: [
        {
          name: 'one user failing fifteen times (a burst, not a spray)',
          events: series(15, AT, 20, failed(alice)),
          expect: { alerts: 0 },
        },
        {
          name: 'ten users over an hour',
          events: series(10, AT, 360, (i) => failed(user(`user${i}`))),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.impossible_travel',
    definition: define({
      name: 'Impossible travel',
      description:
        'Two consecutive successful sign-ins or item uses of one user imply travel faster than 900 km/h over more than 500 km.',
      kind: 'geo_velocity',
      severity: 'medium',
      streams: ['item_usage', 'signin_attempt'],
      filter: {
        any: [
          { field: 'stream', op: 'eq', value: 'item_usage' },
          { field: 'result', op: 'eq', value: 'success' },
        ],
      },
      groupBy: ['actorId'],
      allowLists: [
        { field: 'ip', list: '@corporateEgress' },
        { field: 'actorEmail', list: '@serviceAccounts' },
      ],
      params: { maxSpeedKmh: 900, minDistanceKm: 500, minGapMinutes: 5 },
      tags: ['T1078'],
      runbook:
        'Check both locations and clients. A VPN or corporate egress explains many cases (add it to @corporateEgress); otherwise revoke the sessions of the far location.',
    }),
    fixtures: {
      positive: [
        {
          name: 'Toronto then Moscow 35 minutes later',
          events: [
            { ...signin(TORONTO), at: AT },
            { ...signin(MOSCOW), at: '2025-03-20T14:35:00.000Z' },
          ],
          expect: {
            alerts: 1,
            fingerprints: ['1|2'],
            explains: ['alice@acme.example: Toronto, CA → Moscow, RU', 'limit 900'],
          },
        },
        {
          name: 'a sign-in in Toronto, a reveal in Vancouver an hour later',
          events: [
            { ...signin(TORONTO), at: AT },
            { ...alice, ...VANCOUVER, action: 'reveal', at: '2025-03-20T15:00:00.000Z' },
          ],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'Toronto then Montreal an hour later (504 km/h)',
          events: [
            { ...signin(TORONTO), at: AT },
            { ...signin(MONTREAL), at: '2025-03-20T15:00:00.000Z' },
          ],
          expect: { alerts: 0 },
        },
        {
          name: 'a failed sign-in from Moscow',
          events: [
            { ...signin(TORONTO), at: AT },
            {
              ...signin({ ...MOSCOW, result: 'credentials_failed' }),
              at: '2025-03-20T14:35:00.000Z',
            },
          ],
          expect: { alerts: 0 },
        },
        {
          name: 'Moscow through the corporate VPN',
          lists: { '@corporateEgress': ['203.0.113.0/24'] },
          events: [
            { ...signin(TORONTO), at: AT },
            { ...signin({ ...MOSCOW, ip: '203.0.113.5' }), at: '2025-03-20T14:35:00.000Z' },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.new_country_for_user',
    definition: define({
      name: 'Sign-in from a new country',
      description:
        'A successful sign-in from a country not seen for the user in 180 days, once past their first 14 days.',
      kind: 'new_value',
      severity: 'medium',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'success' },
      groupBy: ['actorId'],
      allowLists: [{ field: 'actorEmail', list: '@serviceAccounts' }],
      params: { entity: 'user', field: 'country', learningDays: 14, forgetAfterDays: 180 },
      tags: ['T1078'],
      runbook: 'Ask the user whether they are travelling; if not, revoke their sessions.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a success from RU after a month in CA',
          before: series(30, daysBefore(AT, 30), 86_400, signin({ country: 'CA' })),
          events: [{ ...signin({ country: 'RU' }), at: AT }],
          expect: { alerts: 1, fingerprints: ['U-ALICE|country|RU|31'] },
        },
      ],
      negative: [
        {
          name: 'failures from RU, and a success from CA',
          before: series(30, daysBefore(AT, 30), 86_400, signin({ country: 'CA' })),
          events: [
            { ...signin({ country: 'RU', result: 'credentials_failed' }), at: AT },
            { ...signin({ country: 'CA' }), at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.country_denylist',
    requiresLists: ['@deniedCountries'],
    definition: define({
      name: 'Activity from a denied country',
      description:
        'A sign-in, item use or audit event from a country in @deniedCountries. Fill the list, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'medium',
      streams: ['signin_attempt', 'item_usage', 'audit_event'],
      filter: { field: 'country', op: 'in', value: '@deniedCountries' },
      escalations: [
        { filter: { field: 'stream', op: 'eq', value: 'audit_event' }, severity: 'high' },
      ],
      tags: ['T1078'],
    }),
    fixtures: {
      positive: [
        {
          name: 'an audit event from a denied country',
          lists: { '@deniedCountries': ['KP', 'IR'] },
          events: [
            {
              ...alice,
              stream: 'audit_event',
              action: 'update',
              objectType: 'vault',
              country: 'KP',
              at: AT,
            },
          ],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'a country not in the list',
          lists: { '@deniedCountries': ['KP', 'IR'] },
          events: [{ ...signin({ country: 'CA' }), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
