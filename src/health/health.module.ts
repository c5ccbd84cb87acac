import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { PostgresProbe } from './postgres.probe';
import { RedisProbe } from './redis.probe';

/** /health and /metrics, served by every role; MetricsService is available everywhere. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [PostgresProbe, RedisProbe, HealthService, MetricsService],
  exports: [MetricsService],
})
export class HealthModule {}
