import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { DETECT_QUEUE, DetectBatchPayload } from '../queue/queue.contract';
import { DetectionService } from './detection.service';

@Processor(DETECT_QUEUE, { concurrency: 2 })
export class DetectProcessor extends WorkerHost {
  constructor(private readonly detection: DetectionService) {
    super();
  }

  async process(job: Job<DetectBatchPayload>): Promise<{ events: number }> {
    const { batchId } = job.data;
    if (typeof batchId !== 'string' || !/^\d+$/.test(batchId)) {
      throw new UnrecoverableError(`detect job ${job.id ?? '?'}: batchId must be a numeric string`);
    }
    return this.detection.processBatch(batchId);
  }
}
