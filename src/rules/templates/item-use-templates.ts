import { daysBefore, define, series, user, type BuiltInTemplate } from './built-in-template';

const AT = '2025-03-20T14:00:00.000Z';
const alice = user('alice');
const HOME_IP = '203.0.113.10';
const PEOPLE_ONLY = [{ field: 'actorEmail', list: '@serviceAccounts' }];

/** A month of daily fills and reveals from home. */
const month = series(60, daysBefore(AT, 30), 43_200, (i) => ({
  ...alice,
  action: i % 2 ? 'reveal' : 'fill',
  ip: HOME_IP,
}));

export const ITEM_USE_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.item.export',
    definition: define({
      name: 'Item export',
      description:
        'A user exported an item (one alert per user per hour; many exports: bulk export).',
      kind: 'match',
      severity: 'high',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'export' },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      dedupSeconds: 3600,
      tags: ['T1555.005', 'TA0010'],
      runbook: 'Confirm with the user that the export was intended and where the file went.',
    }),
    fixtures: {
      positive: [
        {
          name: 'an item exported',
          events: [{ ...alice, action: 'export', itemId: 'i1', at: AT }],
          expect: {
            alerts: 1,
            severity: 'high',
            explains: ['alice@acme.example export on item i1'],
          },
        },
      ],
      negative: [
        {
          name: 'a reveal, a copy',
          events: [
            { ...alice, action: 'reveal', at: AT },
            { ...alice, action: 'secure-copy', at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.share',
    definition: define({
      name: 'Item shared',
      description: 'A user shared an item (item usage share, or an audit share on an item).',
      kind: 'match',
      severity: 'medium',
      streams: ['item_usage', 'audit_event'],
      filter: {
        any: [
          {
            all: [
              { field: 'stream', op: 'eq', value: 'item_usage' },
              { field: 'action', op: 'eq', value: 'share' },
            ],
          },
          {
            all: [
              { field: 'stream', op: 'eq', value: 'audit_event' },
              { field: 'action', op: 'eq', value: 'share' },
              { field: 'objectType', op: 'eq', value: 'item' },
            ],
          },
        ],
      },
      allowLists: PEOPLE_ONLY,
      dedupSeconds: 3600,
      tags: ['T1567', 'TA0010'],
      runbook: 'Check what was shared and with whom; delete the share link if it was not intended.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a share from the app, and one in the audit log',
          events: [
            { ...alice, action: 'share', itemId: 'i1', at: AT },
            {
              ...alice,
              stream: 'audit_event',
              action: 'share',
              objectType: 'item',
              objectId: 'i2',
              at: AT,
            },
          ],
          expect: { alerts: 2 },
        },
      ],
      negative: [
        {
          name: 'a share link deleted, and a vault share change',
          events: [
            { ...alice, stream: 'audit_event', action: 'delshare', objectType: 'item', at: AT },
            { ...alice, stream: 'audit_event', action: 'share', objectType: 'vault', at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.new_action_for_user',
    definition: define({
      name: 'New item action for a user',
      description:
        'A user performs an item action (other than fill) not seen for them in 28 days, once past their first 7 days.',
      kind: 'new_value',
      severity: 'low',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'neq', value: 'fill' },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      params: { entity: 'user', field: 'action', learningDays: 7, forgetAfterDays: 28 },
      dedupSeconds: 86_400,
      tags: ['T1555.005'],
      runbook:
        'A first export or share deserves a question to the user; a first reveal rarely does.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a first export after a month of fills and reveals',
          before: month,
          events: [{ ...alice, action: 'export', at: AT }],
          expect: { alerts: 1, explains: ['export, an action not seen for alice@acme.example'] },
        },
      ],
      negative: [
        {
          name: 'a reveal as usual, and a first fill-like action ignored',
          before: month,
          events: [{ ...alice, action: 'reveal', at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.access_new_ip',
    definition: define({
      name: 'Secret extracted from a new IP',
      description:
        'A user reveals, copies, exports or shares a secret from an IP address not seen for them in 90 days (or first seen less than a day before, by another event such as a sign-in), once past their first 14 days.',
      kind: 'new_value',
      severity: 'low',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'in', value: ['reveal', 'secure-copy', 'export', 'share'] },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      params: { entity: 'user', field: 'ip', learningDays: 14, forgetAfterDays: 90 },
      dedupSeconds: 86_400,
      tags: ['T1078', 'T1555.005'],
      runbook:
        'Read it with the sign-in alerts of the user: a new IP then extraction is a takeover pattern.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a sign-in from a new address, then a reveal from it',
          before: [
            ...month,
            {
              ...alice,
              stream: 'signin_attempt',
              action: 'signin',
              result: 'success',
              ip: '198.51.100.9',
              at: AT,
            },
          ],
          events: [
            { ...alice, action: 'reveal', ip: '198.51.100.9', at: '2025-03-20T14:02:00.000Z' },
          ],
          expect: { alerts: 1, explains: ['first seen only 2 minutes before'] },
        },
      ],
      negative: [
        {
          name: 'a reveal from home, and a fill from a new address',
          before: month,
          events: [
            { ...alice, action: 'reveal', ip: HOME_IP, at: AT },
            { ...alice, action: 'fill', ip: '198.51.100.9', at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.edit_mode',
    requiresLists: ['@privilegedVaults'],
    definition: define({
      name: 'Edit of a privileged item',
      description:
        'A user opened an item of a privileged vault for editing. Fill @privilegedVaults, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'low',
      streams: ['item_usage'],
      filter: {
        all: [
          { field: 'action', op: 'eq', value: 'enter-item-edit-mode' },
          { field: 'vaultId', op: 'in', value: '@privilegedVaults' },
        ],
      },
      dedupSeconds: 3600,
      tags: ['T1098'],
      runbook: 'Confirm the change was planned; compare the item versions.',
    }),
    fixtures: {
      positive: [
        {
          name: 'edit mode in a privileged vault',
          lists: { '@privilegedVaults': ['vault-root'] },
          events: [{ ...alice, action: 'enter-item-edit-mode', vaultId: 'vault-root', at: AT }],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'edit mode elsewhere',
          lists: { '@privilegedVaults': ['vault-root'] },
          events: [{ ...alice, action: 'enter-item-edit-mode', vaultId: 'vault-team', at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
