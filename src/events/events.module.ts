import { DynamicModule, Module } from '@nestjs/common';
import { Duties, sharedFor } from '../config/duties';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueModule } from '../queue/queue.module';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { PushService } from './push.service';
import { RecentBatches } from './recent-batches';
import { RejectedEventsRetentionService } from './rejected-events-retention.service';

/**
 * Events of recently stored batches kept for detection in the same process: two passes' worth
 * at most (PASS_EVENT_LIMIT events each), none where nothing detects.
 */
const RECENT_BATCH_EVENTS = 40_000;

@Module({})
export class EventsModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: EventsModule,
      imports: [QueueModule, MetricsModule],
      controllers: duties.api ? [EventsController] : [],
      providers: [
        EventsRepository,
        EventsService,
        PushService,
        {
          provide: RecentBatches,
          useValue: new RecentBatches(duties.worker ? RECENT_BATCH_EVENTS : 0),
        },
        // Rejections come from pollers and from pushes: either kind of process prunes them.
        ...(duties.ingest || duties.api ? [RejectedEventsRetentionService] : []),
      ],
      exports: [EventsService, RecentBatches],
    });
  }
}
