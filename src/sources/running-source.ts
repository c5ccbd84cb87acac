import { SchedulerRegistry } from '@nestjs/schedule';
import type { SourceDefinition } from '../config/source-definition';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { PollLoop, Poller } from './poll-loop';
import { SourcesRepository } from './sources.repository';

/** What every running source polls with. */
export interface IngestContext {
  sources: SourcesRepository;
  events: EventsService;
  registry: SchedulerRegistry;
  metrics: MetricsService;
  requestTimeoutMs: number;
}

/** One named source being polled: its streams' loops, started and stopped together. */
export abstract class RunningSource {
  private readonly loops: PollLoop[] = [];
  protected stopped = false;

  constructor(
    readonly definition: SourceDefinition,
    protected readonly context: IngestContext,
  ) {}

  /** Registers the source's streams and starts polling them (or retrying until it can). */
  abstract start(): Promise<void>;

  /** The ids of the source's stream rows. */
  abstract streamIds(): string[];

  /** Stops polling; the page in flight is stored or abandoned first. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }

  protected startLoop(poller: Poller): void {
    if (this.stopped) return;
    const { sources, registry, metrics } = this.context;
    const loop = new PollLoop(poller, this.definition.pollIntervalMs, sources, registry, metrics);
    this.loops.push(loop);
    loop.start();
  }
}
