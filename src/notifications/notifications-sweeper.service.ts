import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { runPeriodically } from '../common/periodic';
import { notificationsConfig, NotificationsConfig } from '../config/app.config';
import { IncidentChangesService } from '../incidents/incident-changes.service';
import { clearLostJob } from '../queue/lost-job';
import { deliverJobId, NOTIFY_QUEUE } from '../queue/queue.contract';
import { DeliveriesRepository } from './deliveries.repository';
import { DispatchService } from './dispatch.service';

/**
 * Nothing committed is lost between the database and the queue: changes never routed are
 * routed, and deliveries whose job vanished are enqueued again.
 */
@Injectable()
export class NotificationsSweeperService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationsSweeperService.name);

  constructor(
    @Inject(notificationsConfig.KEY) private readonly config: NotificationsConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly changes: IncidentChangesService,
    private readonly dispatch: DispatchService,
    private readonly registry: SchedulerRegistry,
    @InjectQueue(NOTIFY_QUEUE) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.min(Math.max(this.config.sweepAfterMs / 4, 1000), 30_000);
    runPeriodically(this.registry, 'notifications-sweeper', every, () => this.sweep(), this.logger);
  }

  /**
   * A delivery whose job still waits, runs or is delayed is left alone; one whose job is gone
   * is enqueued again, and its lease keeps two attempts from running at once.
   */
  async sweep(): Promise<void> {
    const after = this.config.sweepAfterMs;
    for (const changeId of await this.changes.findUnrouted(after)) {
      await this.dispatch.route(changeId);
    }
    const lost: string[] = [];
    for (const deliveryId of await this.deliveries.staleDeliveries(after)) {
      if (await clearLostJob(this.queue, deliverJobId(deliveryId))) lost.push(deliveryId);
    }
    if (lost.length) {
      this.logger.warn(`Re-enqueued ${lost.length} delivery(ies) whose job was lost`);
      await this.dispatch.enqueue(lost);
    }
  }
}
