import { accepted, errorsOf } from '../../../../test/support/rule-engine/rule-validation';

describe('new_value params', () => {
  it('fills its parameter defaults', () => {
    expect(
      accepted({
        name: 'x',
        kind: 'new_value',
        streams: ['item_usage'],
        params: { field: 'country' },
      }).params,
    ).toEqual({
      entity: 'user',
      field: 'country',
      learningDays: 14,
      forgetAfterDays: 90,
      newForHours: 24,
    });
  });

  it('new_value: the field must be a baseline dimension remembered for the entity', () => {
    const base = { name: 'nv', kind: 'new_value', streams: ['item_usage'] };
    expect(errorsOf({ ...base, params: { field: 'resultDetail' } })).toEqual([
      {
        field: 'params.field',
        reason:
          "unknown baseline dimension 'resultDetail' (expected one of: country, city, ip, clientApp, os, vaultId, itemId, userAgent, action)",
      },
    ]);
    expect(errorsOf({ ...base, params: { field: 'country', entity: 'connect_token' } })).toEqual([
      {
        field: 'params.field',
        reason:
          "'country' is not remembered for connect_token baselines (remembered: ip, userAgent, vaultId, itemId, action)",
      },
    ]);
    expect(errorsOf({ ...base, params: { field: 'country', forgetAfterDays: 0 } })).toEqual([
      { field: 'params.forgetAfterDays', reason: 'must be greater than 0' },
    ]);
  });

  it('new_value: newForHours and network bounded, network for ip only', () => {
    const base = { name: 'nv', kind: 'new_value', streams: ['connect_activity'] };
    expect(errorsOf({ ...base, params: { field: 'ip', newForHours: 500 } })).toEqual([
      {
        field: 'params.newForHours',
        reason: 'must be at most 168 (a week of stored events is read back)',
      },
    ]);
    expect(
      errorsOf({
        ...base,
        params: { entity: 'connect_token', field: 'userAgent', network: {} },
      }),
    ).toEqual([{ field: 'params.network', reason: 'applies to field ip only' }]);
    expect(
      errorsOf({
        ...base,
        params: { field: 'ip', network: { ipv4Prefix: 4, ipv6Prefix: 200, extra: 1 } },
      }),
    ).toEqual([
      { field: 'params.network.extra', reason: 'unknown property' },
      { field: 'params.network.ipv4Prefix', reason: 'must be at least 8' },
      { field: 'params.network.ipv6Prefix', reason: 'must be at most 128' },
    ]);
  });
});
