import { DynamicModule, Module } from '@nestjs/common';
import { Duties, sharedFor } from '../config/duties';
import { EventsModule } from '../events/events.module';
import { QueueModule } from '../queue/queue.module';
import { RulesModule } from '../rules/rules.module';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { IncidentChangesService } from './incident-changes.service';
import { IncidentGroupingService } from './incident-grouping.service';
import { IncidentLifecycleService } from './incident-lifecycle.service';
import { IncidentTimersService } from './incident-timers.service';
import { IncidentsController } from './incidents.controller';
import { IncidentsQueryRepository } from './incidents-query.repository';
import { IncidentsQueryService } from './incidents-query.service';
import { IncidentsRepository } from './incidents.repository';
import { SilencesController } from './silences.controller';
import { SilencesRepository } from './silences.repository';
import { SilencesService } from './silences.service';

/** Alerts, the incidents they form, their lifecycle and timers, and silences. */
@Module({})
export class IncidentsModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: IncidentsModule,
      imports: [EventsModule.register(duties), RulesModule.register(duties), QueueModule],
      controllers: duties.api ? [IncidentsController, SilencesController] : [],
      providers: [
        AlertsRepository,
        IncidentsRepository,
        IncidentsQueryRepository,
        SilencesRepository,
        AlertsService,
        IncidentChangesService,
        IncidentGroupingService,
        IncidentLifecycleService,
        IncidentsQueryService,
        SilencesService,
        ...(duties.worker ? [IncidentTimersService] : []),
      ],
      exports: [
        AlertsService,
        IncidentChangesService,
        IncidentLifecycleService,
        IncidentsQueryService,
      ],
    });
  }
}
