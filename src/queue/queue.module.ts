import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { queueConfig, QueueConfig } from '../config/app.config';
import { DETECT_JOB_OPTIONS, DETECT_QUEUE, NOTIFY_QUEUE } from './queue.contract';
import { QueueErrorsLogger } from './queue-errors.logger';
import { redisConnection } from './redis-connection';

/** The queue backend (BullMQ on Redis) is chosen here and nowhere else. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [queueConfig.KEY],
      useFactory: (config: QueueConfig) => ({
        connection: redisConnection(config.redisUrl),
        prefix: config.prefix,
      }),
    }),
    BullModule.registerQueue(
      { name: DETECT_QUEUE, defaultJobOptions: DETECT_JOB_OPTIONS },
      { name: NOTIFY_QUEUE },
    ),
  ],
  providers: [QueueErrorsLogger],
  exports: [BullModule],
})
export class QueueModule {}
