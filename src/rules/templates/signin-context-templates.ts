import { daysBefore, define, series, user, type BuiltInTemplate } from './built-in-template';
import { signin } from './signin-templates';

const AT = '2025-03-20T14:00:00.000Z';
const alice = user('alice');
const HOME_IP = '203.0.113.10';

/** A month of daily sign-ins from home with the desktop app. */
const month = series(
  30,
  daysBefore(AT, 30),
  86_400,
  signin({ ip: HOME_IP, clientApp: '1Password for Mac' }),
);

export const SIGNIN_CONTEXT_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.signin.new_ip_for_user',
    definition: define({
      name: 'Sign-in from a new IP',
      description:
        'A successful sign-in from an IP address not seen for the user in 90 days, once past their first 14 days.',
      kind: 'new_value',
      severity: 'low',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'success' },
      groupBy: ['actorId'],
      allowLists: [{ field: 'actorEmail', list: '@serviceAccounts' }],
      // Only successful sign-ins teach sign-in IPs, and the rule judges exactly those.
      params: {
        entity: 'user',
        field: 'ip',
        learningDays: 14,
        forgetAfterDays: 90,
        newForHours: 0,
      },
      dedupSeconds: 86_400,
      tags: ['T1078'],
      runbook:
        'Low on its own; look at it next to other alerts for the user (new country, exports, shares).',
    }),
    fixtures: {
      positive: [
        {
          name: 'a success from an address never seen',
          before: month,
          events: [{ ...signin({ ip: '198.51.100.9' }), at: AT }],
          expect: { alerts: 1, explains: ['an IP address not seen for alice@acme.example'] },
        },
      ],
      negative: [
        {
          name: 'the usual address, and a failure from a new one',
          before: month,
          events: [
            { ...signin({ ip: HOME_IP }), at: AT },
            { ...signin({ ip: '198.51.100.9', result: 'credentials_failed' }), at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.unusual_client',
    definition: define({
      name: 'Sign-in with an unusual client',
      description:
        'A successful sign-in with a client app not seen for the user in 90 days, once past their first 30 days.',
      kind: 'new_value',
      // Judged per user, not per account as the catalogue suggests (a new phone is ordinary):
      // low, a signal to read with others.
      severity: 'low',
      streams: ['signin_attempt'],
      filter: { field: 'result', op: 'eq', value: 'success' },
      groupBy: ['actorId'],
      allowLists: [{ field: 'actorEmail', list: '@serviceAccounts' }],
      params: {
        entity: 'user',
        field: 'clientApp',
        learningDays: 30,
        forgetAfterDays: 90,
        newForHours: 0,
      },
      dedupSeconds: 86_400,
      tags: ['T1078'],
      runbook: 'Ask the user whether they installed a new 1Password app or used the CLI.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a sign-in with a scripted client after 40 days of the desktop app',
          before: series(
            40,
            daysBefore(AT, 40),
            86_400,
            signin({ clientApp: '1Password for Mac' }),
          ),
          events: [{ ...signin({ clientApp: 'python-requests' }), at: AT }],
          expect: { alerts: 1, explains: ['using python-requests, a client app not seen'] },
        },
      ],
      negative: [
        {
          name: 'the usual app, and a new app for a user still learning',
          before: series(
            10,
            daysBefore(AT, 10),
            86_400,
            signin({ clientApp: '1Password for Mac' }),
          ),
          events: [
            { ...signin({ clientApp: '1Password for Mac' }), at: AT },
            { ...signin({ clientApp: '1Password for iOS' }), at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.untrusted_network',
    requiresLists: ['@trustedNetworks'],
    definition: define({
      name: 'Sign-in outside trusted networks',
      description:
        'A successful sign-in from an address outside @trustedNetworks. Fill the list with office and VPN ranges, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'low',
      streams: ['signin_attempt'],
      filter: {
        all: [
          { field: 'result', op: 'eq', value: 'success' },
          { field: 'ip', op: 'exists' },
          { not: { field: 'ip', op: 'cidr', value: '@trustedNetworks' } },
        ],
      },
      dedupSeconds: 86_400,
      tags: ['T1078'],
      runbook: 'Confirm with the user where they signed in from.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a sign-in from a home address',
          lists: { '@trustedNetworks': ['192.0.2.0/24'] },
          events: [{ ...signin({ ip: HOME_IP }), at: AT }],
          expect: { alerts: 1 },
        },
      ],
      negative: [
        {
          name: 'a sign-in from the office, and a failure from outside',
          lists: { '@trustedNetworks': ['192.0.2.0/24'] },
          events: [
            { ...signin({ ip: '192.0.2.44' }), at: AT },
            { ...signin({ ip: HOME_IP, result: 'credentials_failed' }), at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.signin.threat_ip',
    requiresLists: ['@torExitNodes', '@threatIntel'],
    definition: define({
      name: 'Activity from a Tor exit or threat-intel address',
      description:
        'A sign-in, item use, audit event or Connect request from an address in @torExitNodes (medium) or @threatIntel (high). Fill the lists from your feeds, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'medium',
      streams: ['signin_attempt', 'item_usage', 'audit_event', 'connect_activity'],
      filter: {
        any: [
          { field: 'ip', op: 'cidr', value: '@torExitNodes' },
          { field: 'ip', op: 'cidr', value: '@threatIntel' },
        ],
      },
      escalations: [
        { filter: { field: 'ip', op: 'cidr', value: '@threatIntel' }, severity: 'high' },
      ],
      dedupSeconds: 3600,
      tags: ['T1090.003', 'T1078'],
      runbook:
        'Revoke the sessions or token involved, then find how the credentials were obtained.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a sign-in from a known-bad address is high',
          lists: { '@torExitNodes': ['185.220.101.0/24'], '@threatIntel': ['198.51.100.66'] },
          events: [{ ...signin({ ip: '198.51.100.66' }), at: AT }],
          expect: { alerts: 1, severity: 'high' },
        },
        {
          name: 'a reveal through Tor is medium',
          lists: { '@torExitNodes': ['185.220.101.0/24'] },
          events: [{ ...alice, action: 'reveal', ip: '185.220.101.7', at: AT }],
          expect: { alerts: 1, severity: 'medium' },
        },
      ],
      negative: [
        {
          name: 'an ordinary address',
          lists: { '@torExitNodes': ['185.220.101.0/24'], '@threatIntel': ['198.51.100.66'] },
          events: [{ ...signin({ ip: HOME_IP }), at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
