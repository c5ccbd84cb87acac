import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DETECT_QUEUE, DetectBatchPayload } from '../queue/queue.contract';
import { batchIdOf } from './batch-job';
import { DetectionService } from './detection.service';

@Processor(DETECT_QUEUE, { concurrency: 2 })
export class DetectProcessor extends WorkerHost {
  constructor(private readonly detection: DetectionService) {
    super();
  }

  async process(job: Job<DetectBatchPayload>): Promise<{ events: number }> {
    return this.detection.processBatch(batchIdOf(job));
  }
}
