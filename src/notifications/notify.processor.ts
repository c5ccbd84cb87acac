import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import {
  DELIVER_JOB,
  DeliverPayload,
  NOTIFY_QUEUE,
  ROUTE_CHANGE_JOB,
  RouteChangePayload,
} from '../queue/queue.contract';
import { DeliveryService } from './delivery.service';
import { DispatchService } from './dispatch.service';

const NUMERIC = /^\d+$/;

/** The notify queue: routing incident changes, and sending each delivery. */
@Processor(NOTIFY_QUEUE, { concurrency: 4 })
export class NotifyProcessor extends WorkerHost {
  constructor(
    private readonly dispatch: DispatchService,
    private readonly delivery: DeliveryService,
  ) {
    super();
  }

  async process(job: Job<RouteChangePayload | DeliverPayload>, token?: string): Promise<string> {
    switch (job.name) {
      case ROUTE_CHANGE_JOB: {
        const { changeId } = job.data as RouteChangePayload;
        if (typeof changeId !== 'string' || !NUMERIC.test(changeId)) {
          throw new UnrecoverableError('route-change: changeId must be a numeric string');
        }
        return `routed to ${await this.dispatch.route(changeId)} channel(s)`;
      }
      case DELIVER_JOB: {
        const { deliveryId } = job.data as DeliverPayload;
        if (typeof deliveryId !== 'string' || !NUMERIC.test(deliveryId)) {
          throw new UnrecoverableError('deliver: deliveryId must be a numeric string');
        }
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const outcome = await this.delivery.deliver(deliveryId, lastAttempt);
        if (outcome.kind === 'retry-after') {
          // The provider said when: wait exactly that, without spending an attempt.
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError();
        }
        if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.reason);
        return outcome.kind;
      }
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }
}
