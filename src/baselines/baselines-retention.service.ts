import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { runPeriodically } from '../common/periodic';
import { BASELINES_OPTIONS, type BaselinesOptions } from './baselines.options';
import { BaselinesService } from './baselines.service';

const INTERVAL = 'baselines-retention';
const FIRST_RUN = 'baselines-retention-first-run';

/**
 * Runs baseline retention in worker processes: shortly after start-up (workers restart more
 * often than daily), then every day. Several workers may run it: one does, the others skip.
 */
@Injectable()
export class BaselinesRetentionService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(BaselinesRetentionService.name);
  private running: Promise<void> | null = null;

  constructor(
    private readonly baselines: BaselinesService,
    private readonly registry: SchedulerRegistry,
    @Inject(BASELINES_OPTIONS) private readonly options: BaselinesOptions,
  ) {}

  onApplicationBootstrap(): void {
    runPeriodically(
      this.registry,
      INTERVAL,
      this.options.retentionEveryMs,
      () => this.runOnce(),
      this.logger,
    );
    this.registry.addTimeout(
      FIRST_RUN,
      setTimeout(() => {
        this.runOnce().catch((error: unknown) => {
          this.logger.error(
            `${FIRST_RUN} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
      }, this.options.retentionFirstRunDelayMs),
    );
  }

  /** Lets a run in progress finish before the database connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** One retention pass; a call while one is running joins it. */
  runOnce(): Promise<void> {
    this.running ??= this.baselines
      .forget(new Date())
      .then(() => undefined)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
