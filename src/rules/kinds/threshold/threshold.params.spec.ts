import { BULK_EXPORT_RULE, errorsOf } from '../../../../test/support/rule-engine/rule-validation';

const threshold = BULK_EXPORT_RULE;

describe('threshold params', () => {
  it('refuses a window of 0 or below, and a missing threshold', () => {
    expect(errorsOf({ ...threshold, params: { windowSeconds: 0, threshold: 5 } })).toEqual([
      { field: 'params.windowSeconds', reason: 'must be greater than 0' },
    ]);
    expect(errorsOf({ ...threshold, params: { windowSeconds: -60, threshold: 5 } })[0].field).toBe(
      'params.windowSeconds',
    );
    expect(errorsOf({ ...threshold, params: { windowSeconds: 60 } })).toEqual([
      { field: 'params.threshold', reason: 'is required' },
    ]);
    expect(errorsOf({ ...threshold, params: { windowSeconds: 60, threshold: 2.5 } })).toEqual([
      { field: 'params.threshold', reason: 'must be a whole number' },
    ]);
    expect(errorsOf({ ...threshold, params: undefined })).toEqual([
      { field: 'params.windowSeconds', reason: 'is required' },
      { field: 'params.threshold', reason: 'is required' },
    ]);
  });

  it('threshold: routine bounded', () => {
    const base = {
      name: 't',
      kind: 'threshold',
      streams: ['connect_activity'],
      groupBy: ['actorId'],
    };
    const params = { windowSeconds: 600, threshold: 50 };
    expect(
      errorsOf({ ...base, params: { ...params, routine: { baselineDays: 91, factor: 1000 } } }),
    ).toEqual([
      {
        field: 'params.routine.baselineDays',
        reason: 'must be at most 90 (baselines keep 90 days of hourly counts)',
      },
      { field: 'params.routine.factor', reason: 'must be at most 100' },
    ]);
    expect(
      errorsOf({ ...base, params: { ...params, routine: { baselineDays: 7, minDays: 10 } } }),
    ).toEqual([{ field: 'params.routine.minDays', reason: 'must be at most baselineDays' }]);
  });
});
