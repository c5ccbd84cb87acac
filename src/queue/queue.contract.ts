import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name, payload and job option in one place. Payloads carry ids only.
 * The options hold on both backends, Redis and PostgreSQL.
 */
/**
 * Failed jobs are kept two weeks for inspection. An age, not a count: on PostgreSQL a count
 * trims every failed job of the queue in each failing job's transaction, and two of those
 * can deadlock.
 */
const KEEP_FAILED = { age: 14 * 86_400 };

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
  removeOnFail: KEEP_FAILED,
};

export const JUDGE_AHEAD_QUEUE = 'judge-ahead';
export const JUDGE_AHEAD_JOB = 'judge-ahead';

/** A live batch stored behind a backlog: judged ahead of it (DetectionService.judgeAhead). */
export type JudgeAheadPayload = DetectBatchPayload;

export const judgeAheadJobId = (batchId: string) => `ahead-${batchId}`;

/** Best effort, never retried: a batch not judged ahead is judged in its turn all the same. */
export const JUDGE_AHEAD_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: true,
};

export const NOTIFY_QUEUE = 'notify';
/** An incident change to route to its channels (creates one delivery per channel). */
export const ROUTE_CHANGE_JOB = 'route-change';
/** One delivery: an incident change sent to one channel. */
export const DELIVER_JOB = 'deliver';

export interface RouteChangePayload {
  changeId: string;
}

export interface DeliverPayload {
  deliveryId: string;
}

/** BullMQ ignores a job whose id exists: a change is routed once, a delivery sent once. */
export const routeChangeJobId = (changeId: string) => `change-${changeId}`;
export const deliverJobId = (deliveryId: string) => `delivery-${deliveryId}`;

export const ROUTE_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: true,
  removeOnFail: KEEP_FAILED,
};

/**
 * Tries of one delivery before it is marked failed (six, exponential from 5 s with full jitter,
 * as alerting-recommendations.md advises). The same limit caps the attempts recorded on the
 * delivery itself, which also count Retry-After waits and jobs a sweeper enqueued again.
 */
export const DELIVERY_ATTEMPTS = 6;

export const DELIVER_JOB_OPTIONS: JobsOptions = {
  attempts: DELIVERY_ATTEMPTS,
  backoff: { type: 'exponential', delay: 5000, jitter: 1 },
  removeOnComplete: true,
  removeOnFail: KEEP_FAILED,
};
