import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { MetricsService } from './metrics.service';

/**
 * The process's Prometheus registry. Modules that count (events, sources, detection) import it;
 * health serves it at /metrics.
 */
@Module({
  imports: [QueueModule],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
