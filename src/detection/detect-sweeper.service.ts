import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { runPeriodically } from '../common/periodic';
import { sourcesConfig, SourcesConfig } from '../config/app.config';
import { EventsService } from '../events/events.service';
import { clearLostJob } from '../queue/lost-job';
import { DETECT_QUEUE, DetectBatchPayload, detectBatchJobId } from '../queue/queue.contract';

const SWEEP_LIMIT = 500;

/**
 * Finds batches stored but never detected (a crash between commit and enqueue, a job that
 * ran out of attempts) and hands them to the detect queue again.
 */
@Injectable()
export class DetectSweeperService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DetectSweeperService.name);

  constructor(
    private readonly events: EventsService,
    private readonly registry: SchedulerRegistry,
    @Inject(sourcesConfig.KEY) private readonly config: SourcesConfig,
    @InjectQueue(DETECT_QUEUE) private readonly queue: Queue<DetectBatchPayload>,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.min(Math.max(this.config.detectSweepAfterMs / 4, 1000), 60_000);
    runPeriodically(this.registry, 'detect-sweeper', every, () => this.sweep().then(), this.logger);
  }

  /** Returns how many batches were handed back to the queue. */
  async sweep(): Promise<number> {
    const batchIds = await this.events.findUndetectedBatches(
      this.config.detectSweepAfterMs,
      SWEEP_LIMIT,
    );
    const lost: string[] = [];
    for (const batchId of batchIds) {
      if (await clearLostJob(this.queue, detectBatchJobId(batchId))) lost.push(batchId);
    }
    if (lost.length) {
      this.logger.warn(`Re-enqueued ${lost.length} undetected batch(es)`);
      await this.events.enqueueDetection(lost);
    }
    return lost.length;
  }
}
