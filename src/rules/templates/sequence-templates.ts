import {
  daysBefore,
  define,
  series,
  user,
  type BuiltInTemplate,
  type EventSpec,
} from './built-in-template';

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

/** An item usage export or a vault export (audit): what the export sequences look for. */
const EXPORT_FILTER = {
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
};

const EXTRACTING = ['reveal', 'secure-copy', 'server-fetch', 'export'];

const activation = (at: string): EventSpec => ({
  ...admin,
  stream: 'audit_event',
  action: 'activate',
  objectType: 'user',
  objectId: alice.actorId,
  at,
});
const selfGrant = (at: string, auxId: string = alice.actorId): EventSpec => ({
  ...alice,
  stream: 'audit_event',
  action: 'grant',
  objectType: 'uva',
  objectId: 'vault-root',
  auxId,
  at,
});
const reveal = (at: string, action = 'reveal'): EventSpec => ({
  ...alice,
  stream: 'item_usage',
  action,
  vaultId: 'vault-root',
  itemId: 'i9',
  at,
});

export const MORE_SEQUENCE_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.seq.export_after_activation',
    definition: define({
      name: 'Export soon after activation',
      description: 'A newly activated account exports items or a vault within 14 days.',
      kind: 'sequence',
      severity: 'medium',
      streams: ['item_usage', 'audit_event'],
      params: {
        mode: 'forward',
        withinSeconds: 14 * 86_400,
        stages: [
          {
            name: 'activation',
            streams: ['audit_event'],
            filter: {
              all: [
                { field: 'action', op: 'eq', value: 'activate' },
                { field: 'objectType', op: 'eq', value: 'user' },
              ],
            },
            key: 'objectId',
          },
          {
            name: 'export',
            streams: ['item_usage', 'audit_event'],
            filter: EXPORT_FILTER,
            key: 'actorId',
          },
        ],
      },
      tags: ['TA0010', 'T1555.005'],
      runbook: 'Ask the new user and their manager why they exported so soon; check what left.',
    }),
    fixtures: {
      positive: [
        {
          name: 'activated, then a vault export three days later',
          events: [
            activation('2025-03-01T10:00:00.000Z'),
            vaultExportOf('2025-03-04T10:00:00.000Z'),
          ],
          expect: {
            alerts: 1,
            fingerprints: ['2'],
            explains: ['activation then export for alice@acme.example'],
          },
        },
      ],
      negative: [
        {
          name: 'an export 20 days after activation, and one by someone else',
          events: [
            activation('2025-03-01T10:00:00.000Z'),
            exportOf('2025-03-21T10:00:00.000Z'),
            { ...exportOf('2025-03-02T10:00:00.000Z'), ...admin },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.seq.self_grant_then_extraction',
    definition: define({
      name: 'Self-grant then secret extraction',
      description:
        'A user grants themself vault access, then reveals, copies, fetches or exports a secret within an hour (joined on the user; any vault).',
      kind: 'sequence',
      severity: 'high',
      streams: ['item_usage', 'audit_event'],
      params: {
        mode: 'forward',
        withinSeconds: 3600,
        stages: [
          {
            name: 'self-grant',
            streams: ['audit_event'],
            filter: {
              all: [
                { field: 'action', op: 'in', value: ['grant', 'update'] },
                { field: 'objectType', op: 'eq', value: 'uva' },
                { field: 'actorId', op: 'eqField', value: 'auxId' },
              ],
            },
            key: 'actorId',
          },
          {
            name: 'extraction',
            streams: ['item_usage'],
            filter: { field: 'action', op: 'in', value: EXTRACTING },
            key: 'actorId',
          },
        ],
      },
      tags: ['T1098', 'T1555.005'],
      runbook: 'Revert the grant, ask the user and their manager, and rotate what was extracted.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a self-grant, then a reveal 20 minutes later',
          events: [selfGrant('2025-03-20T10:00:00.000Z'), reveal('2025-03-20T10:20:00.000Z')],
          expect: { alerts: 1, fingerprints: ['2'] },
        },
        {
          name: 'the reveal stored late, before the grant',
          events: [
            reveal('2025-03-20T10:30:00.000Z', 'secure-copy'),
            selfGrant('2025-03-20T10:00:00.000Z'),
          ],
          expect: { alerts: 1, fingerprints: ['1'] },
        },
      ],
      negative: [
        {
          name: 'access granted by someone else, then a reveal; a fill after a self-grant',
          events: [
            { ...selfGrant('2025-03-20T10:00:00.000Z', 'U-BOB') },
            reveal('2025-03-20T10:10:00.000Z'),
            selfGrant('2025-03-21T10:00:00.000Z'),
            reveal('2025-03-21T10:10:00.000Z', 'fill'),
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.seq.new_ip_then_sensitive',
    definition: define({
      name: 'New IP then export or share',
      description:
        'A user exports or shares an item from an IP address first seen for them less than an hour before (the sign-in of a takeover) or never seen, once past their first 14 days.',
      // Expressed as a new value: the address must be new to the user and first brought by
      // another event (a sign-in) within the hour, or not seen at all.
      kind: 'new_value',
      severity: 'high',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'in', value: ['export', 'share'] },
      groupBy: ['actorId'],
      allowLists: [{ field: 'actorEmail', list: '@serviceAccounts' }],
      params: {
        entity: 'user',
        field: 'ip',
        learningDays: 14,
        forgetAfterDays: 90,
        newForHours: 1,
      },
      tags: ['T1078', 'TA0010'],
      runbook:
        'Treat as a takeover until the user confirms: revoke sessions, reset credentials, find what was exported or shared.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a sign-in from a new IP, then an export from it',
          before: [
            ...series(30, daysBefore('2025-03-20T10:00:00.000Z', 30), 86_400, {
              ...alice,
              action: 'reveal',
              ip: '203.0.113.10',
            }),
            {
              ...alice,
              stream: 'signin_attempt',
              action: 'signin',
              result: 'success',
              ip: '198.51.100.9',
              at: '2025-03-20T10:00:00.000Z',
            },
          ],
          events: [{ ...exportOf('2025-03-20T10:05:00.000Z'), ip: '198.51.100.9' }],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'an export from the usual address; an export two hours after a new-IP sign-in',
          before: [
            ...series(30, daysBefore('2025-03-20T10:00:00.000Z', 30), 86_400, {
              ...alice,
              action: 'reveal',
              ip: '203.0.113.10',
            }),
            {
              ...alice,
              stream: 'signin_attempt',
              action: 'signin',
              result: 'success',
              ip: '198.51.100.9',
              at: '2025-03-20T08:00:00.000Z',
            },
          ],
          events: [
            { ...exportOf('2025-03-20T10:00:00.000Z'), ip: '203.0.113.10' },
            { ...exportOf('2025-03-20T10:01:00.000Z'), ip: '198.51.100.9' },
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
