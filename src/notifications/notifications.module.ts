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
import { RulesModule } from '../rules/rules.module';
import { ChannelEntity } from './channel.entity';
import { ChannelTestService } from './channel-test.service';
import { ChannelRegistry } from './channels/channel-registry';
import { DestinationGuard } from './destinations/destination-guard';
import { ChannelsController } from './channels.controller';
import { ChannelsRepository } from './channels.repository';
import { ChannelsService } from './channels.service';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveryLogService } from './delivery-log.service';
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
        RulesModule.register(duties),
        QueueModule,
      ],
      controllers: duties.api
        ? [ChannelsController, NotificationsController, SlackActionsController]
        : [],
      providers: [
        ChannelsService,
        ChannelsRepository,
        ChannelTestService,
        DeliveriesRepository,
        DispatchService,
        DeliveryService,
        DeliveryLogService,
        NotificationsRedis,
        {
          // One answer to "may this address be reached?" for validation and for sending.
          provide: DestinationGuard,
          inject: [notificationsConfig.KEY],
          useFactory: (config: NotificationsConfig) =>
            new DestinationGuard(config.allowPrivateDestinations),
        },
        {
          // Rate gates live where the queues do, so they hold across every worker.
          provide: ChannelRegistry,
          inject: [
            NotificationsRedis,
            getDataSourceToken(),
            queueConfig.KEY,
            notificationsConfig.KEY,
            DestinationGuard,
          ],
          useFactory: (
            redis: NotificationsRedis,
            dataSource: DataSource,
            queue: QueueConfig,
            config: NotificationsConfig,
            guard: DestinationGuard,
          ) =>
            ChannelRegistry.create({
              guard,
              slotGate: (name) =>
                queue.backend === 'redis'
                  ? new SlackRateGate(redis.client, `${queue.prefix}:${name}:`)
                  : new PostgresSlotGate(dataSource, `${queue.prefix}:${name}:`),
              slackApiUrl: config.slackApiUrl,
            }),
        },
        ...(duties.worker ? [NotifyProcessor, NotificationsSweeperService] : []),
      ],
    });
  }
}
