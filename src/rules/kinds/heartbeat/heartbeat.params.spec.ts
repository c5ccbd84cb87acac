import { accepted, errorsOf } from '../../../../test/support/rule-engine/rule-validation';

describe('heartbeat params', () => {
  it('fills its parameter defaults', () => {
    expect(
      accepted({ name: 'x', kind: 'heartbeat', params: { maxSilenceSeconds: 3600 } }),
    ).toMatchObject({ streams: [], params: { sources: [], maxSilenceSeconds: 3600 } });
  });

  it('heartbeat: maxSilenceSeconds > 0', () => {
    expect(errorsOf({ name: 'h', kind: 'heartbeat', params: { maxSilenceSeconds: 0 } })).toEqual([
      { field: 'params.maxSilenceSeconds', reason: 'must be greater than 0' },
    ]);
  });
});
