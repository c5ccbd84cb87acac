import { DynamicModule, Module } from '@nestjs/common';
import { Duties, sharedFor } from '../config/duties';
import { BaselinesController } from './baselines.controller';
import { BASELINES_OPTIONS, DEFAULT_BASELINES_OPTIONS } from './baselines.options';
import { BaselinesLearningRepository } from './baselines-learning.repository';
import { BaselinesQueryRepository } from './baselines-query.repository';
import { BaselinesRetentionRepository } from './baselines-retention.repository';
import { BaselinesRetentionService } from './baselines-retention.service';
import { BaselinesService } from './baselines.service';

/**
 * Per-entity baselines. BaselinesService is exported for the detection worker (loadSnapshot,
 * applyBatch); the REST controller runs in API processes, retention in worker processes.
 */
@Module({})
export class BaselinesModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: BaselinesModule,
      controllers: duties.api ? [BaselinesController] : [],
      providers: [
        { provide: BASELINES_OPTIONS, useValue: DEFAULT_BASELINES_OPTIONS },
        BaselinesLearningRepository,
        BaselinesQueryRepository,
        BaselinesRetentionRepository,
        BaselinesService,
        ...(duties.worker ? [BaselinesRetentionService] : []),
      ],
      exports: [BaselinesService],
    });
  }
}
