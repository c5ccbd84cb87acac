import type { DetectEvent } from './detect-event';
import { EVENT_COLUMNS, type StoredField } from './event-columns';
import type { CopiedEvents, EventRow } from './events.repository';
import { emptyEvent } from './normalize/event-parts';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** Set one by one below, or not read by detection. */
const SPECIAL: ReadonlySet<StoredField> = new Set<StoredField>([
  'stream',
  'externalId',
  'eventTime',
  'raw',
  'issues',
]);
/** The nullable fields, read by their column's type. */
const NULLABLE_COLUMNS = EVENT_COLUMNS.filter(({ field }) => !SPECIAL.has(field));

/**
 * An events row (snake_case, raw left out) as the rules read it. The event starts as the
 * literal of every field that normalization builds, and its fields are then only set: an
 * object given thirty fields one by one turns into a dictionary in V8, and every rule reads
 * every event's fields many times.
 */
export function toDetectEvent(row: EventRow): DetectEvent {
  const event = emptyEvent(
    row.stream,
    String(row.external_id),
    row.event_time as Date,
    {},
  ) as DetectEvent;
  event.id = row.id;
  event.ingestedAt = row.ingested_at as Date;
  const fields = event as unknown as Record<string, unknown>;
  for (const { field, column, type } of NULLABLE_COLUMNS) {
    fields[field] = type === 'double precision' ? number(row[column]) : text(row[column]);
  }
  return event;
}

/**
 * The events COPY wrote, as toDetectEvent reads them back from their rows: a number as the
 * text COPY wrote of it reads back (not finite: NULL; -0: 0). Null when a value is not of its
 * column's type, as normalization never leaves one: such a batch is read back instead.
 */
export function copiedDetectEvents({ events, ids, storedAt }: CopiedEvents): DetectEvent[] | null {
  const out: DetectEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const from = events[i];
    const event = emptyEvent(from.stream, from.externalId, from.eventTime, {}) as DetectEvent;
    event.id = ids[i];
    event.ingestedAt = storedAt;
    const fields = event as unknown as Record<string, unknown>;
    for (const { field, type } of NULLABLE_COLUMNS) {
      const value = from[field] ?? null;
      if (value === null) continue;
      if (type === 'double precision') {
        if (typeof value !== 'number') return null;
        fields[field] = Number.isFinite(value) ? value + 0 : null;
      } else {
        if (typeof value !== 'string') return null;
        fields[field] = value;
      }
    }
    out.push(event);
  }
  return out;
}
