import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DETECT_QUEUE, JUDGE_AHEAD_QUEUE, NOTIFY_QUEUE } from './queue.contract';

const REPEAT_AFTER_MS = 60_000;

/**
 * Without an `error` listener BullMQ prints every Redis connection error. While Redis is
 * away we log once a minute instead; the connection retries on its own.
 */
@Injectable()
export class QueueErrorsLogger implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  private lastLoggedAt = 0;

  constructor(
    @InjectQueue(DETECT_QUEUE) private readonly detect: Queue,
    @InjectQueue(JUDGE_AHEAD_QUEUE) private readonly judgeAhead: Queue,
    @InjectQueue(NOTIFY_QUEUE) private readonly notify: Queue,
  ) {}

  onModuleInit(): void {
    for (const queue of [this.detect, this.judgeAhead, this.notify]) {
      queue.on('error', (error: Error) => {
        const now = Date.now();
        if (now - this.lastLoggedAt < REPEAT_AFTER_MS) return;
        this.lastLoggedAt = now;
        this.logger.warn(`Queue ${queue.name}: ${error.message}; retrying`);
      });
    }
  }
}
