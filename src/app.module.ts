import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './auth/auth.module';
import { BaselinesModule } from './baselines/baselines.module';
import { LoggingModule } from './common/logging.module';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { AppRole, runs } from './config/roles';
import { DatabaseModule } from './database/database.module';
import { DetectionModule } from './detection/detection.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { NotificationsModule } from './notifications/notifications.module';
import { QueueModule } from './queue/queue.module';
import { RulesModule } from './rules/rules.module';
import { SourcesModule } from './sources/sources.module';

/**
 * One build, several processes: APP_ROLE picks which duties (HTTP API, pollers, queue
 * workers) this process runs. Every role serves /health and /metrics.
 */
@Module({})
export class AppModule {
  static forRole(role: AppRole): DynamicModule {
    const duties = {
      api: runs(role, 'api'),
      ingest: runs(role, 'ingest'),
      worker: runs(role, 'worker'),
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule,
        LoggingModule,
        DatabaseModule,
        QueueModule,
        ScheduleModule.forRoot(),
        HealthModule,
        AuthModule.register(duties),
        EventsModule.register(duties),
        SourcesModule.register(duties),
        RulesModule.register(duties),
        // Global: the detection worker reads and teaches baselines.
        { ...BaselinesModule.register(duties), global: true },
        IncidentsModule.register(duties),
        NotificationsModule.register(duties),
        DetectionModule.register(duties),
        ...(duties.api ? [ConsoleModule] : []),
      ],
    };
  }
}
