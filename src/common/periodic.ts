import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `task` every `everyMs` on the schedule registry (which clears it on shutdown),
 * skipping a tick while the previous run is still going.
 */
export function runPeriodically(
  registry: SchedulerRegistry,
  name: string,
  everyMs: number,
  task: () => Promise<void>,
  logger: Logger,
): void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    task()
      .catch((error: unknown) => {
        logger.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        running = false;
      });
  };
  registry.addInterval(name, setInterval(tick, everyMs));
}
