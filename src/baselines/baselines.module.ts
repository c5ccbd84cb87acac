import { DynamicModule, Module } from '@nestjs/common';
import type { Duties } from '../config/duties';
import { BaselinesController } from './baselines.controller';
import {
  BASELINES_OPTIONS,
  BaselinesOptions,
  DEFAULT_BASELINES_OPTIONS,
} from './baselines.options';
import { BaselinesLearningRepository } from './baselines-learning.repository';
import { BaselinesQueryRepository } from './baselines-query.repository';
import { BaselinesRetentionRepository } from './baselines-retention.repository';
import { BaselinesRetentionService } from './baselines-retention.service';
import { BaselinesService } from './baselines.service';

/**
 * Per-entity baselines. BaselinesService is exported, globally, for the detection worker
 * (loadSnapshot, applyBatch) and rule tests; the REST controller runs in API processes,
 * retention in worker processes.
 */
@Module({})
export class BaselinesModule {
  static register(duties: Duties, options: Partial<BaselinesOptions> = {}): DynamicModule {
    return {
      module: BaselinesModule,
      global: true,
      controllers: duties.api ? [BaselinesController] : [],
      providers: [
        { provide: BASELINES_OPTIONS, useValue: { ...DEFAULT_BASELINES_OPTIONS, ...options } },
        BaselinesLearningRepository,
        BaselinesQueryRepository,
        BaselinesRetentionRepository,
        BaselinesService,
        ...(duties.worker ? [BaselinesRetentionService] : []),
      ],
      exports: [BaselinesService],
    };
  }
}
