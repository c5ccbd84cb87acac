import type { Rejection } from './events.repository';
import { detectStream } from './normalize/detect-stream';
import { normalizeEvent } from './normalize/normalize-event';
import type { NormalizedEvent, Stream } from './normalize/normalized-event';

export interface IndexedRejection extends Rejection {
  index: number;
}

export interface NormalizedBatch {
  events: NormalizedEvent[];
  rejections: IndexedRejection[];
  /** Position of each event in the page. */
  eventIndexes: Map<NormalizedEvent, number>;
}

/**
 * Normalizes a page of raw objects. A bad object becomes a rejection with its position and
 * reason; the others go on. Without a stream, each object's stream is told by its shape.
 */
export function normalizeBatch(items: readonly unknown[], stream?: Stream): NormalizedBatch {
  const events: NormalizedEvent[] = [];
  const rejections: IndexedRejection[] = [];
  const eventIndexes = new Map<NormalizedEvent, number>();
  items.forEach((raw, index) => {
    const itemStream = stream ?? detectStream(raw);
    if (!itemStream) {
      rejections.push({ index, stream: null, externalId: null, reason: UNKNOWN_SHAPE, raw });
      return;
    }
    const result = normalizeEvent(itemStream, raw);
    if (result.ok) {
      events.push(result.event);
      eventIndexes.set(result.event, index);
    } else
      rejections.push({
        index,
        stream: itemStream,
        externalId: result.externalId,
        reason: result.reason,
        raw,
      });
  });
  return { events, rejections, eventIndexes };
}

const UNKNOWN_SHAPE =
  'not a recognised 1Password object (item usage, sign-in attempt, audit event or Connect activity); pass ?stream= to say which';
