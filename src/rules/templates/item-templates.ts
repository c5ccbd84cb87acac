import { hourlyRows } from './fixture-data';
import { daysBefore, define, series, user, type BuiltInTemplate } from './built-in-template';

const AT = '2025-03-20T14:00:00.000Z';
const alice = user('alice');
const bob = user('bob');
const SERVICE_ACCOUNT = {
  actorType: 'user',
  actorId: 'U-SYNC',
  actorEmail: 'sync@acme.1passwordserviceaccounts.com',
} as const;

/** People, not automation: service accounts are ignored (the list is created empty). */
const PEOPLE_ONLY = [{ field: 'actorEmail', list: '@serviceAccounts' }];

/** `perHour` events in each hour of 09:00–17:00 UTC on weekdays, none otherwise. */
const workingHours =
  (perHour: number) =>
  (_i: number, hourStart: number): number => {
    const d = new Date(hourStart);
    const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
    return weekday && d.getUTCHours() >= 9 && d.getUTCHours() < 17 ? perHour : 0;
  };

/** Actions that hand a secret to the user (fill is ordinary use and left out). */
const EXTRACTING = ['reveal', 'secure-copy', 'export', 'share', 'server-fetch'];

export const ITEM_TEMPLATES: BuiltInTemplate[] = [
  {
    templateId: 'op.item.bulk_export',
    definition: define({
      name: 'Bulk item export',
      description: 'One user exports many items within minutes: a likely exfiltration.',
      kind: 'threshold',
      severity: 'high',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'export' },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      params: { windowSeconds: 600, threshold: 20 },
      tags: ['T1555.005', 'TA0010'],
      runbook:
        'Confirm with the user (out of band) that the export was intended. If not: suspend the user, revoke their sessions, and rotate the exported secrets.',
    }),
    fixtures: {
      positive: [
        {
          name: '25 exports 10 s apart fire once, at the 20th',
          events: series(25, AT, 10, (i) => ({ ...alice, action: 'export', itemId: `i${i}` })),
          expect: {
            alerts: 1,
            severity: 'high',
            fingerprints: ['20'],
            explains: ['20 exports by alice@acme.example in 10 minutes (threshold 20)'],
          },
        },
        {
          name: 'a late export makes a stored one the 20th within 10 minutes',
          before: series(19, '2025-03-20T14:01:00.000Z', 10, { ...alice, action: 'export' }),
          events: [{ ...alice, action: 'export', at: '2025-03-20T14:00:30.000Z' }],
          expect: { alerts: 1, fingerprints: ['19'] },
        },
      ],
      negative: [
        {
          name: '19 exports in 10 minutes',
          events: series(19, AT, 10, { ...alice, action: 'export' }),
          expect: { alerts: 0 },
        },
        {
          name: '25 exports over two hours',
          events: series(25, AT, 300, { ...alice, action: 'export' }),
          expect: { alerts: 0 },
        },
        {
          name: '25 reveals',
          events: series(25, AT, 10, { ...alice, action: 'reveal' }),
          expect: { alerts: 0 },
        },
        {
          name: 'two users with 12 exports each',
          events: series(24, AT, 10, (i) => ({ ...(i % 2 ? alice : bob), action: 'export' })),
          expect: { alerts: 0 },
        },
        {
          name: 'a listed service account',
          lists: { '@serviceAccounts': ['*@acme.1passwordserviceaccounts.com'] },
          events: series(25, AT, 10, { ...SERVICE_ACCOUNT, action: 'export' }),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.new_country_reveal',
    definition: define({
      name: 'Reveal from a new country',
      description:
        'A user reveals a secret from a country not seen for them in the last 90 days, once past their first 14 days.',
      kind: 'new_value',
      severity: 'medium',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'reveal' },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      params: { entity: 'user', field: 'country', learningDays: 14, forgetAfterDays: 90 },
      tags: ['T1078'],
      runbook:
        'Ask the user whether they are travelling. If not, treat the session as compromised: revoke sessions, reset the password and Secret Key, review what was revealed.',
    }),
    fixtures: {
      positive: [
        {
          name: 'the first of five reveals from RU fires, the rest do not',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              seen: {
                country: {
                  CA: { firstSeen: daysBefore(AT, 60), lastSeen: daysBefore(AT, 1), count: 300 },
                  US: { firstSeen: daysBefore(AT, 40), lastSeen: daysBefore(AT, 20), count: 12 },
                },
              },
            },
          ],
          events: series(5, AT, 120, { ...alice, action: 'reveal', country: 'RU' }),
          expect: {
            alerts: 1,
            severity: 'medium',
            fingerprints: ['U-ALICE|country|RU|1'],
            explains: [
              'reveal from RU, a country not seen for alice@acme.example in the last 90 days (usual countries: CA, US)',
            ],
          },
        },
        {
          name: 'learned from stored history, then a reveal from BR',
          before: series(30, daysBefore(AT, 30), 86_400, {
            ...alice,
            action: 'reveal',
            country: 'CA',
          }),
          events: [{ ...alice, action: 'reveal', country: 'BR', at: AT }],
          expect: { alerts: 1, fingerprints: ['U-ALICE|country|BR|31'] },
        },
        {
          name: 'a stolen-credential session: a sign-in from RU, then reveals from RU minutes later',
          before: [
            ...series(30, daysBefore(AT, 30), 86_400, {
              ...alice,
              action: 'reveal',
              country: 'CA',
            }),
            {
              ...alice,
              stream: 'signin_attempt',
              action: 'signin',
              result: 'success',
              country: 'RU',
              at: AT,
            },
          ],
          events: series(4, '2025-03-20T14:03:00.000Z', 60, {
            ...alice,
            action: 'reveal',
            country: 'RU',
          }),
          expect: {
            alerts: 1,
            fingerprints: ['U-ALICE|country|RU|32'],
            explains: ['a country new for alice@acme.example: first seen only 3 minutes before'],
          },
        },
      ],
      negative: [
        {
          name: 'a usual country',
          before: series(30, daysBefore(AT, 30), 86_400, {
            ...alice,
            action: 'reveal',
            country: 'CA',
          }),
          events: [{ ...alice, action: 'reveal', country: 'CA', at: AT }],
          expect: { alerts: 0 },
        },
        {
          name: 'a user still learning (first seen 10 days ago)',
          before: series(10, daysBefore(AT, 10), 86_400, {
            ...alice,
            action: 'reveal',
            country: 'CA',
          }),
          events: [{ ...alice, action: 'reveal', country: 'RU', at: AT }],
          expect: { alerts: 0 },
        },
        {
          name: 'a country seen 30 days ago',
          before: [
            ...series(30, daysBefore(AT, 30), 86_400, {
              ...alice,
              action: 'reveal',
              country: 'CA',
            }),
            { ...alice, action: 'reveal', country: 'RU', at: daysBefore(AT, 29.5) },
          ],
          events: [{ ...alice, action: 'reveal', country: 'RU', at: AT }],
          expect: { alerts: 0 },
        },
        {
          name: 'back in a country of an earlier trip: a sign-in, then reveals',
          before: [
            ...series(30, daysBefore(AT, 30), 86_400, {
              ...alice,
              action: 'reveal',
              country: 'CA',
            }),
            { ...alice, action: 'reveal', country: 'FR', at: daysBefore(AT, 20) },
            {
              ...alice,
              stream: 'signin_attempt',
              action: 'signin',
              result: 'success',
              country: 'FR',
              at: AT,
            },
          ],
          events: series(3, '2025-03-20T14:03:00.000Z', 60, {
            ...alice,
            action: 'reveal',
            country: 'FR',
          }),
          expect: { alerts: 0 },
        },
        {
          name: 'a fill (not a reveal) from a new country',
          before: series(30, daysBefore(AT, 30), 86_400, {
            ...alice,
            action: 'reveal',
            country: 'CA',
          }),
          events: [{ ...alice, action: 'fill', country: 'RU', at: AT }],
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.reveal_spike',
    definition: define({
      name: 'Reveal spike',
      description:
        "A user's reveals this hour are improbable under their own profile of that hour over the last 28 days: the same hour on earlier weeks, and their active hours (Poisson tail).",
      kind: 'rate_anomaly',
      severity: 'high',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'reveal' },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      params: { entity: 'user', pValue: 1e-6, minCount: 10, minRatio: 4, baselineDays: 28 },
      tags: ['T1555.005'],
      runbook:
        'Look at which items were revealed and from where. Ask the user; if unexplained, suspend them and rotate the revealed secrets.',
    }),
    fixtures: {
      positive: [
        {
          name: '40 reveals in one hour by a user who reveals 0.5 an hour',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              hourly: { reveal: hourlyRows(daysBefore(AT, 60), AT, (i) => i % 2) },
            },
          ],
          events: series(40, AT, 60, { ...alice, action: 'reveal' }),
          expect: {
            alerts: 1,
            severity: 'high',
            fingerprints: ['U-ALICE|reveal|2025-03-20T14:00:00.000Z'],
            explains: [
              '10 reveals by alice@acme.example',
              '1 per active hour (336 active of 672 hours in 28 days); expected 1',
            ],
          },
        },
        {
          name: 'a user who reveals 0.3 an hour revealing 60 in one hour',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              hourly: { reveal: hourlyRows(daysBefore(AT, 28), AT, (i) => (i % 10 < 3 ? 1 : 0)) },
            },
          ],
          events: series(60, AT, 55, { ...alice, action: 'reveal' }),
          expect: { alerts: 1 },
        },
        {
          name: 'a heavy user revealing five times their usual working hour',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              hourly: { reveal: hourlyRows(daysBefore(AT, 28), AT, workingHours(25)) },
            },
          ],
          events: series(125, AT, 25, { ...alice, action: 'reveal' }),
          expect: {
            alerts: 1,
            explains: ['the same hour on the previous 4 Thursdays: 25, 25, 25, 25'],
          },
        },
      ],
      negative: [
        {
          name: 'nine reveals (under the minimum count)',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              hourly: { reveal: hourlyRows(daysBefore(AT, 60), AT, (i) => i % 2) },
            },
          ],
          events: series(9, AT, 60, { ...alice, action: 'reveal' }),
          expect: { alerts: 0 },
        },
        {
          name: 'a heavy user (5 an hour) revealing 15',
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              hourly: { reveal: hourlyRows(daysBefore(AT, 28), AT, () => 5) },
            },
          ],
          events: series(15, AT, 60, { ...alice, action: 'reveal' }),
          expect: { alerts: 0 },
        },
        {
          name: "a heavy user's ordinary working hour (25 an hour on weekdays, 30 now)",
          baselines: [
            {
              entityId: alice.actorId,
              firstEventAt: daysBefore(AT, 60),
              hourly: { reveal: hourlyRows(daysBefore(AT, 28), AT, workingHours(25)) },
            },
          ],
          events: series(30, AT, 110, { ...alice, action: 'reveal' }),
          expect: { alerts: 0 },
        },
        {
          name: 'a user with less than a day of history',
          baselines: [{ entityId: alice.actorId, firstEventAt: '2025-03-19T20:00:00.000Z' }],
          events: series(40, AT, 60, { ...alice, action: 'reveal' }),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.mass_access.user',
    definition: define({
      name: 'Mass secret access',
      description:
        'One user extracts 20 or more distinct items (reveal, secure copy, export, share, server fetch) within an hour.',
      kind: 'threshold',
      severity: 'high',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'in', value: EXTRACTING },
      groupBy: ['actorId'],
      allowLists: PEOPLE_ONLY,
      params: { windowSeconds: 3600, threshold: 20, distinctField: 'itemId' },
      tags: ['T1555.005'],
      runbook: 'Review the items touched; if unexplained, suspend the user and rotate the secrets.',
    }),
    fixtures: {
      positive: [
        {
          name: '20 distinct items revealed or copied in 30 minutes',
          events: series(20, AT, 90, (i) => ({
            ...alice,
            action: i % 3 === 0 ? 'secure-copy' : 'reveal',
            itemId: `item-${i}`,
          })),
          expect: {
            alerts: 1,
            fingerprints: ['20'],
            explains: ['20 distinct items in 20 events by alice@acme.example in 1 hour'],
          },
        },
      ],
      negative: [
        {
          name: '40 reveals of the same 5 items',
          events: series(40, AT, 60, (i) => ({
            ...alice,
            action: 'reveal',
            itemId: `item-${i % 5}`,
          })),
          expect: { alerts: 0 },
        },
        {
          name: '19 distinct items',
          events: series(19, AT, 60, (i) => ({ ...alice, action: 'reveal', itemId: `item-${i}` })),
          expect: { alerts: 0 },
        },
        {
          name: '25 distinct items filled',
          events: series(25, AT, 60, (i) => ({ ...alice, action: 'fill', itemId: `item-${i}` })),
          expect: { alerts: 0 },
        },
      ],
    },
  },
  {
    templateId: 'op.item.sensitive_access',
    requiresLists: ['@privilegedVaults', '@sensitiveItems'],
    definition: define({
      name: 'Sensitive item access',
      description:
        'A secret is extracted from a privileged vault or a designated sensitive item. Fill @privilegedVaults or @sensitiveItems, then enable.',
      kind: 'match',
      enabled: false,
      severity: 'medium',
      streams: ['item_usage'],
      filter: {
        all: [
          { field: 'action', op: 'in', value: EXTRACTING },
          {
            any: [
              { field: 'vaultId', op: 'in', value: '@privilegedVaults' },
              { field: 'itemId', op: 'in', value: '@sensitiveItems' },
            ],
          },
        ],
      },
      dedupSeconds: 1800,
      tags: ['T1555.005'],
      runbook: 'Confirm the access was expected for this user and this item.',
    }),
    fixtures: {
      positive: [
        {
          name: 'a reveal in a privileged vault',
          lists: { '@privilegedVaults': ['vault-root'] },
          events: [{ ...alice, action: 'reveal', vaultId: 'vault-root', itemId: 'i1', at: AT }],
          expect: { alerts: 1, fingerprints: ['1'] },
        },
      ],
      negative: [
        {
          name: 'a fill in a privileged vault, and a reveal elsewhere',
          lists: { '@privilegedVaults': ['vault-root'] },
          events: [
            { ...alice, action: 'fill', vaultId: 'vault-root', at: AT },
            { ...alice, action: 'reveal', vaultId: 'vault-team', at: AT },
          ],
          expect: { alerts: 0 },
        },
      ],
    },
  },
];
