import {
  daysBefore,
  define,
  series,
  token,
  type BuiltInTemplate,
  type EventSpec,
} from './built-in-template';

const AT = '2025-03-20T14:00:00.000Z';
const ci = token('jti-ci');

const request = (extra: Partial<EventSpec> = {}): Partial<EventSpec> => ({
  stream: 'connect_activity',
  ...ci,
  action: 'READ',
  result: 'SUCCESS',
  ip: '10.20.0.5',
  userAgent: 'op-connect-sdk/1.5',
  vaultId: 'vault-ci',
  ...extra,
});

export const CONNECT_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.connect.deny_burst',
    definition: define({
      name: 'Connect access denied burst',
      description:
        'A Connect token is refused ten or more times within 5 minutes: probing vaults outside its grant, or a broken deployment.',
      kind: 'threshold',
      severity: 'medium',
      streams: ['connect_activity'],
      filter: { field: 'result', op: 'eq', value: 'DENY' },
      groupBy: ['actorId'],
      params: { windowSeconds: 300, threshold: 10 },
      tags: ['T1083'],
      runbook:
        'Find the client behind the token (user agent, IP); revoke the token if it is not a known deployment.',
    }),
    fixtures: {
      positive: [
        {
          name: '12 denied reads in two minutes',
          events: series(12, AT, 10, (i) => request({ result: 'DENY', vaultId: `vault-${i}` })),
          expect: {
            alerts: 1,
            severity: 'medium',
            fingerprints: ['10'],
            explains: ['10 READ requests (DENY) by token jti-ci in 5 minutes (threshold 10)'],
          },
        },
      ],
      negative: [
        {
          name: 'nine denials',
          events: series(9, AT, 10, request({ result: 'DENY' })),
          expect: { alerts: 0 },
        },
        {
          name: '12 successful reads',
          events: series(12, AT, 10, request()),
          expect: { alerts: 0 },
        },
        {
          name: '12 denials over half an hour',
          events: series(12, AT, 150, request({ result: 'DENY' })),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.new_ip_for_token',
    definition: define({
      name: 'Connect token used from a new IP',
      description:
        'A Connect token makes a request from an IP address not seen for it in 30 days, once past its first 7 days: a possibly stolen token.',
      kind: 'new_value',
      severity: 'high',
      streams: ['connect_activity'],
      // Denied requests teach the baseline nothing, so each would look new again: left out.
      filter: { field: 'result', op: 'neq', value: 'DENY' },
      groupBy: ['actorId'],
      params: { entity: 'connect_token', field: 'ip', learningDays: 7, forgetAfterDays: 30 },
      tags: ['T1528'],
      runbook: 'Confirm the deployment moved; otherwise revoke the token and issue a new one.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a token with a month of history reads from a new address',
          before: series(30, daysBefore(AT, 30), 86_400, request()),
          events: [{ ...request({ ip: '198.51.100.23' }), at: AT }],
          expect: {
            alerts: 1,
            severity: 'high',
            fingerprints: ['jti-ci|ip|198.51.100.23|31'],
            explains: [
              'an IP address not seen for token jti-ci in the last 30 days (usual IP addresses: 10.20.0.5)',
            ],
          },
        },
      ],
      negative: [
        {
          name: 'the usual address',
          before: series(30, daysBefore(AT, 30), 86_400, request()),
          events: [{ ...request(), at: AT }],
          expect: { alerts: 0 },
        },
        {
          name: 'a token three days old',
          before: series(3, daysBefore(AT, 3), 86_400, request()),
          events: [{ ...request({ ip: '198.51.100.23' }), at: AT }],
          expect: { alerts: 0 },
        },
        {
          name: 'a denied request from a new address',
          before: series(30, daysBefore(AT, 30), 86_400, request()),
          events: [{ ...request({ ip: '198.51.100.23', result: 'DENY' }), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.mass_read',
    definition: define({
      name: 'Connect mass read',
      description: 'A Connect token reads 50 or more distinct items within 10 minutes.',
      kind: 'threshold',
      severity: 'high',
      streams: ['connect_activity'],
      filter: {
        all: [
          { field: 'action', op: 'eq', value: 'READ' },
          { field: 'result', op: 'eq', value: 'SUCCESS' },
        ],
      },
      groupBy: ['actorId'],
      params: { windowSeconds: 600, threshold: 50, distinctField: 'itemId' },
      tags: ['T1555'],
    }),
    fixtures: {
      positive: [
        {
          name: '60 distinct items in five minutes',
          events: series(60, AT, 5, (i) => request({ itemId: `item-${i}` })),
          expect: { alerts: 1, fingerprints: ['50'] },
        },
      ],
      negative: [
        {
          name: 'the same 10 items read 100 times',
          events: series(100, AT, 5, (i) => request({ itemId: `item-${i % 10}` })),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.untrusted_source',
    requiresLists: ['@connectAllowedCidrs'],
    definition: define({
      name: 'Connect request from an unexpected network',
      description:
        'A Connect request from an address outside @connectAllowedCidrs. Fill the list with the networks your Connect clients run in, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'high',
      streams: ['connect_activity'],
      filter: {
        all: [
          { field: 'ip', op: 'exists' },
          { not: { field: 'ip', op: 'cidr', value: '@connectAllowedCidrs' } },
        ],
      },
      dedupSeconds: 3600,
      tags: ['T1528'],
    }),
    fixtures: {
      positive: [
        {
          name: 'a read from outside the allowed networks',
          lists: { '@connectAllowedCidrs': ['10.20.0.0/16'] },
          events: [{ ...request({ ip: '198.51.100.23' }), at: AT }],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'a read from inside',
          lists: { '@connectAllowedCidrs': ['10.20.0.0/16'] },
          events: [{ ...request(), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
