import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { queueConfig, QueueConfig } from '../config/app.config';
import { redisConnection } from '../queue/redis-connection';

/**
 * The Redis connection of the Slack rate gate, made on first use (only the Redis queue
 * backend uses it) and closed with the application.
 */
@Injectable()
export class NotificationsRedis implements OnApplicationShutdown {
  private connection: Redis | undefined;

  constructor(@Inject(queueConfig.KEY) private readonly config: QueueConfig) {}

  get client(): Redis {
    if (!this.config.redisUrl) throw new Error('No REDIS_URL: the queues are not on Redis');
    this.connection ??= new Redis({ ...redisConnection(this.config.redisUrl), lazyConnect: true });
    return this.connection;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection?.quit().catch(() => {
      this.connection?.disconnect();
    });
  }
}
