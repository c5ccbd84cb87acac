import { accepted, errorsOf } from '../../../../test/support/rule-engine/rule-validation';

describe('rate_anomaly params', () => {
  it('fills its parameter defaults', () => {
    expect(accepted({ name: 'x', kind: 'rate_anomaly', streams: ['item_usage'] }).params).toEqual({
      entity: 'user',
      pValue: 1e-6,
      minCount: 10,
      minRatio: 4,
      baselineDays: 28,
    });
  });

  it('rate_anomaly: pValue in (0, 1), baselineDays within retention', () => {
    const base = { name: 'ra', kind: 'rate_anomaly', streams: ['item_usage'] };
    expect(errorsOf({ ...base, params: { pValue: 0 } })).toEqual([
      { field: 'params.pValue', reason: 'must be greater than 0' },
    ]);
    expect(errorsOf({ ...base, params: { pValue: 1 } })).toEqual([
      { field: 'params.pValue', reason: 'must be less than 1' },
    ]);
    expect(errorsOf({ ...base, params: { baselineDays: 120 } })).toEqual([
      {
        field: 'params.baselineDays',
        reason: 'must be at most 90 (baselines keep 90 days of hourly counts)',
      },
    ]);
  });
});
