import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Duties } from '../config/duties';
import { IngestService } from './ingest.service';
import { SourceEntity } from './source.entity';
import { SourceMetricsCollector } from './source-metrics.collector';
import { SourcesController } from './sources.controller';
import { SourcesRepository } from './sources.repository';
import { SourcesService } from './sources.service';

@Module({})
export class SourcesModule {
  static register(duties: Duties): DynamicModule {
    return {
      module: SourcesModule,
      global: true,
      imports: [TypeOrmModule.forFeature([SourceEntity])],
      controllers: duties.api ? [SourcesController] : [],
      providers: [
        SourcesRepository,
        SourcesService,
        SourceMetricsCollector,
        ...(duties.ingest ? [IngestService] : []),
      ],
      exports: [SourcesService],
    };
  }
}
