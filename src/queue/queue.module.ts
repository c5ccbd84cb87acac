import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { databaseConfig, DatabaseConfig, queueConfig, QueueConfig } from '../config/app.config';
import {
  DETECT_JOB_OPTIONS,
  DETECT_QUEUE,
  JUDGE_AHEAD_JOB_OPTIONS,
  JUDGE_AHEAD_QUEUE,
  NOTIFY_QUEUE,
} from './queue.contract';
import { QueueErrorsLogger } from './queue-errors.logger';
import { WorkersDrain } from './workers-drain';
import { queueRootOptions } from './queue-connection';

/**
 * The queue backend (BullMQ on Redis or on PostgreSQL) is chosen here and nowhere else. Not
 * global: the modules that enqueue or consume (events, incidents, detection, notifications,
 * metrics) import it, so the graph shows who talks to the queues.
 */
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [queueConfig.KEY, databaseConfig.KEY],
      // The connection's type is the backend's: Redis options or a PostgreSQL pool config.
      useFactory: (config: QueueConfig, database: DatabaseConfig) =>
        queueRootOptions(config, database.url),
    }),
    BullModule.registerQueue(
      { name: DETECT_QUEUE, defaultJobOptions: DETECT_JOB_OPTIONS },
      { name: JUDGE_AHEAD_QUEUE, defaultJobOptions: JUDGE_AHEAD_JOB_OPTIONS },
      { name: NOTIFY_QUEUE },
    ),
  ],
  providers: [QueueErrorsLogger, WorkersDrain],
  exports: [BullModule],
})
export class QueueModule {}
