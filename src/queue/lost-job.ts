import type { Queue } from 'bullmq';

/**
 * Whether the job with this id will never run again (never added, lost, done, or out of
 * attempts) while its work is still pending in the database. Such a job is removed, so that
 * the caller can add it again under the same id.
 */
export async function clearLostJob(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  const state = job ? await job.getState() : 'missing';
  if (!['missing', 'unknown', 'completed', 'failed'].includes(state)) return false;
  await job?.remove().catch(() => undefined);
  return true;
}
