import { DynamicModule, Module } from '@nestjs/common';
import type { Duties } from '../config/duties';
import { DetectProcessor } from './detect.processor';
import { DetectSweeperService } from './detect-sweeper.service';
import { DetectionService } from './detection.service';
import { HeartbeatService } from './heartbeat.service';

/** The detect queue's consumer: runs in worker processes only. */
@Module({})
export class DetectionModule {
  static register(duties: Duties): DynamicModule {
    return {
      module: DetectionModule,
      providers: duties.worker
        ? [DetectionService, DetectProcessor, DetectSweeperService, HeartbeatService]
        : [],
    };
  }
}
