import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './auth/auth.module';
import { BaselinesModule } from './baselines/baselines.module';
import { LoggingModule } from './common/logging.module';
import { ConfigModule } from './config/config.module';
import type { Duties } from './config/duties';
import { ConsoleModule } from './console/console.module';
import { DatabaseModule } from './database/database.module';
import { DetectionModule } from './detection/detection.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { NotificationsModule } from './notifications/notifications.module';
import { RulesModule } from './rules/rules.module';
import { SourcesModule } from './sources/sources.module';

/**
 * One build, several processes: the duties (derived from APP_ROLE in config/duties.ts) pick
 * what this process runs. Every role serves /health and /metrics.
 *
 * Global, as Nest's own idiom has them, are only the bottom layer that every module reads the
 * same way: configuration (`@nestjs/config`), logging (nestjs-pino), the database connection
 * (TypeORM's root module) and the scheduler registry. Every feature module declares the
 * modules it imports; the list below holds the roots, in the order data flows.
 */
@Module({})
export class AppModule {
  static forDuties(duties: Duties): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule,
        LoggingModule,
        DatabaseModule,
        ScheduleModule.forRoot(),
        HealthModule,
        AuthModule.register(duties),
        EventsModule.register(duties),
        SourcesModule.register(duties),
        BaselinesModule.register(duties),
        RulesModule.register(duties),
        IncidentsModule.register(duties),
        DetectionModule.register(duties),
        NotificationsModule.register(duties),
        ...(duties.api ? [ConsoleModule] : []),
      ],
    };
  }
}
