import { daysBefore, define, series, type BuiltInTemplate } from './built-in-template';
import { audit, owner } from './audit-templates';

const onObject = (actions: string[], objectType: string) => ({
  all: [
    { field: 'action', op: 'in', value: actions },
    { field: 'objectType', op: 'eq', value: objectType },
  ],
});

export const AUDIT_IDENTITY_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.audit.user_mfa_changed',
    definition: define({
      name: 'User MFA changed',
      description:
        "A user's two-factor settings were enabled, updated or disabled; disabling is high.",
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: onObject(['enblmfa', 'updatmfa', 'disblmfa'], 'user'),
      escalations: [{ filter: { field: 'action', op: 'eq', value: 'disblmfa' }, severity: 'high' }],
      tags: ['T1556.006'],
      runbook:
        'Confirm with the user; a disabled second factor right after a new-IP sign-in is a takeover.',
    }),
    fixtures: {
      positive: [
        {
          name: 'MFA updated',
          events: [audit('updatmfa', 'user')],
          expect: { alerts: 1, severity: 'medium' },
        },
        {
          name: 'MFA disabled',
          events: [audit('disblmfa', 'user')],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'account-wide MFA (its own template), a user updated',
          events: [audit('disblmfa', 'account'), audit('update', 'user')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.service_account_created',
    definition: define({
      name: 'Service account created',
      description: 'A new service account was created.',
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: onObject(['create'], 'sa'),
      tags: ['T1136', 'T1098.001'],
      runbook: 'Confirm who needs the service account and which vaults it may read.',
    }),
    fixtures: {
      positive: [{ name: 'created', events: [audit('create', 'sa')], expect: { alerts: 1 } }],
      negative: [
        {
          name: 'a token of one created',
          events: [audit('create', 'satoken')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.manual_invite',
    requiresLists: ['@serviceAccounts'],
    definition: define({
      name: 'Manual invitation',
      description:
        'Someone invited a user by hand instead of through SCIM provisioning. Put the SCIM bridge actor in @serviceAccounts, then enable (only useful where SCIM provisions users).',
      kind: 'match',
      enabled: false,
      severity: 'medium',
      streams: ['audit_event'],
      filter: onObject(['create'], 'invite'),
      allowLists: [
        { field: 'actorEmail', list: '@serviceAccounts' },
        { field: 'actorId', list: '@serviceAccounts' },
      ],
      tags: ['T1136'],
      runbook: 'Check the invitation against your onboarding process; revoke it if unexpected.',
    }),
    fixtures: {
      positive: [
        {
          name: 'an owner invites someone',
          lists: { '@serviceAccounts': ['scim@acme.1passwordserviceaccounts.com'] },
          events: [audit('create', 'invite')],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'the SCIM bridge invites someone',
          lists: { '@serviceAccounts': ['scim@acme.1passwordserviceaccounts.com'] },
          events: [
            audit('create', 'invite', {
              actorId: 'U-SCIM',
              actorEmail: 'scim@acme.1passwordserviceaccounts.com',
            }),
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.privileged_group_join',
    requiresLists: ['@privilegedGroups'],
    definition: define({
      name: 'Privileged group joined',
      description:
        'A user was added to, or given a role in, a group of @privilegedGroups (Owners, Administrators…) by someone else. Fill the list with the group ids, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'medium',
      streams: ['audit_event'],
      filter: {
        all: [
          { field: 'action', op: 'in', value: ['join', 'role'] },
          { field: 'objectType', op: 'eq', value: 'gm' },
          { field: 'objectId', op: 'in', value: '@privilegedGroups' },
          { not: { field: 'actorId', op: 'eqField', value: 'auxId' } },
        ],
      },
      tags: ['T1098'],
      runbook: 'Confirm the change with the approver of the group; remove the member if unplanned.',
    }),
    fixtures: {
      positive: [
        {
          name: 'Bob added to Owners',
          lists: { '@privilegedGroups': ['GROUP-OWNERS'] },
          events: [audit('join', 'gm', { objectId: 'GROUP-OWNERS', auxId: 'U-BOB' })],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'Bob added to a team group, and a self join (its own template)',
          lists: { '@privilegedGroups': ['GROUP-OWNERS'] },
          events: [
            audit('join', 'gm', { objectId: 'GROUP-TEAM', auxId: 'U-BOB' }),
            audit('join', 'gm', { objectId: 'GROUP-OWNERS', auxId: owner.actorId }),
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.device_new_action',
    definition: define({
      name: 'Unfamiliar device action',
      description:
        'A user performs a device-authorization action (audit events on devices) not seen for them in 90 days, once past their first 14 days.',
      kind: 'new_value',
      severity: 'low',
      streams: ['audit_event'],
      filter: { field: 'objectType', op: 'eq', value: 'device' },
      groupBy: ['actorId'],
      // The action dimension is shared with the user's other events: a code also used on
      // other objects counts as seen.
      params: { entity: 'user', field: 'action', learningDays: 14, forgetAfterDays: 90 },
      dedupSeconds: 86_400,
      tags: ['T1098.005'],
      runbook: 'Ask the user about the device; deauthorize it if they do not recognise it.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a first device deauthorization after a month of sign-in device activity',
          before: series(30, daysBefore('2025-03-20T02:13:00.000Z', 30), 86_400, () =>
            audit('dauth', 'device'),
          ),
          events: [audit('ddeauth', 'device')],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'the usual device action, and a new action on another object',
          before: series(30, daysBefore('2025-03-20T02:13:00.000Z', 30), 86_400, () =>
            audit('dauth', 'device'),
          ),
          events: [audit('dauth', 'device'), audit('trvlaway', 'user')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.risky_location',
    requiresLists: ['@deniedCountries'],
    definition: define({
      name: 'Admin activity from a denied country',
      description:
        'An audit event (administrative change) from a country in @deniedCountries (Sumo Logic suggests AF, CN, CU, KP, IR, LY, NG, SD, SY, YE). Fill the list, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'high',
      streams: ['audit_event'],
      filter: { field: 'country', op: 'in', value: '@deniedCountries' },
      tags: ['T1078'],
      runbook: 'Treat the session as compromised unless the administrator is known to be there.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a vault change from a denied country',
          lists: { '@deniedCountries': ['KP'] },
          events: [audit('update', 'vault', { country: 'KP' })],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'from elsewhere',
          lists: { '@deniedCountries': ['KP'] },
          events: [audit('update', 'vault')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.candidates',
    definition: define({
      name: 'Rare audit actions',
      description:
        'Audit actions no public rule covers yet: travel mode, domain verification changes, delegated sessions, vault deletion or purge. Shadow mode: recorded, not notified.',
      kind: 'match',
      mode: 'shadow',
      severity: 'low',
      streams: ['audit_event'],
      filter: {
        any: [
          {
            field: 'action',
            op: 'in',
            value: ['trvlaway', 'trvlback', 'vrfydmn', 'uvrfydmn', 'dvrfydmn', 'dlgsess'],
          },
          onObject(['delete', 'purge'], 'vault'),
        ],
      },
      tags: ['T1562'],
      runbook: 'Review, then promote to an active rule the actions that matter to you.',
    }),
    fixtures: {
      positive: [
        {
          name: 'travel mode on, a vault purged',
          events: [audit('trvlaway', 'user'), audit('purge', 'vault')],
          expect: { alerts: 2 },
        },
      ],
      negative: [
        {
          name: 'an item deleted, a vault created',
          events: [audit('delete', 'item'), audit('create', 'vault')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
