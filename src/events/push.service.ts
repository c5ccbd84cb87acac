import { Injectable } from '@nestjs/common';
import type { Rejection } from './events.repository';
import { EventsService } from './events.service';
import { normalizeBatch } from './normalize-batch';
import type { Stream } from './normalize/normalized-event';
import { splitPushedBody } from './push-body';

export const PUSH_SOURCE_ID = 'push';

export interface PushResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; reason: string }>;
}

/** `POST /api/v1/events`: objects pushed by a backfill or another collector. */
@Injectable()
export class PushService {
  constructor(private readonly events: EventsService) {}

  async push(body: unknown, stream?: Stream): Promise<PushResult> {
    const entries = splitPushedBody(body);
    const positions: number[] = [];
    const values: unknown[] = [];
    const rejected: Array<Rejection & { index: number }> = [];
    entries.forEach((entry, index) => {
      if (entry.ok) {
        positions.push(index);
        values.push(entry.value);
      } else {
        rejected.push({
          index,
          stream: stream ?? null,
          externalId: null,
          reason: entry.reason,
          raw: entry.raw,
        });
      }
    });
    const normalized = normalizeBatch(values, stream);
    for (const rejection of normalized.rejections) {
      rejected.push({ ...rejection, index: positions[rejection.index] });
    }

    const stored = await this.events.storeBatch({
      sourceId: PUSH_SOURCE_ID,
      events: normalized.events,
      rejections: rejected,
    });
    const answer = rejected.map(({ index, reason }) => ({ index, reason }));
    for (const { event, reason } of stored.unstorable) {
      answer.push({ index: positions[normalized.eventIndexes.get(event)!], reason });
    }
    return {
      accepted: stored.accepted,
      duplicates: stored.duplicates,
      rejected: answer.sort((a, b) => a.index - b.index),
    };
  }
}
