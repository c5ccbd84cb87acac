import { auditEventNormalizer } from './audit-event.normalizer';
import { connectActivityNormalizer } from './connect-activity.normalizer';
import { emptyEvent, type StreamNormalizer } from './event-parts';
import { FieldError, isJsonObject } from './field-readers';
import { itemUsageNormalizer } from './item-usage.normalizer';
import type { NormalizeResult, Stream } from './normalized-event';
import { parseRfc3339 } from './rfc3339';
import { signinAttemptNormalizer } from './signin-attempt.normalizer';

const NORMALIZERS: Readonly<Record<Stream, StreamNormalizer>> = {
  item_usage: itemUsageNormalizer,
  signin_attempt: signinAttemptNormalizer,
  audit_event: auditEventNormalizer,
  connect_activity: connectActivityNormalizer,
};

function readEventTime(value: unknown): Date {
  if (value === undefined || value === null) throw new FieldError('timestamp: missing');
  if (typeof value !== 'string') throw new FieldError('timestamp: must be a string');
  const millis = parseRfc3339(value);
  if (Number.isNaN(millis)) throw new FieldError('timestamp: not an RFC 3339 time');
  return new Date(millis);
}

function reject(reason: string, externalId: string | null): NormalizeResult {
  return { ok: false, reason, externalId };
}

/**
 * Maps one raw event of `stream` to a NormalizedEvent, or says which field stopped it.
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
    normalizer.fill(raw, event);
    return { ok: true, event };
  } catch (error) {
    if (error instanceof FieldError) return reject(error.message, externalId);
    throw error;
  }
}
