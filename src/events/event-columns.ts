import { snakeCase } from '../database/snake-naming.strategy';
import type { NormalizedEvent } from './normalize/normalized-event';

type ColumnType = 'text' | 'timestamptz' | 'double precision' | 'jsonb';

/**
 * The fields of an event that `events` stores, one column each (named in snake_case), in the
 * one list everything else derives from: the repository writes them in this order, detection
 * and incidents read them, the mapper turns rows back into events and rules name them
 * (EVENT_FIELDS). The migrations create the table.
 */
const STORED_FIELDS = [
  ['stream', 'text'],
  ['externalId', 'text'],
  ['eventTime', 'timestamptz'],
  ['actorType', 'text'],
  ['actorId', 'text'],
  ['actorEmail', 'text'],
  ['actorName', 'text'],
  ['connectServerId', 'text'],
  ['action', 'text'],
  ['result', 'text'],
  ['resultDetail', 'text'],
  ['objectType', 'text'],
  ['objectId', 'text'],
  ['auxId', 'text'],
  ['vaultId', 'text'],
  ['itemId', 'text'],
  ['sessionId', 'text'],
  ['ip', 'text'],
  ['country', 'text'],
  ['region', 'text'],
  ['city', 'text'],
  ['latitude', 'double precision'],
  ['longitude', 'double precision'],
  ['clientApp', 'text'],
  ['clientVersion', 'text'],
  ['platform', 'text'],
  ['os', 'text'],
  ['userAgent', 'text'],
  ['accountId', 'text'],
  ['raw', 'jsonb'],
  ['issues', 'jsonb'],
] as const satisfies ReadonlyArray<readonly [keyof NormalizedEvent, ColumnType]>;

export type StoredField = (typeof STORED_FIELDS)[number][0];

export interface EventColumn {
  field: StoredField;
  column: string;
  type: ColumnType;
}

export const EVENT_COLUMNS: readonly EventColumn[] = STORED_FIELDS.map(([field, type]) => ({
  field,
  column: snakeCase(field),
  type,
}));

/** Left out of what detection reads: the raw copy is large, and no rule reads either. */
const NOT_READ_BY_DETECTION: ReadonlySet<StoredField> = new Set(['raw', 'issues']);

/** The columns detection reads, as a SELECT list: the row id, when it was stored, the fields. */
export const DETECTION_COLUMNS = [
  'id',
  'ingested_at',
  ...EVENT_COLUMNS.filter(({ field }) => !NOT_READ_BY_DETECTION.has(field)).map(
    ({ column }) => column,
  ),
].join(', ');

/** Text columns by field: what history queries may look events up by (a value spliced into SQL). */
export const KEY_COLUMNS: ReadonlyMap<StoredField, string> = new Map(
  EVENT_COLUMNS.filter(({ type }) => type === 'text').map(({ field, column }) => [field, column]),
);

/** What an incident shows of its evidence: detection's columns and the field issues. */
export const EVIDENCE_COLUMNS = `${DETECTION_COLUMNS}, issues`;
