import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  notificationsConfig,
  NotificationsConfig,
  queueConfig,
  QueueConfig,
} from '../config/app.config';
import { Duties, sharedFor } from '../config/duties';
import { IncidentsModule } from '../incidents/incidents.module';
import { QueueModule } from '../queue/queue.module';
import { ChannelEntity } from './channel.entity';
import { ChannelTestService } from './channel-test.service';
import { ChannelRegistry } from './channels/channel-registry';
import { EmailChannel } from './channels/email.channel';
import { SlackChannel } from './channels/slack.channel';
import { WebhookChannel } from './channels/webhook.channel';
import { DestinationGuard } from './destinations/destination-guard';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryService } from './delivery.service';
import { DispatchService } from './dispatch.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsRedis } from './notifications-redis';
import { NotificationsSweeperService } from './notifications-sweeper.service';
import { NotifyProcessor } from './notify.processor';
import { PostgresSlotGate } from './postgres-slot-gate';
import { SlackActionsController } from './slack-actions.controller';
import { SlackRateGate } from './slack-rate-gate';

/** Channels, routing, the delivery queue and its log, and Slack interactivity. */
@Module({})
export class NotificationsModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: NotificationsModule,
      imports: [
        TypeOrmModule.forFeature([ChannelEntity]),
        IncidentsModule.register(duties),
        QueueModule,
      ],
      controllers: duties.api
        ? [ChannelsController, NotificationsController, SlackActionsController]
        : [],
      providers: [
        ChannelsService,
        ChannelTestService,
        DeliveriesRepository,
        DispatchService,
        DeliveryService,
        NotificationsRedis,
        {
          // One answer to "may this address be reached?" for validation and for sending.
          provide: DestinationGuard,
          inject: [notificationsConfig.KEY],
          useFactory: (config: NotificationsConfig) =>
            new DestinationGuard(config.allowPrivateDestinations),
        },
        {
          // At most one message a second per Slack channel, across every worker: the gate
          // lives where the queues do.
          provide: ChannelRegistry,
          inject: [NotificationsRedis, getDataSourceToken(), queueConfig.KEY, DestinationGuard],
          useFactory: (
            redis: NotificationsRedis,
            dataSource: DataSource,
            queue: QueueConfig,
            guard: DestinationGuard,
          ) =>
            new ChannelRegistry(
              new SlackChannel({
                gate:
                  queue.backend === 'redis'
                    ? new SlackRateGate(redis.client, `${queue.prefix}:slack-rate:`)
                    : new PostgresSlotGate(dataSource, `${queue.prefix}:slack-rate:`),
                guard,
              }),
              new EmailChannel({ guard }),
              new WebhookChannel({ guard }),
            ),
        },
        ...(duties.worker ? [NotifyProcessor, NotificationsSweeperService] : []),
      ],
    });
  }
}
