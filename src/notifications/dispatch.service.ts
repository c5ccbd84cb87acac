import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { IncidentChangesService } from '../incidents/incident-changes.service';
import {
  DELIVER_JOB,
  DELIVER_JOB_OPTIONS,
  DeliverPayload,
  deliverJobId,
  NOTIFY_QUEUE,
} from '../queue/queue.contract';
import { RulesService } from '../rules/rules.service';
import { ChannelsService } from './channels.service';
import { DeliveriesRepository } from './deliveries.repository';
import { routeChannels } from './routing';

/**
 * Routes an incident change: one delivery row per channel it goes to, each sent by its own
 * job, so a Slack outage never holds up email. Idempotent: routing twice adds nothing.
 */
@Injectable()
export class DispatchService {
  private readonly logger = new Logger(DispatchService.name);

  constructor(
    private readonly channels: ChannelsService,
    private readonly deliveries: DeliveriesRepository,
    private readonly changes: IncidentChangesService,
    private readonly rules: RulesService,
    @InjectQueue(NOTIFY_QUEUE) private readonly queue: Queue<DeliverPayload>,
  ) {}

  async route(changeId: string): Promise<number> {
    const change = await this.changes.findToRoute(changeId);
    const rule = change && (await this.rules.findByIds([change.ruleId])).get(change.ruleId);
    if (!change || !rule) return 0;
    const channels = routeChannels(await this.channels.list(), {
      severity: change.severity,
      ruleId: change.ruleId,
      ruleTags: rule.tags,
      ruleChannels: rule.channels,
    });
    // The deliveries and the mark that the change is routed commit together.
    const created = await this.deliveries.transaction(async (manager) => {
      const deliveries = await this.deliveries.createForChange(
        manager,
        changeId,
        change.incidentId,
        channels.map((channel) => channel.id),
      );
      await this.changes.markRouted(manager, changeId);
      return deliveries;
    });
    await this.enqueue(created.filter((delivery) => delivery.status === 'queued').map((d) => d.id));
    return created.length;
  }

  async enqueue(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: DELIVER_JOB,
        data: { deliveryId },
        opts: { ...DELIVER_JOB_OPTIONS, jobId: deliverJobId(deliveryId) },
      })),
    );
    this.logger.debug(`Enqueued ${deliveryIds.length} delivery(ies)`);
  }
}
