import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Duties, sharedFor } from '../config/duties';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { IngestService } from './ingest.service';
import { SourceCatalogService } from './source-catalog.service';
import { SourceDefinitionEntity } from './source-definition.entity';
import { SourceDefinitionsRepository } from './source-definitions.repository';
import { SourceEntity } from './source.entity';
import { SourceMetricsCollector } from './source-metrics.collector';
import { SourcesController } from './sources.controller';
import { SourcesRepository } from './sources.repository';
import { SourcesService } from './sources.service';

@Module({})
export class SourcesModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: SourcesModule,
      imports: [
        TypeOrmModule.forFeature([SourceEntity, SourceDefinitionEntity]),
        EventsModule.register(duties),
        MetricsModule,
      ],
      controllers: duties.api ? [SourcesController] : [],
      providers: [
        SourcesRepository,
        SourceDefinitionsRepository,
        SourceCatalogService,
        SourcesService,
        SourceMetricsCollector,
        ...(duties.ingest ? [IngestService] : []),
      ],
      exports: [SourcesService],
    });
  }
}
