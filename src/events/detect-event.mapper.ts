import type { DetectEvent } from './detect-event';
import { EVENT_COLUMNS, type StoredField } from './event-columns';
import type { EventRow } from './events.repository';

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

/** An events row (snake_case, raw left out) as the rules read it. */
export function toDetectEvent(row: EventRow): DetectEvent {
  const event: Record<string, unknown> = {
    id: row.id,
    stream: row.stream,
    externalId: String(row.external_id),
    eventTime: row.event_time,
    ingestedAt: row.ingested_at,
    raw: {},
  };
  for (const { field, column, type } of NULLABLE_COLUMNS) {
    event[field] = type === 'double precision' ? number(row[column]) : text(row[column]);
  }
  return event as unknown as DetectEvent;
}
