import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DETECT_QUEUE } from '../queue/queue.contract';
import { failureReason, SingleFlight, withTimeout } from '../common/deadline';

/** Refreshes gauges right before a scrape (e.g. source lag read from the database). */
export type MetricsCollector = () => void | Promise<void>;

export const METRIC_PREFIX = 'vaultwatch_';
/** A collector that takes longer is skipped for this scrape. */
export const COLLECT_TIMEOUT_MS = 2_000;
/** Queue counts come from Redis, which answers in milliseconds or not at all. */
export const QUEUE_COUNT_TIMEOUT_MS = 1_000;

type JobCounts = Record<string, number>;

interface WatchedQueue {
  queue: Queue;
  /** While Redis is away, one count request waits per queue instead of one per scrape. */
  counts: SingleFlight<JobCounts>;
  /** States reported so far, to withdraw when the counts cannot be read. */
  states: Set<string>;
}

/**
 * The process's Prometheus metrics, in a registry of its own (several apps in one test
 * process must not collide). Other modules count through the methods below (or the typed
 * prom-client metrics they wrap) and may register collectors for gauges read at scrape time.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly logger = new Logger(MetricsService.name);
  private readonly registry = new Registry();
  private readonly collectors = new Map<MetricsCollector, string>();
  private readonly queues = new Map<string, WatchedQueue>();
  private readonly failing = new Set<string>();

  /** Events stored, per stream. */
  readonly eventsIngested = this.counter('events_ingested_total', 'Events stored', ['stream']);
  /** Events dropped because they were stored already, per stream. */
  readonly eventsDuplicate = this.counter(
    'events_duplicate_total',
    'Events dropped because they were already stored',
    ['stream'],
  );
  /** Events stored as rejected (malformed), per stream (`unknown` when it cannot be told). */
  readonly eventsRejected = this.counter(
    'events_rejected_total',
    'Events stored as rejected because they were malformed',
    ['stream'],
  );
  /** Fields of stored events dropped, shortened or made safe, per stream and field. */
  readonly eventFieldIssues = this.counter(
    'event_field_issues_total',
    'Fields of stored events dropped, shortened or made safe (field `raw`: the raw copy)',
    ['stream', 'field'],
  );
  /** Failed polls, per source. */
  readonly pollErrors = this.counter('poll_errors_total', 'Failed source polls', ['source']);
  /** Polls, per source and outcome (a small fixed word: ok, error, skipped_locked…). */
  readonly polls = this.counter('polls_total', 'Source polls by outcome', ['source', 'outcome']);
  /** Requests sent again after a passing failure (429, 5xx, reset, timeout), per source. */
  readonly sourceRetries = this.counter(
    'source_retries_total',
    'Requests to a source sent again after a passing failure, without failing the poll',
    ['source', 'reason'],
  );
  /** Polls failed in a row, per source (an outage while above 0); set at scrape time. */
  readonly sourceFailures = new Gauge({
    name: `${METRIC_PREFIX}source_consecutive_failures`,
    help: 'Polls of a source that failed in a row; 0 after any success',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  /** 1 for the state each source is in (idle, polling, backoff, failing, down…); set at scrape time. */
  readonly sourceState = new Gauge({
    name: `${METRIC_PREFIX}source_state`,
    help: 'The state each source is in (1) and the states it is not in (0)',
    labelNames: ['source', 'state'] as const,
    registers: [this.registry],
  });
  /** Batches a rule failed to judge (the other rules judged them), per rule id. */
  readonly ruleFailures = this.counter(
    'rule_failures_total',
    'Batches a rule failed to judge; the other rules judged them',
    ['rule'],
  );
  /**
   * Live batches judged ahead of a backlog: `judged` when the rules that read user and token
   * baselines judged them too, `waited` when those rules left them to their turn (the actors'
   * stored events past the scan limit).
   */
  readonly batchesJudgedAhead = this.counter(
    'batches_judged_ahead_total',
    'Live batches judged ahead of a backlog, by whether the rules that read baselines did too',
    ['baselines'],
  );
  /** Seconds behind, per source; set by a collector at scrape time. */
  readonly sourceLag = new Gauge({
    name: `${METRIC_PREFIX}source_lag_seconds`,
    help: 'Seconds between now and the newest event stored from a source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly queueJobs = new Gauge({
    name: `${METRIC_PREFIX}queue_jobs`,
    help: 'Jobs in each queue by state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  constructor(@InjectQueue(DETECT_QUEUE) detectQueue: Queue) {
    this.watchQueue(detectQueue);
  }

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  countIngested(stream: string, count = 1): void {
    this.eventsIngested.inc({ stream }, count);
  }

  countDuplicates(stream: string, count = 1): void {
    this.eventsDuplicate.inc({ stream }, count);
  }

  countRejected(stream: string, count = 1): void {
    this.eventsRejected.inc({ stream }, count);
  }

  countFieldIssue(stream: string, field: string, count = 1): void {
    this.eventFieldIssues.inc({ stream, field }, count);
  }

  /** One poll finished; `outcome` is a small fixed word (ok, error, skipped_locked…). */
  countPoll(source: string, outcome: string): void {
    this.polls.inc({ source, outcome });
  }

  countPollError(source: string): void {
    this.pollErrors.inc({ source });
  }

  countRuleFailure(ruleId: string): void {
    this.ruleFailures.inc({ rule: ruleId });
  }

  setSourceLag(source: string, seconds: number): void {
    this.sourceLag.set({ source }, seconds);
  }

  /** Adds a queue whose job counts `vaultwatch_queue_jobs` reports (the detect queue is built in). */
  watchQueue(queue: Queue): void {
    this.queues.set(queue.name, {
      queue,
      counts: new SingleFlight<JobCounts>(),
      states: new Set(),
    });
  }

  /**
   * Runs `collector` before every scrape, with a deadline; a failure is logged once and skips
   * it for that scrape. Returns a function that removes it.
   */
  registerCollector(collector: MetricsCollector, name = collector.name || 'anonymous'): () => void {
    this.collectors.set(collector, name);
    return () => {
      this.collectors.delete(collector);
    };
  }

  /** Refreshes the scrape-time gauges and renders every metric in Prometheus text format. */
  async scrape(): Promise<string> {
    await Promise.all([
      ...[...this.queues.values()].map((watched) => this.collectQueue(watched)),
      ...[...this.collectors].map(([collector, name]) =>
        this.collect(`collector ${name}`, COLLECT_TIMEOUT_MS, async () => collector()),
      ),
    ]);
    return this.registry.metrics();
  }

  private async collectQueue(watched: WatchedQueue): Promise<void> {
    const { queue, counts } = watched;
    const read = await this.collect(`queue ${queue.name}`, QUEUE_COUNT_TIMEOUT_MS, async () => {
      const current = await counts.run(() => queue.getJobCounts());
      for (const [state, count] of Object.entries(current)) {
        this.queueJobs.set({ queue: queue.name, state }, count);
        watched.states.add(state);
      }
    });
    if (read) return;
    // Unknown is better than stale: the queue's series vanish until Redis answers again.
    for (const state of watched.states) this.queueJobs.remove({ queue: queue.name, state });
  }

  /** Runs one collection with a deadline; logs when it starts and stops failing. */
  private async collect(
    name: string,
    timeoutMs: number,
    task: () => Promise<void>,
  ): Promise<boolean> {
    try {
      await withTimeout(task(), timeoutMs);
      if (this.failing.delete(name)) this.logger.log(`Metrics from ${name} are back`);
      return true;
    } catch (error) {
      if (!this.failing.has(name)) {
        this.failing.add(name);
        this.logger.warn(`Metrics from ${name} skipped: ${failureReason(error)}`);
      }
      return false;
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({
      name: METRIC_PREFIX + name,
      help,
      labelNames,
      registers: [this.registry],
    });
  }
}
