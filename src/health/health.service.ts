import { Injectable } from '@nestjs/common';
import type { HealthReport } from './health.dto';
import { PostgresProbe } from './postgres.probe';
import { RedisProbe } from './redis.probe';

/** Each dependency gets this long; both are checked at once, so /health answers within it. */
export const PROBE_TIMEOUT_MS = 1_000;

@Injectable()
export class HealthService {
  constructor(
    private readonly postgres: PostgresProbe,
    private readonly redis: RedisProbe,
  ) {}

  /** PostgreSQL, and Redis when the queues are there (on PostgreSQL the first check covers them). */
  async report(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([
      this.postgres.check(PROBE_TIMEOUT_MS),
      this.redis.used ? this.redis.check(PROBE_TIMEOUT_MS) : undefined,
    ]);
    const checks = redis ? { database, redis } : { database };
    const ready = [database, redis].every((check) => !check || check.status === 'up');
    return {
      status: ready ? 'ok' : 'error',
      queueBackend: this.redis.used ? 'redis' : 'postgres',
      checks,
    };
  }
}
