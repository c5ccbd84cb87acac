import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { runPeriodically } from '../common/periodic';
import { clearLostJob } from '../queue/lost-job';
import { deliverJobId, NOTIFY_QUEUE } from '../queue/queue.contract';
import { DeliveriesRepository } from './deliveries.repository';
import { DispatchService } from './dispatch.service';

const EVERY_MS = 30_000;
const UNROUTED_AFTER_MS = 30_000;
const STALE_AFTER_MS = 15 * 60_000;

/**
 * Nothing committed is lost between the database and the queue: changes never routed are
 * routed, and deliveries whose job vanished are enqueued again.
 */
@Injectable()
export class NotificationsSweeperService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationsSweeperService.name);

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatch: DispatchService,
    private readonly registry: SchedulerRegistry,
    @InjectQueue(NOTIFY_QUEUE) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    runPeriodically(
      this.registry,
      'notifications-sweeper',
      EVERY_MS,
      () => this.sweep(),
      this.logger,
    );
  }

  async sweep(): Promise<void> {
    for (const changeId of await this.deliveries.unroutedChanges(UNROUTED_AFTER_MS)) {
      await this.dispatch.route(changeId);
    }
    const lost: string[] = [];
    for (const deliveryId of await this.deliveries.staleDeliveries(STALE_AFTER_MS)) {
      if (await clearLostJob(this.queue, deliverJobId(deliveryId))) lost.push(deliveryId);
    }
    if (lost.length) {
      this.logger.warn(`Re-enqueued ${lost.length} delivery(ies) whose job was lost`);
      await this.dispatch.enqueue(lost);
    }
  }
}
