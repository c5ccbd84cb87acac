import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventsService } from '../events/events.service';
import { DetectionService } from './detection.service';

/** Live batches waiting at most: beyond, a burst waits for its turn in order like the rest. */
const MAX_WAITING = 100;

/**
 * Where detection runs in the process that stores events (`APP_ROLE=all`), each live batch
 * stored behind a backlog is judged ahead of it (DetectionService.judgeAhead), one at a time.
 * Best effort: a batch not judged ahead (dropped, failed, the process died) is judged in its
 * turn all the same.
 */
@Injectable()
export class JudgeAheadService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(JudgeAheadService.name);
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly events: EventsService,
    private readonly detection: DetectionService,
  ) {}

  onModuleInit(): void {
    this.events.onLiveBatch((batchId) => {
      this.judgeAhead(batchId);
    });
  }

  // Before the database closes: the batch being judged ahead finishes, none starts.
  async beforeApplicationShutdown(): Promise<void> {
    this.waiting = MAX_WAITING;
    await this.chain;
  }

  private judgeAhead(batchId: string): void {
    if (this.waiting >= MAX_WAITING) return;
    this.waiting += 1;
    this.chain = this.chain
      .then(() => this.detection.judgeAhead(batchId))
      .then(
        () => undefined,
        (error: unknown) => {
          // The name and code only: a database message may quote an event's values.
          const { name, code } = error as { name?: string; code?: string };
          this.logger.warn(`Batch ${batchId} not judged ahead (${code ?? name ?? 'error'})`);
        },
      )
      .finally(() => {
        this.waiting -= 1;
      });
  }
}
