import { define, user, type BuiltInTemplate, type EventSpec } from './built-in-template';

const alice = user('alice');
const admin = user('admin');

const exportOf = (at: string): EventSpec => ({
  ...alice,
  stream: 'item_usage',
  action: 'export',
  itemId: 'i1',
  at,
});
const vaultExportOf = (at: string): EventSpec => ({
  ...alice,
  stream: 'audit_event',
  action: 'export',
  objectType: 'vault',
  objectId: 'vault-1',
  at,
});
const suspension = (at: string, action = 'suspend'): EventSpec => ({
  ...admin,
  stream: 'audit_event',
  action,
  objectType: 'user',
  objectId: alice.actorId,
  at,
});

export const SEQUENCE_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.seq.export_before_offboarding',
    definition: define({
      name: 'Export before offboarding',
      description:
        'A user exported items or a vault, then was suspended or deleted within 14 days: data taken on the way out.',
      kind: 'sequence',
      severity: 'medium',
      streams: ['item_usage', 'audit_event'],
      params: {
        mode: 'retro',
        withinSeconds: 14 * 86_400,
        stages: [
          {
            name: 'export',
            streams: ['item_usage', 'audit_event'],
            filter: {
              any: [
                {
                  all: [
                    { field: 'stream', op: 'eq', value: 'item_usage' },
                    { field: 'action', op: 'eq', value: 'export' },
                  ],
                },
                {
                  all: [
                    { field: 'action', op: 'eq', value: 'export' },
                    { field: 'objectType', op: 'eq', value: 'vault' },
                  ],
                },
              ],
            },
            key: 'actorId',
          },
          {
            name: 'offboarding',
            streams: ['audit_event'],
            filter: {
              all: [
                { field: 'action', op: 'in', value: ['suspend', 'delete'] },
                { field: 'objectType', op: 'eq', value: 'user' },
              ],
            },
            key: 'objectId',
          },
        ],
      },
      tags: ['TA0010'],
      runbook: 'Find what was exported and tell the data owner; rotate the exported secrets.',
    }),
    fixtures: {
      positive: [
        {
          name: 'an export, then the user is suspended 10 days later',
          events: [exportOf('2025-03-01T10:00:00.000Z'), suspension('2025-03-11T09:00:00.000Z')],
          expect: {
            alerts: 1,
            fingerprints: ['2'],
            explains: [
              'export then offboarding for alice@acme.example 10 days apart (limit 14 days)',
            ],
          },
        },
        {
          name: 'a vault export stored late, after the deletion',
          before: [suspension('2025-03-11T09:00:00.000Z', 'delete')],
          events: [vaultExportOf('2025-03-05T10:00:00.000Z')],
          expect: { alerts: 1, fingerprints: ['1'] },
        },
      ],
      negative: [
        {
          name: 'suspended 20 days after the export',
          events: [exportOf('2025-03-01T10:00:00.000Z'), suspension('2025-03-21T10:00:00.000Z')],
          expect: { alerts: 0 },
        },
        {
          name: 'suspended, then an export (wrong order), and a reactivation',
          events: [
            suspension('2025-03-01T10:00:00.000Z'),
            exportOf('2025-03-02T10:00:00.000Z'),
            suspension('2025-03-03T10:00:00.000Z', 'reactivate'),
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];

export const HEALTH_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.health.stream_silent',
    definition: define({
      name: 'Source silent',
      description:
        'A source had no successful poll for an hour: a revoked token, a broken collector, or an unreachable Connect server.',
      kind: 'heartbeat',
      severity: 'medium',
      groupBy: [],
      params: { sources: [], maxSilenceSeconds: 3600 },
      runbook:
        'Open GET /api/v1/sources to see the last error; rotate the token if it was refused.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a failing Events API source, silent for two hours',
          now: '2025-03-20T12:00:00.000Z',
          sources: [
            {
              id: 'events:signin_attempt',
              state: 'failing',
              lastSuccessAt: '2025-03-20T10:00:00.000Z',
              createdAt: '2025-03-01T00:00:00.000Z',
            },
          ],
          events: [],
          expect: { alerts: 1, explains: ['no successful poll since 2025-03-20T10:00:00Z'] },
        },
      ],
      negative: [
        {
          name: 'a source polled 10 minutes ago, and a disabled one',
          now: '2025-03-20T12:00:00.000Z',
          sources: [
            {
              id: 'events:item_usage',
              state: 'idle',
              lastSuccessAt: '2025-03-20T11:50:00.000Z',
              createdAt: '2025-03-01T00:00:00.000Z',
            },
            {
              id: 'events:audit_event',
              state: 'disabled',
              lastSuccessAt: null,
              createdAt: '2025-03-01T00:00:00.000Z',
            },
          ],
          events: [],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
