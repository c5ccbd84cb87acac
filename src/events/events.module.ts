import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Duties, sharedFor } from '../config/duties';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueModule } from '../queue/queue.module';
import { EventEntity } from './event.entity';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { PushService } from './push.service';
import { RejectedEventsRetentionService } from './rejected-events-retention.service';

@Module({})
export class EventsModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: EventsModule,
      imports: [TypeOrmModule.forFeature([EventEntity]), QueueModule, MetricsModule],
      controllers: duties.api ? [EventsController] : [],
      providers: [
        EventsRepository,
        EventsService,
        PushService,
        // Rejections come from pollers and from pushes: either kind of process prunes them.
        ...(duties.ingest || duties.api ? [RejectedEventsRetentionService] : []),
      ],
      exports: [EventsService],
    });
  }
}
