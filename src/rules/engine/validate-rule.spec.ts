import {
  accepted,
  BULK_EXPORT_RULE,
  errorsOf,
} from '../../../test/support/rule-engine/rule-validation';

const threshold = BULK_EXPORT_RULE;

describe('validateRuleDefinition: defaults', () => {
  it('fills every omitted optional property', () => {
    expect(accepted(threshold)).toEqual({
      name: 'Bulk export',
      description: '',
      kind: 'threshold',
      enabled: true,
      mode: 'active',
      severity: 'medium',
      escalations: [],
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'export' },
      groupBy: ['actorId'],
      params: { windowSeconds: 600, threshold: 20 },
      dedupSeconds: 3600,
      suppressSeconds: 0,
      allowLists: [],
      tags: [],
      runbook: '',
      channels: [],
    });
  });

  it('leaves the filter undefined when omitted and keeps stated values', () => {
    const rule = accepted({
      name: 'x',
      kind: 'match',
      streams: ['audit_event'],
      enabled: false,
      mode: 'shadow',
      severity: 'critical',
      dedupSeconds: 0,
      tags: ['T1078'],
      repeatIntervalSeconds: null,
    });
    expect(rule.filter).toBeUndefined();
    expect(rule).toMatchObject({
      enabled: false,
      mode: 'shadow',
      severity: 'critical',
      dedupSeconds: 0,
      tags: ['T1078'],
      params: {},
      repeatIntervalSeconds: null,
    });
  });
});

describe('validateRuleDefinition: refusals', () => {
  it('requires name and kind, and refuses a non-object', () => {
    expect(errorsOf({})).toEqual([
      { field: 'name', reason: 'is required' },
      { field: 'kind', reason: 'is required' },
    ]);
    expect(errorsOf('rule')).toEqual([
      { field: 'rule', reason: 'must be an object, not a string' },
    ]);
    expect(errorsOf({ ...threshold, name: '  ' })).toEqual([
      { field: 'name', reason: 'must not be empty' },
    ]);
  });

  it('names an unknown kind, stream, severity and property', () => {
    expect(errorsOf({ ...threshold, kind: 'magic' })).toContainEqual({
      field: 'kind',
      reason:
        "unknown kind 'magic' (expected one of: match, threshold, new_value, rate_anomaly, geo_velocity, sequence, heartbeat)",
    });
    expect(errorsOf({ ...threshold, streams: ['item_usage', 'itemusages'] })).toContainEqual({
      field: 'streams[1]',
      reason:
        "unknown stream 'itemusages' (expected one of: item_usage, signin_attempt, audit_event, connect_activity)",
    });
    expect(errorsOf({ ...threshold, severity: 'urgent' })[0].field).toBe('severity');
    expect(errorsOf({ ...threshold, colour: 'red' })).toEqual([
      { field: 'colour', reason: 'unknown property' },
    ]);
    expect(errorsOf({ ...threshold, params: { ...threshold.params, window: 3 } })).toEqual([
      { field: 'params.window', reason: 'unknown property' },
    ]);
  });

  it('requires streams for event rules', () => {
    expect(errorsOf({ ...threshold, streams: undefined })).toEqual([
      { field: 'streams', reason: 'is required' },
    ]);
    expect(errorsOf({ ...threshold, streams: [] })).toEqual([
      { field: 'streams', reason: 'must name at least one stream' },
    ]);
  });

  it('refuses wrong types with what was found', () => {
    expect(errorsOf({ ...threshold, params: { windowSeconds: '600', threshold: 5 } })).toEqual([
      { field: 'params.windowSeconds', reason: 'must be a number, not a string' },
    ]);
    expect(errorsOf({ ...threshold, enabled: 'yes' })).toEqual([
      { field: 'enabled', reason: 'must be true or false, not a string' },
    ]);
    expect(errorsOf({ ...threshold, tags: ['ok', 3] })).toEqual([
      { field: 'tags[1]', reason: 'must be a non-empty string, not a number' },
    ]);
    expect(errorsOf({ ...threshold, filter: [] })).toEqual([
      {
        field: 'filter',
        reason: 'must be an object (a condition, or all / any / not), not an array',
      },
    ]);
  });

  it('names the path of an unknown field or op deep in a filter', () => {
    const filter = {
      all: [
        { field: 'action', op: 'eq', value: 'export' },
        { field: 'colour', op: 'eq', value: 'red' },
        { not: { field: 'ip', op: 'near', value: 'x' } },
      ],
    };
    expect(errorsOf({ ...threshold, filter })).toEqual([
      { field: 'filter.all[1].field', reason: "unknown field 'colour'" },
      {
        field: 'filter.all[2].not.op',
        reason: "unknown op 'near' (expected one of: eq, neq, in, regex, cidr, exists, eqField)",
      },
    ]);
  });

  it('says why a regular expression is bad', () => {
    expect(
      errorsOf({ ...threshold, filter: { field: 'actorEmail', op: 'regex', value: '(abc' } }),
    ).toEqual([
      { field: 'filter.value', reason: 'bad regular expression: missing closing ): `(abc`' },
    ]);
    expect(
      errorsOf({
        ...threshold,
        filter: { field: 'actorEmail', op: 'regex', value: 'abc', flags: 'gg' },
      }),
    ).toEqual([
      {
        field: 'filter.flags',
        reason: "bad regular expression flags 'gg' (allowed: i, m, s, u, each once)",
      },
    ]);
  });

  it('refuses a bad CIDR, saying why', () => {
    expect(
      errorsOf({
        ...threshold,
        filter: { field: 'ip', op: 'cidr', value: ['10.0.0.0/8', '10.0.0.0/33', '1.2.3.4/8'] },
      }),
    ).toEqual([
      {
        field: 'filter.value[1]',
        reason: "bad CIDR '10.0.0.0/33': prefix length 33 exceeds 32 for IPv4",
      },
      {
        field: 'filter.value[2]',
        reason: "bad CIDR '1.2.3.4/8': host bits set (did you mean 1.0.0.0/8?)",
      },
    ]);
    expect(
      accepted({ ...threshold, filter: { field: 'ip', op: 'cidr', value: '2001:db8::/32' } }),
    ).toBeDefined();
  });

  it('refuses unknown lists, in filters and allow-lists', () => {
    expect(
      errorsOf({
        ...threshold,
        filter: { field: 'ip', op: 'cidr', value: '@nowhere' },
        allowLists: [
          { field: 'actorEmail', list: '@nobody' },
          { field: 'ip', list: '@corporateEgress' },
        ],
      }),
    ).toEqual([
      { field: 'filter.value', reason: "unknown list '@nowhere'" },
      { field: 'allowLists[0].list', reason: "unknown list '@nobody'" },
    ]);
    // Known with or without the leading @.
    expect(
      accepted({ ...threshold, filter: { field: 'vaultId', op: 'in', value: '@privilegedVaults' } })
        .filter,
    ).toEqual({ field: 'vaultId', op: 'in', value: '@privilegedVaults' });
  });

  it('checks value types against the field', () => {
    expect(
      errorsOf({ ...threshold, filter: { field: 'latitude', op: 'eq', value: 'north' } }),
    ).toEqual([
      {
        field: 'filter.value',
        reason: 'must be a number or null (latitude holds numbers), not a string',
      },
    ]);
    expect(errorsOf({ ...threshold, filter: { field: 'action', op: 'eq', value: true } })).toEqual([
      {
        field: 'filter.value',
        reason: 'must be a string or null (action holds text), not a boolean',
      },
    ]);
    expect(errorsOf({ ...threshold, filter: { field: 'action', op: 'in', value: [] } })).toEqual([
      { field: 'filter.value', reason: 'must hold at least one value' },
    ]);
    expect(
      errorsOf({ ...threshold, filter: { field: 'action', op: 'in', value: 'export' } }),
    ).toEqual([
      {
        field: 'filter.value',
        reason: "must be a list reference such as '@serviceAccounts', not 'export'",
      },
    ]);
  });

  it('validates eqField like other fields', () => {
    expect(
      accepted({ ...threshold, filter: { field: 'actorId', op: 'eqField', value: 'auxId' } })
        .filter,
    ).toEqual({ field: 'actorId', op: 'eqField', value: 'auxId' });
    expect(
      errorsOf({ ...threshold, filter: { field: 'actorId', op: 'eqField', value: 'aux' } }),
    ).toEqual([{ field: 'filter.value', reason: "unknown field 'aux'" }]);
  });

  it('refuses a filter node with two forms or extra properties', () => {
    expect(errorsOf({ ...threshold, filter: { all: [], any: [] } })).toEqual([
      { field: 'filter', reason: 'must hold only one of all, any, not or field (found all, any)' },
    ]);
    expect(
      errorsOf({ ...threshold, filter: { field: 'action', op: 'eq', value: 'x', flags: 'i' } }),
    ).toEqual([{ field: 'filter.flags', reason: 'unknown property' }]);
    expect(errorsOf({ ...threshold, filter: { all: [] } })).toEqual([
      { field: 'filter.all', reason: 'must hold at least one filter' },
    ]);
  });

  it('refuses unknown fields in groupBy and an empty groupBy for threshold', () => {
    expect(errorsOf({ ...threshold, groupBy: ['actorId', 'user'] })).toEqual([
      { field: 'groupBy[1]', reason: "unknown field 'user'" },
    ]);
    expect(errorsOf({ ...threshold, groupBy: [] })).toEqual([
      { field: 'groupBy', reason: 'must name at least one field for threshold rules' },
    ]);
  });

  it('scopes a rule to 1Password account ids, each once, and names a bad one', () => {
    const acme = 'ACMEAAAAAAAAAAAAAAAAAAAAAA';
    expect(accepted({ ...threshold, accounts: [acme, acme] }).accounts).toEqual([acme]);
    expect(accepted(threshold).accounts).toBeUndefined();
    expect(errorsOf({ ...threshold, accounts: [acme, acme.toLowerCase(), 7] })).toEqual([
      {
        field: 'accounts[1]',
        reason: `must be a 1Password account id (26 upper-case letters and digits), not "${acme.toLowerCase()}"`,
      },
      {
        field: 'accounts[2]',
        reason: 'must be a 1Password account id (26 upper-case letters and digits), not a number',
      },
    ]);
    expect(errorsOf({ ...threshold, accounts: acme })).toEqual([
      { field: 'accounts', reason: 'must be an array, not a string' },
    ]);
    expect(
      errorsOf({
        name: 'Quiet',
        kind: 'heartbeat',
        params: { maxSilenceSeconds: 60 },
        accounts: [acme],
      }),
    ).toEqual([
      {
        field: 'accounts',
        reason: 'cannot be set: this kind judges sources, which have no account',
      },
    ]);
  });

  it('escalations need a severity and a condition', () => {
    expect(errorsOf({ ...threshold, escalations: [{ severity: 'high' }] })).toEqual([
      { field: 'escalations[0]', reason: 'must state a filter or countGte' },
    ]);
    expect(
      errorsOf({ ...threshold, escalations: [{ countGte: 30, severity: 'severe' }] })[0].field,
    ).toBe('escalations[0].severity');
    expect(
      accepted({
        ...threshold,
        escalations: [
          { countGte: 30, severity: 'high' },
          {
            filter: { field: 'vaultId', op: 'in', value: '@privilegedVaults' },
            severity: 'critical',
          },
        ],
      }).escalations,
    ).toHaveLength(2);
  });

  it('reports every error at once', () => {
    expect(
      errorsOf({ name: 3, kind: 'threshold', streams: ['x'], params: { windowSeconds: 0 } }),
    ).toHaveLength(4);
  });
});

describe('validateRuleDefinition: upper bounds', () => {
  const nestedNot = (depth: number): unknown => {
    let filter: unknown = { field: 'action', op: 'eq', value: 'export' };
    for (let i = 0; i < depth; i++) filter = { not: filter };
    return filter;
  };

  it.each([
    ['params.windowSeconds', { params: { windowSeconds: 1e300, threshold: 5 } }],
    ['params.windowSeconds', { params: { windowSeconds: 31 * 86_400, threshold: 5 } }],
    ['params.threshold', { params: { windowSeconds: 600, threshold: 1e9 } }],
    ['dedupSeconds', { dedupSeconds: Number.MAX_SAFE_INTEGER }],
    ['suppressSeconds', { suppressSeconds: 1e12 }],
    ['repeatIntervalSeconds', { repeatIntervalSeconds: 1e12 }],
    ['escalations[0].countGte', { escalations: [{ countGte: 1e12, severity: 'high' }] }],
    ['name', { name: 'x'.repeat(201) }],
    ['tags[0]', { tags: ['t'.repeat(201)] }],
    ['tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }],
    ['filter.value', { filter: { field: 'action', op: 'eq', value: 'e'.repeat(1001) } }],
    [
      'filter.value',
      { filter: { field: 'ip', op: 'in', value: Array.from({ length: 1001 }, String) } },
    ],
  ])('refuses %s out of range', (field, change) => {
    expect(errorsOf({ ...threshold, ...change }).map((error) => error.field)).toContain(field);
  });

  it('bounds every numeric parameter of every kind', () => {
    const cases: Array<[unknown, string]> = [
      [{ kind: 'new_value', params: { field: 'country', learningDays: 1e6 } }, 'learningDays'],
      [
        { kind: 'new_value', params: { field: 'country', forgetAfterDays: 1e6 } },
        'forgetAfterDays',
      ],
      [{ kind: 'rate_anomaly', params: { minCount: 1e12 } }, 'minCount'],
      [{ kind: 'rate_anomaly', params: { minRatio: 1e12 } }, 'minRatio'],
      [{ kind: 'geo_velocity', params: { maxSpeedKmh: 1e12 } }, 'maxSpeedKmh'],
      [{ kind: 'geo_velocity', params: { minDistanceKm: 1e12 } }, 'minDistanceKm'],
      [{ kind: 'geo_velocity', params: { minGapMinutes: 1e12 } }, 'minGapMinutes'],
      [{ kind: 'heartbeat', params: { maxSilenceSeconds: 1e12 } }, 'maxSilenceSeconds'],
    ];
    for (const [change, param] of cases) {
      expect(errorsOf({ ...threshold, ...(change as object) })).toEqual([
        { field: `params.${param}`, reason: expect.stringMatching(/^must be at most /) },
      ]);
    }
  });

  it('refuses filters nested too deep, or with too many conditions, without recursing far', () => {
    expect(errorsOf({ ...threshold, filter: nestedNot(20_000) })).toEqual([
      { field: 'filter', reason: 'nested more than 64 levels deep' },
    ]);
    expect(errorsOf({ ...threshold, filter: nestedNot(20) })[0]).toEqual({
      field: `filter${'.not'.repeat(16)}`,
      reason: 'filters may be nested at most 16 levels deep',
    });
    expect(accepted({ ...threshold, filter: nestedNot(15) }).filter).toEqual(nestedNot(15));
    const many = { any: Array.from({ length: 300 }, () => ({ field: 'action', op: 'exists' })) };
    expect(errorsOf({ ...threshold, filter: many })[0]).toEqual({
      field: 'filter.any',
      reason: 'must hold at most 256 items',
    });
    const spread = {
      all: Array.from({ length: 20 }, () => ({
        any: Array.from({ length: 20 }, () => ({ field: 'action', op: 'exists' })),
      })),
    };
    expect(errorsOf({ ...threshold, filter: spread })).toContainEqual({
      field: 'filter.all[12].any[2]',
      reason: "a rule's filters may hold at most 256 conditions and groups in all",
    });
  });

  it('refuses a regular expression RE2 cannot run, or one too large', () => {
    const regex = (value: string) => ({
      ...threshold,
      filter: { field: 'userAgent', op: 'regex', value },
    });
    expect(errorsOf(regex('(a)\\1'))[0].reason).toContain('backreferences are not supported');
    expect(errorsOf(regex('a(?=b)'))[0].reason).toContain('lookarounds');
    expect(errorsOf(regex('x'.repeat(1001)))).toEqual([
      { field: 'filter.value', reason: 'must be at most 1000 characters' },
    ]);
    expect(errorsOf(regex('((a|b|c|d){100}){9}'))[0].reason).toMatch(/too large/);
    // The pattern of the report is fine for RE2: it runs in linear time.
    expect(accepted(regex('^(\\w+\\s?)+$')).filter).toMatchObject({ op: 'regex' });
  });
});
