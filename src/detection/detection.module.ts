import { DynamicModule, Module } from '@nestjs/common';
import { BaselinesModule } from '../baselines/baselines.module';
import { Duties, sharedFor } from '../config/duties';
import { EventsModule } from '../events/events.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueModule } from '../queue/queue.module';
import { RulesModule } from '../rules/rules.module';
import { SourcesModule } from '../sources/sources.module';
import { DetectProcessor } from './detect.processor';
import { DetectSweeperService } from './detect-sweeper.service';
import { DetectionService } from './detection.service';
import { HeartbeatService } from './heartbeat.service';
import { JudgeAheadProcessor } from './judge-ahead.processor';

/** The detect queue's consumer: its providers run in worker processes only. */
@Module({})
export class DetectionModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: DetectionModule,
      imports: [
        EventsModule.register(duties),
        SourcesModule.register(duties),
        BaselinesModule.register(duties),
        RulesModule.register(duties),
        IncidentsModule.register(duties),
        QueueModule,
        MetricsModule,
      ],
      providers: duties.worker
        ? [
            DetectionService,
            DetectProcessor,
            DetectSweeperService,
            HeartbeatService,
            JudgeAheadProcessor,
          ]
        : [],
    });
  }
}
