import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { SOURCE_STATES } from './source.entity';
import { SourcesRepository } from './sources.repository';

/**
 * Refreshes each source's gauges before a scrape, from the database (any process may poll
 * it): lag (now − newest event time), failed polls in a row, and state.
 */
@Injectable()
export class SourceMetricsCollector implements OnModuleInit {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.registerCollector(async () => {
      const now = Date.now();
      for (const source of await this.sources.list()) {
        if (source.newestEventAt) {
          this.metrics.sourceLag.set(
            { source: source.id },
            (now - source.newestEventAt.getTime()) / 1000,
          );
        }
        this.metrics.sourceFailures.set({ source: source.id }, source.consecutiveFailures);
        for (const state of SOURCE_STATES) {
          this.metrics.sourceState.set(
            { source: source.id, state },
            state === source.state ? 1 : 0,
          );
        }
      }
    }, 'sources');
  }
}
