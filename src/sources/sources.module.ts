import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Duties } from '../config/duties';
import { IngestService } from './ingest.service';
import { SourceEntity } from './source.entity';
import { SourceLagCollector } from './source-lag.collector';
import { SourcesController } from './sources.controller';
import { SourcesRepository } from './sources.repository';

@Module({})
export class SourcesModule {
  static register(duties: Duties): DynamicModule {
    return {
      module: SourcesModule,
      imports: [TypeOrmModule.forFeature([SourceEntity])],
      controllers: duties.api ? [SourcesController] : [],
      providers: [SourcesRepository, SourceLagCollector, ...(duties.ingest ? [IngestService] : [])],
    };
  }
}
