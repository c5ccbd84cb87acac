import { daysBefore, define, series, type BuiltInTemplate } from './built-in-template';
import { ci, deployRoutine, request } from './connect-templates';

const AT = '2025-03-20T14:00:00.000Z';
/** A month of reads, one a day, with the token's usual client, network and vault. */
const month = series(30, daysBefore(AT, 30), 86_400, request());

const connectNewValue = (field: string) => ({
  entity: 'connect_token',
  field,
  learningDays: 7,
  forgetAfterDays: 30,
  // Every request of the token teaches its values, and the rules judge those requests.
  newForHours: 0,
});
const NOT_DENIED = { field: 'result', op: 'neq', value: 'DENY' };

export const CONNECT_TOKEN_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.connect.new_user_agent_for_token',
    definition: define({
      name: 'Connect token used by new client software',
      description:
        'A Connect token makes a request with a user agent not seen for it in 30 days, once past its first 7 days.',
      kind: 'new_value',
      severity: 'low',
      streams: ['connect_activity'],
      filter: NOT_DENIED,
      groupBy: ['actorId'],
      params: connectNewValue('userAgent'),
      dedupSeconds: 86_400,
      tags: ['T1528'],
      runbook: 'An SDK upgrade explains most; a curl or script user agent deserves a look.',
    }),
    fixtures: {
      positive: [
        {
          name: 'curl after a month of the SDK',
          before: month,
          events: [{ ...request({ userAgent: 'curl/8.5.0' }), at: AT }],
          expect: {
            alerts: 1,
            explains: ['with user agent curl/8.5.0, a user agent not seen for token jti-ci'],
          },
        },
      ],
      negative: [
        {
          name: 'the usual SDK',
          before: month,
          events: [{ ...request(), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.new_vault_for_token',
    definition: define({
      name: 'Connect token reaching a new vault',
      description:
        'A Connect token successfully reads or writes in a vault not seen for it in 30 days, once past its first 7 days.',
      kind: 'new_value',
      severity: 'medium',
      streams: ['connect_activity'],
      filter: NOT_DENIED,
      groupBy: ['actorId'],
      params: connectNewValue('vaultId'),
      dedupSeconds: 86_400,
      tags: ['T1555'],
      runbook: 'Check the token’s grants: a new vault access is either a planned change or a leak.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a read in another vault',
          before: month,
          events: [{ ...request({ vaultId: 'vault-finance' }), at: AT }],
          expect: { alerts: 1, severity: 'medium' },
        },
      ],
      negative: [
        {
          name: 'the usual vault, and a denied read elsewhere',
          before: month,
          events: [
            { ...request(), at: AT },
            { ...request({ vaultId: 'vault-finance', result: 'DENY' }), at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.write_delete',
    definition: define({
      name: 'Connect token starts writing or deleting',
      description:
        'A Connect token creates, updates or deletes items when it has not done so in 30 days, once past its first 7 days.',
      kind: 'new_value',
      severity: 'medium',
      streams: ['connect_activity'],
      filter: {
        all: [NOT_DENIED, { field: 'action', op: 'in', value: ['CREATE', 'UPDATE', 'DELETE'] }],
      },
      groupBy: ['actorId'],
      params: connectNewValue('action'),
      dedupSeconds: 86_400,
      tags: ['T1485', 'T1565'],
      runbook:
        'A read-only deployment that starts writing is either a new release or misuse: ask its owner.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a first delete by a read-only token',
          before: month,
          events: [{ ...request({ action: 'DELETE', itemId: 'i1' }), at: AT }],
          expect: { alerts: 1, explains: ['DELETE, an action not seen for token jti-ci'] },
        },
      ],
      negative: [
        {
          name: 'a writer token updating as it does every day',
          before: series(30, daysBefore(AT, 30), 86_400, request({ action: 'UPDATE' })),
          events: [{ ...request({ action: 'UPDATE' }), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.delete_burst',
    definition: define({
      name: 'Connect deletion burst',
      description:
        'A Connect token deletes 10 or more items within 10 minutes (more than twice its usual burst where deleting in bursts is its routine).',
      kind: 'threshold',
      severity: 'high',
      streams: ['connect_activity'],
      filter: {
        all: [
          { field: 'action', op: 'eq', value: 'DELETE' },
          { field: 'result', op: 'eq', value: 'SUCCESS' },
        ],
      },
      groupBy: ['actorId'],
      params: {
        windowSeconds: 600,
        threshold: 10,
        routine: { entity: 'connect_token', baselineDays: 28, minDays: 3, factor: 2 },
      },
      tags: ['T1485'],
      runbook:
        'Revoke the token if the deletions were not planned; restore items from their history.',
    }),
    fixtures: {
      positive: [
        {
          name: '12 deletions in two minutes',
          events: series(12, AT, 10, (i) => request({ action: 'DELETE', itemId: `i${i}` })),
          expect: { alerts: 1, severity: 'high', fingerprints: ['10'] },
        },
      ],
      negative: [
        {
          name: 'a nightly clean-up of 40 deletions at its usual hour',
          baselines: [deployRoutine(40, 'DELETE')],
          events: series(40, '2025-03-20T02:05:00.000Z', 5, (i) =>
            request({ action: 'DELETE', itemId: `i${i}` }),
          ),
          expect: { alerts: 0 },
        },
        {
          name: 'nine deletions',
          events: series(9, AT, 10, (i) => request({ action: 'DELETE', itemId: `i${i}` })),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.connect.unknown_token',
    requiresLists: ['@knownConnectTokens'],
    definition: define({
      name: 'Unknown Connect token',
      description:
        'A Connect request by a token id (jti) not in @knownConnectTokens. Fill the list with your tokens, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'medium',
      streams: ['connect_activity'],
      filter: {
        all: [
          { field: 'actorType', op: 'eq', value: 'connect_token' },
          { not: { field: 'actorId', op: 'in', value: '@knownConnectTokens' } },
        ],
      },
      groupBy: ['actorId'],
      dedupSeconds: 86_400,
      tags: ['T1528'],
      runbook: 'Find who issued the token (1Password Integrations); revoke it if nobody owns it.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a token nobody registered',
          lists: { '@knownConnectTokens': ['jti-prod'] },
          events: [{ ...request(), at: AT }],
          expect: { alerts: 1, explains: [`token ${ci.actorId}`] },
        },
      ],
      negative: [
        {
          name: 'a registered token',
          lists: { '@knownConnectTokens': [ci.actorId] },
          events: [{ ...request(), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
