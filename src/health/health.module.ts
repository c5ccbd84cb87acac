import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';
import { PostgresProbe } from './postgres.probe';
import { RedisProbe } from './redis.probe';

/** /health and /metrics, served by every role. */
@Module({
  imports: [MetricsModule],
  controllers: [HealthController, MetricsController],
  providers: [PostgresProbe, RedisProbe, HealthService],
})
export class HealthModule {}
