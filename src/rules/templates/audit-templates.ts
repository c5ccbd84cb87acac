import { define, user, type BuiltInTemplate, type EventSpec } from './built-in-template';

const AT = '2025-03-20T02:13:00.000Z';
export const owner = user('olivia');
const ACCOUNT = 'ACCOUNT-UUID';

export const audit = (
  action: string,
  objectType: string,
  extra: Partial<EventSpec> = {},
): EventSpec => ({
  stream: 'audit_event',
  ...owner,
  action,
  objectType,
  objectId: objectType === 'account' ? ACCOUNT : 'OBJECT-1',
  ip: '203.0.113.40',
  country: 'CA',
  at: AT,
  ...extra,
});

const onAccount = (actions: string[]) => ({
  all: [
    { field: 'action', op: 'in', value: actions },
    { field: 'objectType', op: 'eq', value: 'account' },
  ],
});

export const AUDIT_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.audit.account_mfa_disabled',
    definition: define({
      name: 'Account MFA disabled',
      description: 'A second-factor type (or Duo) was disabled for the whole account.',
      kind: 'match',
      severity: 'high',
      streams: ['audit_event'],
      filter: onAccount(['disblmfa', 'disblduo']),
      tags: ['T1556.006'],
      runbook:
        'Confirm the change with the administrator who made it; re-enable MFA if it was not planned.',
    }),
    fixtures: {
      positive: [
        {
          name: 'TOTP disabled for the account',
          events: [audit('disblmfa', 'account')],
          expect: {
            alerts: 1,
            severity: 'high',
            fingerprints: ['1'],
            explains: [
              'Account MFA disabled: olivia@acme.example disblmfa on account ACCOUNT-UUID',
            ],
          },
        },
        { name: 'Duo disabled', events: [audit('disblduo', 'account')], expect: { alerts: 1 } },
      ],
      negative: [
        {
          name: "a user's own MFA change, and MFA enabled",
          events: [audit('disblmfa', 'user'), audit('enblmfa', 'account')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.firewall_changed',
    definition: define({
      name: 'Sign-in firewall rules changed',
      description: "The account's sign-in firewall rules were updated.",
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: onAccount(['updatfw']),
      tags: ['T1562'],
      runbook: 'Review the new firewall rules with the administrator who changed them.',
    }),
    fixtures: {
      positive: [
        { name: 'firewall updated', events: [audit('updatfw', 'account')], expect: { alerts: 1 } },
      ],
      negative: [
        {
          name: 'other account changes',
          events: [audit('update', 'account'), audit('updatfw', 'vault')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.sso_changed',
    definition: define({
      name: 'SSO configuration changed',
      description: 'Single sign-on was enabled, disabled or reconfigured; disabling it is high.',
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: {
        all: [
          { field: 'objectType', op: 'eq', value: 'sso' },
          {
            field: 'action',
            op: 'in',
            value: [
              'enblsso',
              'disblsso',
              'chngpsso',
              'chngasso',
              'chngdsso',
              'addgsso',
              'delgsso',
            ],
          },
        ],
      },
      escalations: [{ filter: { field: 'action', op: 'eq', value: 'disblsso' }, severity: 'high' }],
      tags: ['T1556'],
      runbook: 'Confirm the change with the identity team.',
    }),
    fixtures: {
      positive: [
        {
          name: 'SSO provider changed',
          events: [audit('chngpsso', 'sso')],
          expect: { alerts: 1, severity: 'medium' },
        },
        {
          name: 'SSO disabled',
          events: [audit('disblsso', 'sso')],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'another object',
          events: [audit('update', 'sso'), audit('enblsso', 'account')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.vault_export',
    definition: define({
      name: 'Vault exported',
      description: 'A whole vault was exported.',
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: {
        all: [
          { field: 'action', op: 'eq', value: 'export' },
          { field: 'objectType', op: 'eq', value: 'vault' },
        ],
      },
      escalations: [
        { filter: { field: 'objectId', op: 'in', value: '@privilegedVaults' }, severity: 'high' },
      ],
      tags: ['T1555.005', 'TA0010'],
      runbook: 'Confirm with the user that the export was intended and where the file went.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a vault export',
          events: [audit('export', 'vault')],
          expect: { alerts: 1, severity: 'medium' },
        },
        {
          name: 'a privileged vault export is high',
          lists: { '@privilegedVaults': ['OBJECT-1'] },
          events: [audit('export', 'vault')],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'an item export, a vault update',
          events: [audit('export', 'item'), audit('update', 'vault')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.self_privilege_escalation',
    definition: define({
      name: 'Self privilege escalation',
      description:
        'A user changed their own vault access (grant or update on uva) or group role (join or role on gm).',
      kind: 'match',
      severity: 'high',
      streams: ['audit_event'],
      filter: {
        all: [
          {
            any: [
              {
                all: [
                  { field: 'action', op: 'in', value: ['grant', 'update'] },
                  { field: 'objectType', op: 'eq', value: 'uva' },
                ],
              },
              {
                all: [
                  { field: 'action', op: 'in', value: ['join', 'role'] },
                  { field: 'objectType', op: 'eq', value: 'gm' },
                ],
              },
            ],
          },
          { field: 'actorId', op: 'eqField', value: 'auxId' },
        ],
      },
      tags: ['T1098'],
      runbook:
        'Self-granted access is rarely legitimate: confirm with the user and their manager, then revert it.',
    }),
    fixtures: {
      positive: [
        {
          name: 'an owner grants themself access to a vault',
          events: [audit('grant', 'uva', { auxId: owner.actorId })],
          expect: { alerts: 1, severity: 'high', explains: ['(on themself)'] },
        },
        {
          name: 'an admin gives themself a manager role in a group',
          events: [audit('role', 'gm', { auxId: owner.actorId })],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'access granted to someone else, or a self revoke',
          events: [
            audit('grant', 'uva', { auxId: 'U-BOB' }),
            audit('revoke', 'uva', { auxId: owner.actorId }),
            audit('join', 'gm', { auxId: null }),
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.vault_access_changed',
    definition: define({
      name: 'Vault access changed',
      description:
        "A user's or group's vault permissions were granted, revoked or changed by someone else; high on a privileged vault.",
      kind: 'match',
      severity: 'low',
      streams: ['audit_event'],
      filter: {
        all: [
          { field: 'action', op: 'in', value: ['grant', 'revoke', 'update'] },
          { field: 'objectType', op: 'in', value: ['uva', 'gva'] },
          { not: { field: 'actorId', op: 'eqField', value: 'auxId' } },
        ],
      },
      escalations: [
        { filter: { field: 'objectId', op: 'in', value: '@privilegedVaults' }, severity: 'high' },
      ],
      tags: ['T1098'],
    }),
    fixtures: {
      positive: [
        {
          name: 'access granted to Bob on a privileged vault',
          lists: { '@privilegedVaults': ['OBJECT-1'] },
          events: [audit('grant', 'uva', { auxId: 'U-BOB' })],
          expect: { alerts: 1, severity: 'high' },
        },
      ],
      negative: [
        {
          name: 'a self grant (its own template)',
          events: [audit('grant', 'uva', { auxId: owner.actorId })],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.service_account_token',
    definition: define({
      name: 'Service account token changed',
      description: 'A service account token was created, renamed, verified or revoked.',
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: {
        all: [
          { field: 'action', op: 'in', value: ['create', 'trename', 'tverify', 'trevoke'] },
          { field: 'objectType', op: 'eq', value: 'satoken' },
        ],
      },
      tags: ['T1098.001'],
    }),
    fixtures: {
      positive: [
        { name: 'a token created', events: [audit('create', 'satoken')], expect: { alerts: 1 } },
      ],
      negative: [
        {
          name: 'a service account updated',
          events: [audit('update', 'sa')],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.audit.admin_account_recovery',
    definition: define({
      name: 'Account recovery started',
      description: 'An administrator began recovering another user’s account.',
      kind: 'match',
      severity: 'medium',
      streams: ['audit_event'],
      filter: {
        all: [
          { field: 'action', op: 'eq', value: 'beginr' },
          { field: 'objectType', op: 'eq', value: 'user' },
        ],
      },
      tags: ['T1098'],
    }),
    fixtures: {
      positive: [
        { name: 'recovery begun', events: [audit('beginr', 'user')], expect: { alerts: 1 } },
      ],
      negative: [
        { name: 'recovery completed', events: [audit('completr', 'user')], expect: { alerts: 0 } },
      ],
    },
  },
];
