import type { EventField } from '../events/detect-event';
import type { HistoryRange } from '../events/history-range';
import type { HistoryNeed } from '../rules/engine/evaluation';

/**
 * The exact union of some history needs, per field: for each key and stream, the needs' time
 * ranges with overlapping ones joined. Merging needs by their widest range instead would read
 * every key of every rule over the longest look-back of any: one 14-day sequence need naming
 * one user made a batch read 28 days of events of every user in it. A need with per-key spans
 * gives each key its own range. Joined ranges are disjoint, so no stored event is read twice.
 */
export function historyRanges(needs: readonly HistoryNeed[]): Map<EventField, HistoryRange[]> {
  const spans = new Map<EventField, Map<string, HistoryRange[]>>();
  for (const need of needs) {
    let byKey = spans.get(need.field);
    if (!byKey) {
      byKey = new Map();
      spans.set(need.field, byKey);
    }
    for (const key of need.keys) {
      const { from, to } = need.spans?.get(key) ?? need;
      for (const stream of need.streams) {
        const id = `${stream}\u0000${key}`;
        const ranges = byKey.get(id) ?? [];
        ranges.push({ key, stream, from, to });
        byKey.set(id, ranges);
      }
    }
  }
  const byField = new Map<EventField, HistoryRange[]>();
  for (const [field, byKey] of spans) {
    byField.set(field, [...byKey.values()].flatMap(joinOverlapping));
  }
  return byField;
}

/** Ranges of one key and stream, overlapping (or touching) ones joined, by start. */
function joinOverlapping(ranges: HistoryRange[]): HistoryRange[] {
  const sorted = [...ranges].sort((a, b) => a.from.getTime() - b.from.getTime());
  const joined: HistoryRange[] = [];
  for (const range of sorted) {
    const last = joined.at(-1);
    if (last && range.from.getTime() <= last.to.getTime()) {
      if (range.to.getTime() > last.to.getTime()) last.to = range.to;
    } else {
      joined.push({ ...range });
    }
  }
  return joined;
}
