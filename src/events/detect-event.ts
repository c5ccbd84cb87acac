import { EVENT_COLUMNS, type StoredField } from './event-columns';
import type { NormalizedEvent } from './normalize/normalized-event';

/** A stored event as detection sees it: the normalized fields plus its storage id. */
export interface DetectEvent extends NormalizedEvent {
  /** `events.id` (bigint as a string). */
  id: string;
  ingestedAt: Date;
}

/** Stored fields no rule names: time is the window's axis, raw and issues are not normalized. */
type UnnamedField = 'eventTime' | 'raw' | 'issues';
export type EventField = Exclude<StoredField, UnnamedField>;
const UNNAMED: ReadonlySet<StoredField> = new Set<UnnamedField>(['eventTime', 'raw', 'issues']);

/** Fields a rule may name in filters, group-by and parameters: every stored field but those. */
export const EVENT_FIELDS: readonly EventField[] = EVENT_COLUMNS.map(({ field }) => field).filter(
  (field): field is EventField => !UNNAMED.has(field),
);
