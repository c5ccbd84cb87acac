import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../health/metrics.service';
import { SourcesRepository } from './sources.repository';

/** Refreshes each source's lag gauge (now − newest event time) before a scrape. */
@Injectable()
export class SourceLagCollector implements OnModuleInit {
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
      }
    });
  }
}
