import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { runPeriodically } from '../common/periodic';
import { eventsConfig, type EventsConfig } from '../config/app.config';
import { EventsRepository } from './events.repository';

const INTERVAL = 'rejected-events-retention';
const EVERY_MS = 3_600_000;
const FIRST_RUN_DELAY_MS = 60_000;
const CHUNK = 10_000;

/**
 * Deletes rejected objects older than REJECTED_EVENTS_RETENTION, hourly: whoever can make a
 * source serve bad objects cannot grow the table without bound. Several processes may run it.
 */
@Injectable()
export class RejectedEventsRetentionService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(RejectedEventsRetentionService.name);
  private running: Promise<number> | null = null;

  constructor(
    private readonly repository: EventsRepository,
    private readonly registry: SchedulerRegistry,
    @Inject(eventsConfig.KEY) private readonly config: EventsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const run = async () => {
      const deleted = await this.runOnce();
      if (deleted > 0) this.logger.log(`Deleted ${deleted} rejected objects past retention`);
    };
    runPeriodically(this.registry, INTERVAL, EVERY_MS, run, this.logger);
    this.registry.addTimeout(
      `${INTERVAL}-first-run`,
      setTimeout(() => {
        run().catch((error: unknown) => {
          this.logger.error(`${INTERVAL} failed: ${(error as Error).message}`);
        });
      }, FIRST_RUN_DELAY_MS),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** One pass; answers how many rows it deleted. A call while one runs joins it. */
  runOnce(now = new Date()): Promise<number> {
    this.running ??= this.repository
      .pruneRejections(new Date(now.getTime() - this.config.rejectedRetentionMs), CHUNK)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
