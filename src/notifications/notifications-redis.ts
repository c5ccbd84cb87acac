import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { queueConfig, QueueConfig } from '../config/app.config';
import { redisConnection } from '../queue/redis-connection';

/** The Redis connection of the Slack rate gate, closed with the application. */
@Injectable()
export class NotificationsRedis implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(queueConfig.KEY) config: QueueConfig) {
    this.client = new Redis({ ...redisConnection(config.redisUrl), lazyConnect: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => {
      this.client.disconnect();
    });
  }
}
