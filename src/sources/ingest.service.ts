import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createHash } from 'node:crypto';
import { sourcesConfig, SourcesConfig } from '../config/app.config';
import type { SourceDefinition } from '../config/source-definition';
import { runPeriodically } from '../common/periodic';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { ConnectSource } from './connect.source';
import { EventsApiSource } from './events-api.source';
import { IngestContext, RunningSource } from './running-source';
import { SourceCatalogService } from './source-catalog.service';
import { SourcesRepository } from './sources.repository';

const RECONCILE_TASK = 'sources:reconcile';

/**
 * Polls every named source: the set of running sources follows the catalog, reconciled at
 * start-up, after each change made in this process, and every SOURCES_RECONCILE_INTERVAL
 * (changes made by another process). A changed definition restarts its source on the same
 * streams and cursors; a deleted one stops, its events kept.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private readonly running = new Map<string, { fingerprint: string; source: RunningSource }>();
  private readonly context: IngestContext;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: () => void = () => undefined;
  private unreadable = '';
  private stopped = false;

  constructor(
    @Inject(sourcesConfig.KEY) private readonly config: SourcesConfig,
    private readonly catalog: SourceCatalogService,
    sources: SourcesRepository,
    events: EventsService,
    private readonly registry: SchedulerRegistry,
    metrics: MetricsService,
  ) {
    this.context = {
      sources,
      events,
      registry,
      metrics,
      requestTimeoutMs: config.requestTimeoutMs,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.catalog.onChange(() => {
      void this.requestReconcile();
    });
    await this.requestReconcile();
    if (this.running.size === 0) {
      this.logger.warn('No 1Password source configured: only pushed events will be ingested');
    }
    runPeriodically(
      this.registry,
      RECONCILE_TASK,
      this.config.reconcileIntervalMs,
      () => this.requestReconcile(),
      this.logger,
    );
  }

  // Before the database closes: the page in flight is stored, or abandoned, cleanly.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    await this.queue;
    await Promise.all([...this.running.values()].map(({ source }) => source.stop()));
  }

  /** Reconciles after whatever reconciliation is under way: one at a time, in order. */
  private requestReconcile(): Promise<void> {
    this.queue = this.queue
      .then(() => this.reconcile())
      .catch((error: unknown) => {
        this.logger.error(
          `Reconciling sources failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    return this.queue;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const { definitions, unreadable } = await this.catalog.definitionsToPoll();
    this.reportUnreadable(unreadable);
    const wanted = new Map(definitions.map((definition) => [keyOf(definition), definition]));
    for (const [key, { fingerprint, source }] of this.running) {
      const definition = wanted.get(key);
      if (definition && fingerprintOf(definition) === fingerprint) continue;
      await source.stop();
      this.running.delete(key);
      if (!definition && !unreadable.includes(source.definition.name)) {
        for (const id of source.streamIds()) {
          await this.context.sources.markDisabled(id, 'the source was deleted');
        }
        this.logger.log(`Source ${source.definition.name} stopped: it was deleted`);
      }
    }
    for (const [key, definition] of wanted) {
      if (this.running.has(key) || this.isStopping()) continue;
      const source =
        definition.kind === 'connect'
          ? new ConnectSource(definition, this.context)
          : new EventsApiSource(definition, this.context);
      this.running.set(key, { fingerprint: fingerprintOf(definition), source });
      try {
        await source.start();
      } catch (error) {
        // Tried again at the next reconciliation; the other sources start meanwhile.
        this.running.delete(key);
        await source.stop();
        this.logger.error(
          `Source ${definition.name} did not start: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  /** Shutdown may begin while a reconciliation awaits. */
  private isStopping(): boolean {
    return this.stopped;
  }

  private reportUnreadable(names: string[]): void {
    const text = names.join(', ');
    if (text && text !== this.unreadable) {
      this.logger.error(
        `Not polling ${text}: the stored token cannot be decrypted (SOURCES_ENCRYPTION_KEY is missing or changed)`,
      );
    }
    this.unreadable = text;
  }
}

const keyOf = (definition: SourceDefinition) => `${definition.kind}:${definition.name}`;

/** Tells a changed definition (a new token, URL or interval) from the one running. */
function fingerprintOf(definition: SourceDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}
