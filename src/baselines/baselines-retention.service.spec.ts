import { SchedulerRegistry } from '@nestjs/schedule';
import { BaselinesRetentionService } from './baselines-retention.service';
import { DEFAULT_BASELINES_OPTIONS } from './baselines.options';
import type { BaselinesService, ForgetResult } from './baselines.service';

describe('BaselinesRetentionService', () => {
  const registry = new SchedulerRegistry();
  let release: (result: ForgetResult) => void = () => undefined;
  const forget = jest.fn(
    () =>
      new Promise<ForgetResult>((resolve) => {
        release = resolve;
      }),
  );
  const service = new BaselinesRetentionService(
    { forget } as unknown as BaselinesService,
    registry,
    DEFAULT_BASELINES_OPTIONS,
  );

  afterAll(() => {
    for (const name of registry.getIntervals()) registry.deleteInterval(name);
    for (const name of registry.getTimeouts()) registry.deleteTimeout(name);
  });

  it('schedules a first run soon after start-up, then one a day', () => {
    service.onApplicationBootstrap();
    expect(registry.getIntervals()).toEqual(['baselines-retention']);
    expect(registry.getTimeouts()).toEqual(['baselines-retention-first-run']);
  });

  it('joins a run in progress instead of starting a second one, and waits for it at shutdown', async () => {
    const first = service.runOnce();
    const second = service.runOnce();
    expect(forget).toHaveBeenCalledTimes(1);
    let shutDown = false;
    const shutdown = service.beforeApplicationShutdown().then(() => (shutDown = true));
    await Promise.resolve();
    expect(shutDown).toBe(false);

    release({ ran: true, hourlyCounts: 3, seenValues: 1 });
    await Promise.all([first, second, shutdown]);
    expect(shutDown).toBe(true);

    const third = service.runOnce();
    expect(forget).toHaveBeenCalledTimes(2);
    release({ ran: false, hourlyCounts: 0, seenValues: 0 });
    await third;
  });
});
