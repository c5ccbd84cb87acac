import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { queueConfig, QueueConfig } from '../config/app.config';
import { redisConnection } from '../queue/redis-connection';
import { failureReason } from '../common/deadline';
import { CheckResult, runCheck } from './probe';

/** Longest a ping may take before the client itself gives up on it. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * Readiness of Redis through a dedicated client that fails fast: no offline queue and a
 * command timeout, where BullMQ's own connections wait for Redis forever by design.
 */
@Injectable()
export class RedisProbe implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisProbe.name);
  private client: Redis | undefined;
  private lastProblem: string | undefined;

  constructor(@Inject(queueConfig.KEY) private readonly config: QueueConfig) {}

  /** Whether the queues are on Redis: otherwise there is nothing to probe. */
  get used(): boolean {
    return this.config.backend === 'redis';
  }

  onModuleInit(): void {
    if (!this.config.redisUrl) return;
    const client = new Redis({
      ...redisConnection(this.config.redisUrl),
      connectionName: 'vaultwatch-health',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // ioredis waits this long for a socket that is already gone before it lets go at shutdown.
      disconnectTimeout: 200,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    client.on('error', (error: unknown) => {
      this.noteProblem(failureReason(error));
    });
    client.on('ready', () => {
      this.noteProblem(undefined);
    });
    this.client = client;
    // Not awaited: a process whose Redis is down still starts, and reports not-ready.
    client.connect().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
    this.client = undefined;
  }

  async check(timeoutMs: number): Promise<CheckResult> {
    const client = this.client;
    if (!client) return { status: 'down', reason: 'not started' };
    if (client.status !== 'ready')
      return { status: 'down', reason: `not connected (${client.status})` };
    return runCheck(client.ping(), timeoutMs);
  }

  /** Logs changes only, so that a long outage is one line and its end another. */
  private noteProblem(problem: string | undefined): void {
    if (problem === this.lastProblem) return;
    if (problem) this.logger.warn(`Redis health connection: ${problem}`);
    else if (this.lastProblem) this.logger.log('Redis health connection restored');
    this.lastProblem = problem;
  }
}
