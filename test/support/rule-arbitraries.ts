/** Random rule bodies for property-based tests: mostly rule-shaped, often wrong in one place. */
import fc from 'fast-check';
import { STREAMS } from '../../src/events/normalize/normalized-event';
import { BASELINE_DIMENSIONS, ENTITY_TYPES } from '../../src/baselines/baseline-snapshot';
import { EVENT_FIELDS } from '../../src/events/detect-event';
import { FILTER_OPS, SEVERITIES } from '../../src/rules/engine/rule-definition';
import { RULE_KINDS } from '../../src/rules/kinds/registry';

/** Values of any JSON type, sizes and magnitudes included. */
const anyJson = fc.jsonValue({ maxDepth: 3 });

const number = fc.oneof(
  fc.integer({ min: -10, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, 1e300, -1e300, Number.MAX_SAFE_INTEGER, 0.5),
);

/** The 1Password accounts events of the property tests belong to. */
export const ACCOUNTS = ['ACMEAAAAAAAAAAAAAAAAAAAAAA', 'GLOBEX2222222222222222222A'] as const;

/** An account id: one of ACCOUNTS, another well-formed one, or one a little off. */
export const accountId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ACCOUNTS) },
  fc.stringMatching(/^[A-Z0-9]{26}$/),
  fc.constantFrom('acmeaaaaaaaaaaaaaaaaaaaaaa', 'ACME', `${ACCOUNTS[0]}B`, ''),
);

const known = <T extends string>(values: readonly T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, fc.string({ maxLength: 12 }));

/** Short strings made of what regular expressions and wildcards are made of. */
const patternText = fc.string({
  unit: fc.constantFrom(
    '(',
    ')',
    '*',
    '+',
    '?',
    'a',
    'b',
    '\\',
    '[',
    ']',
    '{',
    '}',
    '1',
    ',',
    '|',
    '^',
    '$',
    '.',
    '?<',
    '?=',
    'w',
    's',
    'p',
  ),
  maxLength: 24,
});

const condition = fc.record(
  {
    field: known(EVENT_FIELDS),
    op: known(FILTER_OPS),
    value: fc.oneof(
      patternText,
      fc.string({ maxLength: 20 }),
      fc.constantFrom('@serviceAccounts', '@nowhere', '10.0.0.0/8', '::1/129', null, true),
      fc.array(fc.oneof(fc.string({ maxLength: 8 }), number), { maxLength: 4 }),
      number,
      known(EVENT_FIELDS),
    ),
    flags: fc.oneof(fc.constantFrom('i', 'ms', 'g', 'ii', ''), fc.string({ maxLength: 3 })),
  },
  { requiredKeys: ['field', 'op'] },
);

const { filter } = fc.letrec<{ filter: unknown }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: condition },
    fc.record({ all: fc.array(tie('filter'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('filter'), { maxLength: 4 }) }),
    fc.record({ not: tie('filter') }),
    anyJson,
  ),
}));

const params = fc.record(
  {
    windowSeconds: number,
    threshold: number,
    distinctField: known(EVENT_FIELDS),
    entity: known(ENTITY_TYPES),
    field: known(BASELINE_DIMENSIONS),
    learningDays: number,
    forgetAfterDays: number,
    pValue: number,
    minCount: number,
    minRatio: number,
    baselineDays: number,
    maxSpeedKmh: number,
    minDistanceKm: number,
    minGapMinutes: number,
    withinSeconds: number,
    mode: known(['forward', 'retro']),
    stages: fc.array(
      fc.record(
        {
          name: fc.string({ maxLength: 10 }),
          streams: fc.array(known(STREAMS), { maxLength: 3 }),
          filter,
          key: known(EVENT_FIELDS),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    sources: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    maxSilenceSeconds: number,
  },
  { requiredKeys: [] },
);

const textFields = EVENT_FIELDS.filter((f) => f !== 'latitude' && f !== 'longitude');

/** Conditions that are well formed, but for the patterns, which may not be. */
const goodCondition = fc.oneof(
  fc.record({
    field: fc.constantFrom(...textFields),
    op: fc.constantFrom('eq', 'neq'),
    value: fc.string({ maxLength: 12 }),
  }),
  fc.record({
    field: fc.constantFrom(...textFields),
    op: fc.constant('in'),
    value: fc.oneof(
      fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 }),
      fc.constant('@serviceAccounts'),
    ),
  }),
  fc.record({
    field: fc.constantFrom(...textFields),
    op: fc.constant('regex'),
    value: patternText,
  }),
  fc.record({
    field: fc.constant('ip'),
    op: fc.constant('cidr'),
    value: fc.constantFrom('10.0.0.0/8', ['203.0.113.0/24', '2001:db8::/32'], '@serviceAccounts'),
  }),
  fc.record({ field: fc.constantFrom(...EVENT_FIELDS), op: fc.constant('exists') }),
);

const { goodFilter } = fc.letrec<{ goodFilter: unknown }>((tie) => ({
  goodFilter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: goodCondition },
    fc.record({ all: fc.array(tie('goodFilter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('goodFilter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('goodFilter') }),
  ),
}));

const seconds = fc.integer({ min: 1, max: 30 * 86_400 });

const goodParams = fc.oneof(
  fc.record({
    kind: fc.constant('threshold'),
    params: fc.record({ windowSeconds: seconds, threshold: fc.integer({ min: 1, max: 50 }) }),
  }),
  fc.record({ kind: fc.constant('match'), params: fc.constant({}) }),
  fc.record({
    kind: fc.constant('new_value'),
    params: fc.record({
      entity: fc.constant('user'),
      field: fc.constantFrom('country', 'ip', 'clientApp'),
      learningDays: fc.integer({ min: 0, max: 30 }),
    }),
  }),
  fc.record({
    kind: fc.constant('rate_anomaly'),
    params: fc.record({ baselineDays: fc.integer({ min: 1, max: 90 }) }, { requiredKeys: [] }),
  }),
  fc.record({
    kind: fc.constant('geo_velocity'),
    params: fc.record({ maxSpeedKmh: fc.integer({ min: 1, max: 5000 }) }, { requiredKeys: [] }),
  }),
  fc.record({
    kind: fc.constant('heartbeat'),
    params: fc.record({ maxSilenceSeconds: seconds }),
  }),
);

/** A rule that is well formed, but for its patterns. */
const goodRule = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 30 }).filter((name) => name.trim() !== ''),
    severity: fc.constantFrom(...SEVERITIES),
    streams: fc.uniqueArray(fc.constantFrom(...STREAMS), { minLength: 1, maxLength: 3 }),
    filter: goodFilter,
    dedupSeconds: fc.integer({ min: 0, max: 86_400 }),
    kindAndParams: goodParams,
    accounts: fc.option(fc.uniqueArray(fc.constantFrom(...ACCOUNTS), { maxLength: 2 }), {
      nil: undefined,
    }),
  })
  // Heartbeat rules judge sources, which have no account.
  .map(({ kindAndParams, accounts, ...rest }) => ({
    ...rest,
    ...kindAndParams,
    ...(accounts === undefined || kindAndParams.kind === 'heartbeat' ? {} : { accounts }),
  }));

/** One property of a good rule, or of its params, replaced by anything. */
const brokenRule = fc
  .record({
    rule: goodRule,
    inParams: fc.boolean(),
    key: fc.constantFrom(
      'name',
      'kind',
      'streams',
      'filter',
      'accounts',
      'groupBy',
      'dedupSeconds',
      'escalations',
      'allowLists',
      'tags',
      'repeatIntervalSeconds',
      'windowSeconds',
      'threshold',
      'field',
      'learningDays',
      'baselineDays',
      'maxSpeedKmh',
      'maxSilenceSeconds',
      'stages',
      'nope',
    ),
    value: fc.oneof(
      anyJson,
      number,
      filter,
      params,
      fc.array(accountId, { maxLength: 3 }),
      fc.constant(undefined),
    ),
  })
  .map(({ rule, inParams, key, value }) =>
    inParams ? { ...rule, params: { ...rule.params, [key]: value } } : { ...rule, [key]: value },
  );

/** A rule body as an author (or an attacker with an admin key) might send it. */
export const ruleBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: goodRule },
  { weight: 4, arbitrary: brokenRule },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), anyJson),
        description: fc.string({ maxLength: 30 }),
        kind: known(RULE_KINDS),
        enabled: fc.oneof(fc.boolean(), anyJson),
        mode: known(['active', 'shadow']),
        severity: known(SEVERITIES),
        streams: fc.oneof(fc.array(known(STREAMS), { maxLength: 4 }), anyJson),
        filter,
        accounts: fc.oneof(fc.array(accountId, { maxLength: 3 }), anyJson),
        groupBy: fc.array(known(EVENT_FIELDS), { maxLength: 3 }),
        params: fc.oneof({ weight: 4, arbitrary: params }, anyJson),
        dedupSeconds: number,
        suppressSeconds: number,
        escalations: fc.array(
          fc.record(
            { filter, countGte: number, severity: known(SEVERITIES) },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        allowLists: fc.array(
          fc.record(
            { field: known(EVENT_FIELDS), list: fc.constantFrom('@serviceAccounts', 'x', '@') },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        repeatIntervalSeconds: fc.oneof(number, fc.constant(null)),
        unknownKey: anyJson,
      },
      { requiredKeys: ['name', 'kind'] },
    ),
  },
  anyJson,
);
