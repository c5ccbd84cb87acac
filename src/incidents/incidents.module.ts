import { DynamicModule, Module } from '@nestjs/common';
import { Duties, sharedFor } from '../config/duties';
import { EventsModule } from '../events/events.module';
import { QueueModule } from '../queue/queue.module';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { IncidentGroupingService } from './incident-grouping.service';
import { IncidentLifecycleService } from './incident-lifecycle.service';
import { IncidentTimersService } from './incident-timers.service';
import { IncidentsController } from './incidents.controller';
import { IncidentsQueryService } from './incidents-query.service';
import { SilencesController } from './silences.controller';
import { SilencesService } from './silences.service';

/** Alerts, the incidents they form, their lifecycle and timers, and silences. */
@Module({})
export class IncidentsModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: IncidentsModule,
      imports: [EventsModule.register(duties), QueueModule],
      controllers: duties.api ? [IncidentsController, SilencesController] : [],
      providers: [
        AlertsRepository,
        AlertsService,
        IncidentGroupingService,
        IncidentLifecycleService,
        IncidentsQueryService,
        SilencesService,
        ...(duties.worker ? [IncidentTimersService] : []),
      ],
      exports: [AlertsService, IncidentLifecycleService, IncidentsQueryService],
    });
  }
}
