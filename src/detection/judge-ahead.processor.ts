import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JUDGE_AHEAD_QUEUE, JudgeAheadPayload } from '../queue/queue.contract';
import { batchIdOf } from './batch-job';
import { DetectionService } from './detection.service';

/**
 * Judges live batches ahead of a backlog (DetectionService.judgeAhead), in whichever worker
 * process takes the job, one at a time: each reads the rules' history like a batch in its turn.
 */
@Processor(JUDGE_AHEAD_QUEUE, { concurrency: 1 })
export class JudgeAheadProcessor extends WorkerHost {
  constructor(private readonly detection: DetectionService) {
    super();
  }

  async process(job: Job<JudgeAheadPayload>): Promise<{ alerts: number }> {
    return { alerts: (await this.detection.judgeAhead(batchIdOf(job))).length };
  }
}
