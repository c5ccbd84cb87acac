import { Job, UnrecoverableError } from 'bullmq';
import type { DetectBatchPayload } from '../queue/queue.contract';

/** The batch a job names; a job naming none is never retried. */
export function batchIdOf(job: Job<DetectBatchPayload>): string {
  const { batchId } = job.data;
  if (typeof batchId !== 'string' || !/^\d+$/.test(batchId)) {
    throw new UnrecoverableError(
      `${job.name} job ${job.id ?? '?'}: batchId must be a numeric string`,
    );
  }
  return batchId;
}
