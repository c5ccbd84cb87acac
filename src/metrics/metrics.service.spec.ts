import type { Queue } from 'bullmq';
import { MetricsService } from './metrics.service';

function fakeQueue(name: string, getJobCounts: () => Promise<Record<string, number>>): Queue {
  return { name, getJobCounts } as unknown as Queue;
}

describe('MetricsService', () => {
  const detect = fakeQueue('detect', () => Promise.resolve({ waiting: 3, active: 1, failed: 0 }));

  it('renders the typed metrics with their labels', async () => {
    const metrics = new MetricsService(detect);
    metrics.countIngested('itemusages', 5);
    metrics.countDuplicates('itemusages', 2);
    metrics.eventsDuplicate.inc({ stream: 'itemusages' });
    metrics.countRejected('auditevents');
    metrics.countPoll('events-api', 'ok');
    metrics.countPollError('connect');
    metrics.setSourceLag('events-api', 12.5);

    const text = await metrics.scrape();
    expect(text).toContain('vaultwatch_events_ingested_total{stream="itemusages"} 5');
    expect(text).toContain('vaultwatch_events_duplicate_total{stream="itemusages"} 3');
    expect(text).toContain('vaultwatch_events_rejected_total{stream="auditevents"} 1');
    expect(text).toContain('vaultwatch_polls_total{source="events-api",outcome="ok"} 1');
    expect(text).toContain('vaultwatch_poll_errors_total{source="connect"} 1');
    expect(text).toContain('vaultwatch_source_lag_seconds{source="events-api"} 12.5');
    expect(text).toContain('vaultwatch_queue_jobs{queue="detect",state="waiting"} 3');
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('adds default process metrics with the vaultwatch_ prefix', async () => {
    const metrics = new MetricsService(detect);
    metrics.onModuleInit();
    expect(await metrics.scrape()).toContain('vaultwatch_process_cpu_user_seconds_total');
  });

  it('runs collectors before each scrape, and skips those that fail or hang', async () => {
    const metrics = new MetricsService(detect);
    let lag = 1;
    metrics.registerCollector(() => {
      metrics.sourceLag.set({ source: 'connect' }, lag++);
    }, 'lag');
    metrics.registerCollector(() => Promise.reject(new Error('db down')), 'broken');
    const unregister = metrics.registerCollector(() => undefined, 'removed');
    unregister();

    expect(await metrics.scrape()).toContain('vaultwatch_source_lag_seconds{source="connect"} 1');
    expect(await metrics.scrape()).toContain('vaultwatch_source_lag_seconds{source="connect"} 2');
  });

  it('still answers when a queue cannot be read', async () => {
    const down = fakeQueue('notify', () => Promise.reject(new Error('redis down')));
    const metrics = new MetricsService(detect);
    metrics.watchQueue(down);
    const text = await metrics.scrape();
    expect(text).toContain('vaultwatch_queue_jobs{queue="detect",state="active"} 1');
    expect(text).not.toContain('queue="notify"');
  });

  it("withdraws a queue's counts when they can no longer be read", async () => {
    let up = true;
    const flaky = fakeQueue('notify', () =>
      up ? Promise.resolve({ waiting: 4 }) : Promise.reject(new Error('redis down')),
    );
    const metrics = new MetricsService(detect);
    metrics.watchQueue(flaky);
    expect(await metrics.scrape()).toContain(
      'vaultwatch_queue_jobs{queue="notify",state="waiting"} 4',
    );
    up = false;
    expect(await metrics.scrape()).not.toContain('queue="notify"');
  });

  it('keeps apps in one process apart', async () => {
    const first = new MetricsService(detect);
    const second = new MetricsService(detect);
    first.eventsIngested.inc({ stream: 'signinattempts' });
    expect(await second.scrape()).not.toContain('stream="signinattempts"');
  });
});
