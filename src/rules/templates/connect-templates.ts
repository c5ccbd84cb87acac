import { hourlyRows } from './fixture-data';
import {
  daysBefore,
  define,
  series,
  token,
  type BaselineSpec,
  type BuiltInTemplate,
  type EventSpec,
} from './built-in-template';

const AT = '2025-03-20T14:00:00.000Z';
const DEPLOY_AT = '2025-03-20T02:05:00.000Z';
export const ci = token('jti-ci');

/** A token that polls a few reads an hour and reads `burst` secrets at 02:00 every day. */
export function deployRoutine(burst: number, action = 'READ'): BaselineSpec {
  return {
    entityType: 'connect_token',
    entityId: ci.actorId,
    firstEventAt: daysBefore(AT, 60),
    hourly: {
      [action]: hourlyRows(daysBefore(DEPLOY_AT, 28), '2025-03-20T00:00:00.000Z', (_i, h) =>
        new Date(h).getUTCHours() === 2 ? burst : 4,
      ),
    },
  };
}

export const request = (extra: Partial<EventSpec> = {}): Partial<EventSpec> => ({
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
        'A Connect token makes a request from an IP address not seen for it in 30 days, once past its first 7 days: a possibly stolen token. A private address in a /16 the token already uses (a pod rescheduled inside its cluster) is routine; a public address must have been seen itself.',
      kind: 'new_value',
      severity: 'high',
      streams: ['connect_activity'],
      // Denied requests teach the baseline nothing, so each would look new again: left out.
      filter: { field: 'result', op: 'neq', value: 'DENY' },
      groupBy: ['actorId'],
      // Every request the token makes also teaches it: the rule learns only from what it judges.
      // Kubernetes gives each node a /24 of the cluster's pod network (often a /16), so a
      // rescheduled pod moves between /24s: private addresses are judged by their /16.
      params: {
        entity: 'connect_token',
        field: 'ip',
        learningDays: 7,
        forgetAfterDays: 30,
        newForHours: 0,
        network: { ipv4Prefix: 16, ipv6Prefix: 64, privateOnly: true },
      },
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
        {
          name: 'another private network than the cluster’s',
          before: series(30, daysBefore(AT, 30), 86_400, request()),
          events: [{ ...request({ ip: '192.168.4.9' }), at: AT }],
          expect: { alerts: 1 },
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
          name: 'a pod rescheduled to another node of its cluster (same private /16)',
          before: series(30, daysBefore(AT, 30), 86_400, request()),
          events: [{ ...request({ ip: '10.20.7.41' }), at: AT }],
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
      description:
        "A Connect token reads 50 or more distinct items within 10 minutes. A burst the token makes routinely (a deploy job's daily read, on 3 or more of the last 28 days, at the same hour) fires only at twice its usual size.",
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
      params: {
        windowSeconds: 600,
        threshold: 50,
        distinctField: 'itemId',
        routine: { entity: 'connect_token', baselineDays: 28, minDays: 3, factor: 2 },
      },
      tags: ['T1555'],
      runbook:
        'Compare with the deployments that use the token (user agent, IP). If no deploy explains it, revoke the token and rotate what it read.',
    }),
    fixtures: {
      positive: [
        {
          name: '60 distinct items in five minutes',
          events: series(60, AT, 5, (i) => request({ itemId: `item-${i}` })),
          expect: { alerts: 1, fingerprints: ['50'] },
        },
        {
          name: 'four times the daily deploy burst, at its usual hour',
          baselines: [deployRoutine(300)],
          events: series(1200, DEPLOY_AT, 0.4, (i) => request({ itemId: `item-${i}` })),
          expect: {
            alerts: 1,
            fingerprints: ['600'],
            explains: ['(threshold 600, raised from 50 by the routine: bursts of about 300'],
          },
        },
        {
          name: 'a deploy-sized burst at an hour the token never bursts',
          baselines: [deployRoutine(300)],
          events: series(280, '2025-03-20T14:00:00.000Z', 2, (i) =>
            request({ itemId: `item-${i}` }),
          ),
          expect: { alerts: 1, fingerprints: ['50'], explains: ['outside the routine'] },
        },
      ],
      negative: [
        {
          name: 'the same 10 items read 100 times',
          events: series(100, AT, 5, (i) => request({ itemId: `item-${i % 10}` })),
          expect: { alerts: 0 },
        },
        {
          name: "the daily deploy burst: a few hundred secrets at the token's usual hour",
          baselines: [deployRoutine(300)],
          events: series(290, DEPLOY_AT, 2, (i) => request({ itemId: `item-${i}` })),
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
