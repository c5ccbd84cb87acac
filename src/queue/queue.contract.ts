import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name, payload and job option in one place. Payloads carry ids only.
 */
export const DETECT_QUEUE = 'detect';
export const DETECT_BATCH_JOB = 'detect-batch';

/** A committed ingest batch whose events await detection. */
export interface DetectBatchPayload {
  batchId: string;
}

/** One job per batch: re-enqueueing a batch whose job still waits is a no-op. */
export const detectBatchJobId = (batchId: string) => `batch-${batchId}`;

export const DETECT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: true,
  removeOnFail: { count: 5000 },
};
