import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service';
import {
  DETECT_BATCH_JOB,
  DETECT_QUEUE,
  DetectBatchPayload,
  detectBatchJobId,
  JUDGE_AHEAD_JOB,
  JUDGE_AHEAD_QUEUE,
  JudgeAheadPayload,
  judgeAheadJobId,
} from '../queue/queue.contract';
import {
  EventRow,
  EventsRepository,
  HistoryQuery,
  type BatchRecord,
  Rejection,
  type UndetectedBatch,
} from './events.repository';
import type { NormalizedEvent, Stream } from './normalize/normalized-event';
import { copiedDetectEvents } from './detect-event.mapper';
import { RecentBatches } from './recent-batches';

export interface IncomingBatch {
  /** Which source delivered the batch: `events:item_usage`, `connect:…`, `push`. */
  sourceId: string;
  events: NormalizedEvent[];
  rejections: Rejection[];
}

export interface StoredBatch {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events of the batch that PostgreSQL refused, stored as rejections instead. */
  unstorable: Array<{ event: NormalizedEvent; reason: string }>;
  batchId: string | null;
  newestEventTime: Date | null;
}

/**
 * A batch whose newest event is at most this old when stored is live (a push, a source that
 * has caught up), not history being read back; Events API item usages arrive minutes late.
 */
export const LIVE_EVENT_AGE_MS = 15 * 60_000;

const asRejection = (event: NormalizedEvent, reason: string): Rejection => ({
  stream: event.stream,
  externalId: event.externalId,
  reason,
  raw: event.raw,
});

/** Work that must commit or roll back together with the batch, such as a source cursor. */
export type SameTransaction = (manager: EntityManager, stored: StoredBatch) => Promise<void>;

@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);

  constructor(
    private readonly repository: EventsRepository,
    private readonly metrics: MetricsService,
    @InjectQueue(DETECT_QUEUE) private readonly detectQueue: Queue<DetectBatchPayload>,
    @InjectQueue(JUDGE_AHEAD_QUEUE) private readonly judgeAheadQueue: Queue<JudgeAheadPayload>,
    private readonly recent: RecentBatches,
  ) {}

  /**
   * Stores a batch exactly once: new events, rejections, the detection outbox row and the
   * caller's own writes commit in one transaction. Detection is enqueued after the commit;
   * if that fails, the sweeper finds the batch. A process that detects keeps the events COPY
   * wrote for its own detection (RecentBatches), which then need not read them back.
   */
  async storeBatch(batch: IncomingBatch, sameTransaction?: SameTransaction): Promise<StoredBatch> {
    let rejections: Rejection[] = [];
    const { stored, perStream, copied } = await this.repository.transaction(async (manager) => {
      rejections = [...batch.rejections];
      const inserted = await this.repository.insertEvents(manager, batch.sourceId, batch.events);
      rejections.push(
        ...inserted.unstorable.map(({ event, reason }) => asRejection(event, reason)),
      );
      await this.repository.insertRejections(manager, batch.sourceId, rejections);
      const batchId = inserted.ids.length ? inserted.batchId : null;
      if (batchId)
        await this.repository.insertBatch(manager, batchId, batch.sourceId, inserted.ids);
      const result: StoredBatch = {
        accepted: inserted.ids.length,
        duplicates: batch.events.length - inserted.ids.length - inserted.unstorable.length,
        rejected: rejections.length,
        unstorable: inserted.unstorable,
        batchId,
        newestEventTime: inserted.newestEventTime,
      };
      await sameTransaction?.(manager, result);
      return { stored: result, perStream: inserted.perStream, copied: inserted.copied };
    });
    if (stored.batchId && copied && this.recent.keeps) {
      const events = copiedDetectEvents(copied);
      if (events) this.recent.remember(stored.batchId, events);
    }

    for (const [stream, counts] of perStream) {
      this.metrics.eventsIngested.inc({ stream }, counts.inserted);
      this.metrics.eventsDuplicate.inc({ stream }, counts.duplicates);
    }
    for (const rejection of rejections) {
      this.metrics.eventsRejected.inc({ stream: rejection.stream ?? 'unknown' });
    }
    this.countIssues(batch.events);
    if (stored.batchId) {
      await this.enqueueDetection([stored.batchId]);
      const newest = stored.newestEventTime?.getTime() ?? 0;
      if (Date.now() - newest <= LIVE_EVENT_AGE_MS) await this.judgeAheadIfBehind(stored.batchId);
    }
    return stored;
  }

  /** Fields dropped or made safe, per stream and field (`raw` for the raw copy). */
  private countIssues(events: NormalizedEvent[]): void {
    for (const event of events) {
      for (const issue of event.issues ?? []) {
        this.metrics.countFieldIssue(event.stream, issue.field);
      }
    }
  }

  /** Enqueues detection; never throws, since a stored batch is never lost (the sweeper). */
  async enqueueDetection(batchIds: string[]): Promise<void> {
    try {
      const jobs = batchIds.map((batchId) => ({
        name: DETECT_BATCH_JOB,
        data: { batchId },
        opts: { jobId: detectBatchJobId(batchId) },
      }));
      // A stored page enqueues one job: `add` it. The PostgreSQL backend's bulk path builds two
      // temporary tables per call, several milliseconds of the database's CPU per page.
      if (jobs.length === 1) await this.detectQueue.add(jobs[0].name, jobs[0].data, jobs[0].opts);
      else await this.detectQueue.addBulk(jobs);
    } catch (error) {
      this.logger.warn(
        `Could not enqueue detection for ${batchIds.length} batch(es); the sweeper will retry: ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * A live batch stored while earlier batches wait for detection is judged ahead of them by a
   * worker (DetectionService.judgeAhead). Best effort, never throws: it is judged in its turn
   * all the same.
   */
  private async judgeAheadIfBehind(batchId: string): Promise<void> {
    try {
      if ((await this.repository.findUndetectedBefore(batchId, 1)).length === 0) return;
      await this.judgeAheadQueue.add(
        JUDGE_AHEAD_JOB,
        { batchId },
        { jobId: judgeAheadJobId(batchId) },
      );
    } catch (error) {
      const { name, code } = error as { name?: string; code?: string };
      this.logger.warn(`Batch ${batchId} not sent to be judged ahead (${code ?? name ?? 'error'})`);
    }
  }

  knownExternalIds(stream: Stream, externalIds: string[]): Promise<Set<string>> {
    return this.repository.knownExternalIds(stream, externalIds);
  }

  lockBatches(manager: EntityManager, batchIds: string[]): Promise<BatchRecord[]> {
    return this.repository.lockBatches(manager, batchIds);
  }

  readBatches(manager: EntityManager, batchIds: string[]): Promise<BatchRecord[]> {
    return this.repository.readBatches(manager, batchIds);
  }

  markBatchesDetected(manager: EntityManager, batchIds: string[]): Promise<void> {
    return this.repository.markBatchesDetected(manager, batchIds);
  }

  findForDetection(
    manager: EntityManager,
    batchIds: string[],
  ): Promise<Array<EventRow & { batch_id: string }>> {
    return this.repository.findForDetection(manager, batchIds);
  }

  findEvidence(ids: string[]): Promise<EventRow[]> {
    return this.repository.findEvidence(ids);
  }

  scanForDetection(from: Date, to: Date, after: { time: Date; id: string } | null, limit: number) {
    return this.repository.scanForDetection(from, to, after, limit);
  }

  countInRange(from: Date, to: Date): Promise<number> {
    return this.repository.countInRange(from, to);
  }

  findNeighbours(manager: EntityManager, query: Parameters<EventsRepository['findNeighbours']>[1]) {
    return this.repository.findNeighbours(manager, query);
  }

  findWaitingOf(
    manager: EntityManager,
    actorIds: string[],
    batchId: string,
    scanLimit: number,
  ): Promise<EventRow[] | null> {
    return this.repository.findWaitingOf(manager, actorIds, batchId, scanLimit);
  }

  findHistory(manager: EntityManager, query: HistoryQuery): Promise<EventRow[]> {
    return this.repository.findHistory(manager, query);
  }

  findUndetectedBefore(batchId: string, limit: number): Promise<UndetectedBatch[]> {
    return this.repository.findUndetectedBefore(batchId, limit);
  }

  findUndetectedAround(
    batchId: string,
    limit: number,
  ): Promise<{ earlier: UndetectedBatch[]; fromOwn: UndetectedBatch[] }> {
    return this.repository.findUndetectedAround(batchId, limit);
  }

  findUndetectedBatches(olderThanMs: number, limit: number): Promise<string[]> {
    return this.repository.findUndetectedBatches(olderThanMs, limit);
  }
}
