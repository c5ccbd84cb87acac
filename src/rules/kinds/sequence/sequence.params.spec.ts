import { accepted, errorsOf } from '../../../../test/support/rule-engine/rule-validation';

describe('sequence params', () => {
  it('defaults a sequence rule streams to its stages', () => {
    const rule = accepted({
      name: 'seq',
      kind: 'sequence',
      params: {
        withinSeconds: 3600,
        stages: [
          { name: 'A', streams: ['item_usage'], key: 'actorId' },
          { name: 'B', streams: ['audit_event'], key: 'objectId' },
        ],
      },
    });
    expect(rule.streams).toEqual(['item_usage', 'audit_event']);
    expect(rule.params).toMatchObject({ mode: 'forward' });
  });

  it('sequence: exactly two stages, each checked with its path', () => {
    const base = { name: 's', kind: 'sequence', streams: ['item_usage', 'audit_event'] };
    expect(
      errorsOf({
        ...base,
        params: {
          withinSeconds: 60,
          stages: [{ name: 'A', streams: ['item_usage'], key: 'actorId' }],
        },
      }),
    ).toEqual([{ field: 'params.stages', reason: 'must hold exactly 2 stages (A then B), not 1' }]);
    expect(
      errorsOf({
        ...base,
        params: {
          withinSeconds: 60,
          stages: [
            { name: 'A', streams: ['item_usage'], key: 'actorId' },
            {
              name: 'B',
              streams: ['signin_attempt'],
              key: 'objectId',
              filter: { field: 'ip', op: 'cidr', value: '300.1.1.1/8' },
            },
          ],
        },
      }),
    ).toEqual([
      {
        field: 'params.stages[1].streams[0]',
        reason: "stream 'signin_attempt' is not among the rule's streams",
      },
      {
        field: 'params.stages[1].filter.value',
        reason: "bad CIDR '300.1.1.1/8': '300.1.1.1' is not an IP address",
      },
    ]);
  });
});
