import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/**
 * Drains every queue worker before any queue closes. Nest closes the queues and the workers in
 * the same shutdown phase, so a job still running could enqueue onto a closed queue: on Redis
 * that fails (the job is retried), on PostgreSQL it waits forever and shutdown never ends.
 */
@Injectable()
export class WorkersDrain implements BeforeApplicationShutdown {
  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.discovery
      .getProviders()
      .map((wrapper): unknown => wrapper.instance)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .flatMap((host) => safeWorker(host) ?? []);
    // worker.close() waits for the jobs in flight; closing again later is a no-op.
    await Promise.all(workers.map((worker) => worker.close()));
  }
}

/** A host whose worker was never started (no duty) has none: its getter throws. */
function safeWorker(host: WorkerHost) {
  try {
    return host.worker;
  } catch {
    return undefined;
  }
}
