import type { HistoryNeed } from '../rules/engine/evaluation';
import { historyRanges } from './history-ranges';

const at = (day: number) => new Date(Date.UTC(2026, 10, day));
const need = (over: Partial<HistoryNeed>): HistoryNeed => ({
  field: 'actorId',
  keys: ['u1'],
  from: at(10),
  to: at(11),
  streams: ['item_usage'],
  ...over,
});

describe('historyRanges', () => {
  it('reads a long look-back only for the keys and streams that asked for it', () => {
    const ranges = historyRanges([
      need({ keys: ['u1', 'u2', 'u3'] }),
      need({ keys: ['u2'], from: at(1), to: at(20), streams: ['audit_event'] }),
    ]);
    expect(ranges.get('actorId')).toEqual([
      { key: 'u1', stream: 'item_usage', from: at(10), to: at(11) },
      { key: 'u2', stream: 'item_usage', from: at(10), to: at(11) },
      { key: 'u3', stream: 'item_usage', from: at(10), to: at(11) },
      { key: 'u2', stream: 'audit_event', from: at(1), to: at(20) },
    ]);
  });

  it('joins overlapping and touching ranges of a key, and keeps separate ones apart', () => {
    const ranges = historyRanges([
      need({ from: at(10), to: at(12) }),
      need({ from: at(11), to: at(13) }),
      need({ from: at(13), to: at(14) }),
      need({ from: at(20), to: at(21) }),
      need({ from: at(10), to: at(11) }),
    ]);
    expect(ranges.get('actorId')).toEqual([
      { key: 'u1', stream: 'item_usage', from: at(10), to: at(14) },
      { key: 'u1', stream: 'item_usage', from: at(20), to: at(21) },
    ]);
  });

  it('reads a key only over its own span when the need has them', () => {
    const ranges = historyRanges([
      need({
        keys: ['u1', 'u2'],
        from: at(1),
        to: at(20),
        spans: new Map([['u1', { from: at(2), to: at(3) }]]),
      }),
    ]);
    expect(ranges.get('actorId')).toEqual([
      { key: 'u1', stream: 'item_usage', from: at(2), to: at(3) },
      { key: 'u2', stream: 'item_usage', from: at(1), to: at(20) },
    ]);
  });

  it('keeps each field apart', () => {
    const ranges = historyRanges([
      need({ keys: ['u1'] }),
      need({ field: 'objectId', keys: ['u1'], streams: ['audit_event'] }),
    ]);
    expect([...ranges.keys()]).toEqual(['actorId', 'objectId']);
    expect(ranges.get('objectId')).toEqual([
      { key: 'u1', stream: 'audit_event', from: at(10), to: at(11) },
    ]);
  });
});
