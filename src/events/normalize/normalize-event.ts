import { auditEventNormalizer } from './audit-event.normalizer';
import { connectActivityNormalizer } from './connect-activity.normalizer';
import { emptyEvent, type StreamNormalizer } from './event-parts';
import { FieldError, FieldReader, isJsonObject } from './field-readers';
import { itemUsageNormalizer } from './item-usage.normalizer';
import type { NormalizeResult, Stream } from './normalized-event';
import { parseRfc3339 } from './rfc3339';
import { signinAttemptNormalizer } from './signin-attempt.normalizer';
import { EVENT_RAW_LIMITS, toStorableJson } from './storable-json';

const NORMALIZERS: Readonly<Record<Stream, StreamNormalizer>> = {
  item_usage: itemUsageNormalizer,
  signin_attempt: signinAttemptNormalizer,
  audit_event: auditEventNormalizer,
  connect_activity: connectActivityNormalizer,
};

// PostgreSQL's timestamptz has no year 0, and a time past year 9999 is not written as RFC 3339.
const EARLIEST_EVENT_TIME = Date.parse('0001-01-01T00:00:00Z');
const LATEST_EVENT_TIME = Date.parse('9999-12-31T23:59:59.999Z');

function readEventTime(value: unknown): Date {
  if (value === undefined || value === null) throw new FieldError('timestamp: missing');
  if (typeof value !== 'string') throw new FieldError('timestamp: must be a string');
  const millis = parseRfc3339(value);
  if (Number.isNaN(millis)) throw new FieldError('timestamp: not an RFC 3339 time');
  if (millis < EARLIEST_EVENT_TIME || millis > LATEST_EVENT_TIME) {
    throw new FieldError('timestamp: outside years 0001 to 9999 (UTC)');
  }
  return new Date(millis);
}

function reject(reason: string, externalId: string | null): NormalizeResult {
  return { ok: false, reason, externalId };
}

/**
 * Maps one raw event of `stream` to a NormalizedEvent, or says why it cannot be stored. Only
 * an unusable id or time rejects an event; any other bad field is dropped and listed in the
 * event's `issues`, and the raw copy is made storable (see toStorableJson).
 * Never throws for bad input: a bad event must not fail the batch it came in.
 */
export function normalizeEvent(stream: Stream, raw: unknown): NormalizeResult {
  if (!isJsonObject(raw)) return reject('event: must be a JSON object', null);
  // Callers may pass a stream name from untyped input.
  const normalizer = NORMALIZERS[stream] as StreamNormalizer | undefined;
  if (normalizer === undefined) return reject('stream: unknown', null);
  let externalId: string | null = null;
  try {
    externalId = normalizer.readId(raw);
    const event = emptyEvent(stream, externalId, readEventTime(raw.timestamp), raw);
    const fields = new FieldReader();
    normalizer.fill(raw, event, fields);
    const storable = toStorableJson(raw, EVENT_RAW_LIMITS);
    event.raw = storable.value as Record<string, unknown>;
    for (const amendment of storable.amendments) fields.drop('raw', amendment);
    if (fields.issues.length > 0) event.issues = fields.issues;
    return { ok: true, event };
  } catch (error) {
    if (error instanceof FieldError) return reject(error.message, externalId);
    throw error;
  }
}
